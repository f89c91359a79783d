FROM alpine:3.20
# expect-next: IMP-DOCKER-021
RUN wget --no-check-certificate https://repo.example/x
