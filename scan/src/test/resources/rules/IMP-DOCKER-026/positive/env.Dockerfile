FROM node:20
# expect-next: IMP-DOCKER-026
RUN NPM_TOKEN=abcd1234efgh5678 npm ci
