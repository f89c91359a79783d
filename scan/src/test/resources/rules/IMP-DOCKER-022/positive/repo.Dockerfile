FROM centos:7
# expect-next: IMP-DOCKER-022
RUN printf "[x]\nbaseurl=https://r.example\ngpgcheck=0\n" > /etc/yum.repos.d/x.repo
