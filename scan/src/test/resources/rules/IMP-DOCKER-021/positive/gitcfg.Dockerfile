FROM alpine:3.20
RUN git config --global http.sslVerify false
