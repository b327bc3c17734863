#!/bin/sh
# First start: make the cluster with POSTGRES_USER as its superuser and POSTGRES_PASSWORD, then
# POSTGRES_DB; every start: serve on all addresses, passwords required from the network.
set -eu
: "${POSTGRES_PASSWORD:?POSTGRES_PASSWORD is required}"
user="${POSTGRES_USER:-postgres}"
db="${POSTGRES_DB:-$user}"
if [ ! -s "$PGDATA/PG_VERSION" ]; then
  pwfile="$(mktemp)"
  printf '%s\n' "$POSTGRES_PASSWORD" > "$pwfile"
  initdb --username="$user" --pwfile="$pwfile" --auth-local=trust --auth-host=scram-sha-256 -D "$PGDATA" >/dev/null
  rm -f "$pwfile"
  printf "host all all 0.0.0.0/0 scram-sha-256\nhost all all ::/0 scram-sha-256\n" >> "$PGDATA/pg_hba.conf"
  if [ "$db" != "postgres" ]; then
    postgres -D "$PGDATA" -c listen_addresses='' -k "$PGHOST" &
    pid=$!
    until pg_isready -q; do sleep 0.2; done
    psql -U "$user" -d postgres -v ON_ERROR_STOP=1 -q -c "CREATE DATABASE \"$db\""
    kill -INT "$pid"; wait "$pid" || true
  fi
fi
exec postgres -D "$PGDATA" -c listen_addresses='*' -k "$PGHOST"
