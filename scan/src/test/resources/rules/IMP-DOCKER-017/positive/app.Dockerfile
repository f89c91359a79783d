FROM debian:12
# expect-next: IMP-DOCKER-017
ENTRYPOINT ["sh", "-c", "apt-get install -y jq && exec ./run"]
