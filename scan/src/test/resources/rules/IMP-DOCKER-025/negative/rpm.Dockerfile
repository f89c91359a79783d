FROM rockylinux:9.3
RUN dnf makecache && dnf install -y httpd-2.4.57 && dnf clean all
USER 10001
