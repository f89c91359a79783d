FROM alpine:3.20
# expect-next: IMP-DOCKER-025
RUN apk update
RUN apk add --no-cache curl=8.9.1-r0
USER 10001
