FROM alpine:3.20
# expect-next: IMP-DOCKER-011
USER 0:0
