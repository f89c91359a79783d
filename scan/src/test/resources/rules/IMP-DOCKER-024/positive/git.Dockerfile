FROM alpine:3.20
# expect-next: IMP-DOCKER-024
ADD https://github.com/org/repo.git#v1.0 /src
