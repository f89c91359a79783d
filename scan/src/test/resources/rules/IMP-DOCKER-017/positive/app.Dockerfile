FROM debian:12
ENTRYPOINT ["sh", "-c", "apt-get install -y jq && exec ./run"]
