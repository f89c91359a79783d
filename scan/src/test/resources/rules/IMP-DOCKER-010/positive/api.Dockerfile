FROM node:20 AS build
FROM node:20-slim
# expect-next: IMP-DOCKER-010
COPY --from=build /root /root
