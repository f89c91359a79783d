FROM node:20
# expect-next: IMP-DOCKER-008
COPY .npmrc package.json ./
