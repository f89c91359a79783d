FROM ubuntu:24.04
RUN wget -qO- https://x.example/install.sh \
    | sudo bash -s -- --yes
