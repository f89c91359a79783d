FROM alpine/git:2.45
# expect-next: IMP-DOCKER-026
RUN git clone https://ci-bot:s3cr3tT0kenValue@git.example.com/org/repo.git
