FROM golang:1.22
# expect-next: IMP-DOCKER-018
RUN go install golang.org/x/tools/gopls@latest
