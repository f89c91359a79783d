FROM opensuse/leap:15.6
RUN zypper ref && zypper install -y nginx=1.21.5 && zypper clean
USER 10001
