FROM node:20 AS build
FROM node:20-slim
COPY --from=build /root /root
