FROM alpine:3.20
# expect-next: IMP-DOCKER-015
CMD ["/usr/sbin/sshd", "-D"]
