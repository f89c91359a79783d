FROM ubuntu:24.04
RUN wget -qO- https://x.example/install.sh \
# expect-next: IMP-DOCKER-019
    | sudo bash -s -- --yes
