FROM rockylinux:9.3
# expect-next: IMP-DOCKER-025
RUN yum makecache
# expect-next: IMP-DOCKER-025
RUN dnf check-update || true
USER 10001
