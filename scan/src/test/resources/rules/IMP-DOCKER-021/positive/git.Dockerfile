FROM alpine:3.20
# expect-next: IMP-DOCKER-021
ENV GIT_SSL_NO_VERIFY=true
