FROM alpine:3.20
ADD https://github.com/org/repo.git#v1.0 /src
