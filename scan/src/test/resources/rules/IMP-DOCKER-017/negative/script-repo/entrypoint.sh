#!/bin/sh
set -e
# dependencies were installed at build time
exec python /app/main.py "$@"
