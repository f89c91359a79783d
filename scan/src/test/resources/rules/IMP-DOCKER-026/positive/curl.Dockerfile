FROM alpine:3.20
# expect-next: IMP-DOCKER-026
RUN curl -u deploy:hunter2hunter2 https://repo.example/file -o f
