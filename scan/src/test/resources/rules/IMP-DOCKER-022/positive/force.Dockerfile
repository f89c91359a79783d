FROM debian:12
RUN apt-get install -y --force-yes tool=1.0
