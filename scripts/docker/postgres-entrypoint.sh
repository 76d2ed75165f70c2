#!/bin/bash
# The official PostgreSQL image's contract, for the local stand-in image: on first start,
# initialise $PGDATA with POSTGRES_USER / POSTGRES_PASSWORD and create POSTGRES_DB; then
# run the command (`postgres ...`) as the postgres user.
set -euo pipefail
if [ "${1:-}" != "postgres" ]; then
  exec "$@"
fi
shift
: "${POSTGRES_PASSWORD:?POSTGRES_PASSWORD must be set}"
user="${POSTGRES_USER:-postgres}"
db="${POSTGRES_DB:-$user}"
mkdir -p "$PGDATA" /var/run/postgresql
chown postgres:postgres "$PGDATA" /var/run/postgresql
chmod 700 "$PGDATA"
if [ ! -s "$PGDATA/PG_VERSION" ]; then
  pwfile="$(mktemp)"
  printf '%s\n' "$POSTGRES_PASSWORD" > "$pwfile"
  chown postgres "$pwfile"
  runuser -u postgres -- initdb -D "$PGDATA" -U "$user" --pwfile="$pwfile" \
    --auth-local=trust --auth-host=scram-sha-256 -E UTF8 >/dev/null
  rm -f "$pwfile"
  runuser -u postgres -- pg_ctl -D "$PGDATA" -w -o "-c listen_addresses='' -k /var/run/postgresql" start >/dev/null
  if [ "$db" != "postgres" ]; then
    runuser -u postgres -- psql -h /var/run/postgresql -U "$user" -d postgres -v ON_ERROR_STOP=1 \
      -c "CREATE DATABASE \"$db\"" >/dev/null
  fi
  runuser -u postgres -- pg_ctl -D "$PGDATA" -m fast -w stop >/dev/null
  echo "initialised $PGDATA (user $user, database $db)"
fi
exec runuser -u postgres -- postgres -D "$PGDATA" "$@"
