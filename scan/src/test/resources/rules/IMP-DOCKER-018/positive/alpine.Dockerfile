FROM alpine:3.20
# expect-next: IMP-DOCKER-018
RUN apk add --no-cache --virtual .build-deps gcc=13.2.1-r0 musl-dev
