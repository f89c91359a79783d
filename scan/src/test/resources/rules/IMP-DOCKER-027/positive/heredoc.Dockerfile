# syntax=docker/dockerfile:1
FROM alpine:3.20
COPY <<EOF /root/.ssh/id_ed25519
# expect-next: IMP-DOCKER-027
-----BEGIN OPENSSH PRIVATE KEY-----
b3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQ
-----END OPENSSH PRIVATE KEY-----
EOF
