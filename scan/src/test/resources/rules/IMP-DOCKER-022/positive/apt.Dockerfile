FROM debian:12
RUN apt-get install -y --allow-unauthenticated tool=1.0
