FROM opensuse/leap:15.6
# expect-next: IMP-DOCKER-018
RUN zypper install -y nginx
