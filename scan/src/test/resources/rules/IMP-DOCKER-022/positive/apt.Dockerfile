FROM debian:12
# expect-next: IMP-DOCKER-022
RUN apt-get install -y --allow-unauthenticated tool=1.0
