FROM node:20
RUN NPM_TOKEN=abcd1234efgh5678 npm ci
