FROM ubuntu:24.04
# expect-next: IMP-DOCKER-020
RUN curl -fsSL -o install.sh https://x.example/install.sh && bash install.sh
