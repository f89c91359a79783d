FROM node:20
# expect-next: IMP-DOCKER-018
RUN npm install -g typescript@latest
