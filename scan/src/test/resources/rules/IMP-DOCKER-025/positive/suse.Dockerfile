FROM opensuse/leap:15.6
# expect-next: IMP-DOCKER-025
RUN zypper --non-interactive refresh
USER 10001
