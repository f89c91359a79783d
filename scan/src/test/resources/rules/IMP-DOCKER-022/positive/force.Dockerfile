FROM debian:12
# expect-next: IMP-DOCKER-022
RUN apt-get install -y --force-yes tool=1.0
