FROM centos:7
# expect-next: IMP-DOCKER-009
RUN useradd -m -p '$6$abc$hash' deploy
