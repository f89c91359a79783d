FROM centos:7
RUN rpm -i --nosignature tool.rpm
