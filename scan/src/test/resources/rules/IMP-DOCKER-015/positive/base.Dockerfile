FROM ubuntu:24.04 AS base
# expect-next: IMP-DOCKER-015
RUN apt-get update && apt-get install -y openssh-server=1:9.6p1-3ubuntu13
FROM base
USER 1000
