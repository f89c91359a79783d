FROM centos:7
RUN useradd -m -p '$6$abc$hash' deploy
