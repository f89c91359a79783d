FROM ubuntu:24.04 AS sshtest
RUN apt-get update && apt-get install -y openssh-server=1:9.6p1-3ubuntu13
FROM ubuntu:24.04
USER 1000
