ARG BASE=node:latest
# expect-next: IMP-DOCKER-001
FROM ${BASE}
USER node
