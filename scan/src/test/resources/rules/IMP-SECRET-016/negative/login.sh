echo "$DOCKERHUB_TOKEN" | docker login -u ci --password-stdin
