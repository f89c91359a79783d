ARG BASE=node:latest
FROM ${BASE}
USER node
