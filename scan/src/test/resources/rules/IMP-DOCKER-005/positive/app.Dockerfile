FROM alpine:3.20
# expect-next: IMP-DOCKER-005
ENV API_TOKEN "s3cr3t-T0ken-value"
# expect-next: IMP-DOCKER-005
LABEL deploy.key=AKIAIOSFODNN7REALKEY
