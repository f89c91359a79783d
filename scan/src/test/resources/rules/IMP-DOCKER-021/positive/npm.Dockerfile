FROM node:20
# expect-next: IMP-DOCKER-021
RUN npm config set strict-ssl false
