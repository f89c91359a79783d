FROM alpine:3.20
CMD ["/usr/sbin/sshd", "-D"]
