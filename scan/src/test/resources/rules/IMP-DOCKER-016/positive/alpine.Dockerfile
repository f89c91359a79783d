FROM alpine:3.20
# expect-next: IMP-DOCKER-016
RUN apk upgrade --no-cache
