#!/bin/sh
# Exchanges the workload's JWT-SVID (audience imprint:db, written by the node agent or
# `imprint svid fetch --audience imprint:db`) for a PostgreSQL login that expires in minutes, and
# hands it to the service in libpq's environment variables. Nothing is written to disk or logged.
set -eu
login=$(curl --fail --silent --show-error \
  -H "Authorization: Bearer $(cat "$SVID_FILE")" \
  -H 'Content-Type: application/json' \
  -d "{\"resource\":\"$DB_RESOURCE\",\"ttl\":\"15m\"}" \
  "$IMPRINT_SERVER/v1/db/credentials")
PGHOST=$(printf '%s' "$login" | jq -r .host)
PGPORT=$(printf '%s' "$login" | jq -r .port)
PGDATABASE=$(printf '%s' "$login" | jq -r .database)
PGUSER=$(printf '%s' "$login" | jq -r .username)
PGPASSWORD=$(printf '%s' "$login" | jq -r .password)
PGSSLMODE=$(printf '%s' "$login" | jq -r .sslmode)
export PGHOST PGPORT PGDATABASE PGUSER PGPASSWORD PGSSLMODE
unset login
exec "$@"
