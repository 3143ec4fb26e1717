#!/usr/bin/env bash
# Runs a command against a throwaway PostgreSQL server (Debian's postgresql package), with
# DATABASE_URL pointing at it; the server and its files are removed afterwards.
#   bash scripts/with-postgres.sh .venv/bin/pytest tests/web
set -euo pipefail
PGBIN=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
if [ -z "$PGBIN" ]; then
    echo "PostgreSQL is not installed (apt-get install postgresql)" >&2
    exit 1
fi
PORT=${KAOPING_PG_PORT:-54329}
DIR=$(mktemp -d /tmp/kaoping-pg.XXXXXX)
as_pg=()
if [ "$(id -u)" = 0 ]; then
    # initdb refuses to run as root: run the server as the postgres user.
    chown postgres "$DIR"
    as_pg=(runuser -u postgres --)
fi
"${as_pg[@]}" "$PGBIN/initdb" -D "$DIR/data" -A trust -U postgres -E UTF8 --locale=C.UTF-8 >/dev/null
# fsync off: a test server that is thrown away needs no durability, and runs much faster.
"${as_pg[@]}" "$PGBIN/pg_ctl" -D "$DIR/data" -l "$DIR/server.log" -w \
    -o "-p $PORT -k $DIR -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off" \
    start >/dev/null
stop() {
    "${as_pg[@]}" "$PGBIN/pg_ctl" -D "$DIR/data" -m immediate stop >/dev/null 2>&1 || true
    rm -rf "$DIR"
}
trap stop EXIT
"${as_pg[@]}" "$PGBIN/createdb" -h 127.0.0.1 -p "$PORT" -U postgres kaoping
export DATABASE_URL="postgres://postgres@127.0.0.1:$PORT/kaoping"
"$@"
