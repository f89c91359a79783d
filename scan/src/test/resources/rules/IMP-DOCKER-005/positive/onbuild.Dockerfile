FROM alpine:3.20
# expect-next: IMP-DOCKER-005
ONBUILD ENV SERVICE_PASSWORD=Wint3r-is-coming-42
