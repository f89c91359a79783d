FROM node:20 AS build
USER node
# expect-next: IMP-DOCKER-012
FROM node:20-slim
CMD ["node","server.js"]
