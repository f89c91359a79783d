FROM alpine:3.20
RUN wget --no-check-certificate https://repo.example/x
