FROM node:20 AS build
USER node
FROM node:20-slim
CMD ["node","server.js"]
