FROM centos:7
# expect-next: IMP-DOCKER-022
RUN rpm -i --nosignature tool.rpm
