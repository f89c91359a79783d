FROM node:20
COPY .npmrc package.json ./
