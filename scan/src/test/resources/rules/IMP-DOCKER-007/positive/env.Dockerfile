FROM node:20
# expect-next: IMP-DOCKER-007
ARG NPM_TOKEN
RUN npm ci
