FROM alpine:3.20
# expect-next: IMP-DOCKER-021
RUN git config --global http.sslVerify false
