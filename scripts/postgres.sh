#!/usr/bin/env bash
# A throwaway PostgreSQL cluster for the test suite (never for production data).
#
#   scripts/postgres.sh start   # install Debian's postgresql if missing, start a cluster on
#                               # 127.0.0.1:<free port>, print its SQLAlchemy URL
#   scripts/postgres.sh url     # print the URL of the running cluster (exit 1 if none)
#   scripts/postgres.sh stop    # stop it and delete its files
#
# Typical use:  export TEST_POSTGRES_URL=$(scripts/postgres.sh start) && pytest; scripts/postgres.sh stop
#
# The cluster lives in a temporary folder (owned by the `postgres` user when run as root), listens on
# loopback only, requires a password (random, per cluster) and runs with fsync and autovacuum off:
# it is for tests.
# The role `screening` may create databases, so the tests can make a fresh database for each test.
# SCREENING_PG_STATE overrides where the state (folder, port, URL) is remembered between calls.
set -euo pipefail

STATE="${SCREENING_PG_STATE:-${TMPDIR:-/tmp}/screening-postgres.env}"

die() { echo "postgres.sh: $*" >&2; exit 1; }

bindir() {
    local dir
    dir=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1 || true)
    if [ -n "$dir" ] && [ -x "$dir/initdb" ]; then echo "$dir"; fi
}

ensure_installed() {
    if [ -n "$(bindir)" ]; then return; fi
    [ "$(id -u)" -eq 0 ] || die "PostgreSQL is not installed; run as root, or: sudo apt-get install -y postgresql"
    echo "postgres.sh: installing Debian's postgresql ..." >&2
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq >&2
    apt-get install -y -qq postgresql >&2
    [ -n "$(bindir)" ] || die "postgresql was installed but initdb was not found under /usr/lib/postgresql"
}

# Run a server program as the cluster's owner: `postgres` when we are root, else ourselves.
as_owner() {
    if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

free_port() {
    python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

load_state() {
    [ -f "$STATE" ] || return 1
    # shellcheck disable=SC1090
    . "$STATE"
    [ -n "${PG_DIR:-}" ] && [ -d "$PG_DIR/data" ] || return 1
    as_owner "$(bindir)/pg_ctl" -D "$PG_DIR/data" status >/dev/null 2>&1
}

start() {
    if load_state; then echo "$PG_URL"; return; fi
    ensure_installed
    local bin dir pw port
    bin=$(bindir)
    dir=$(mktemp -d "${TMPDIR:-/tmp}/screening-pg.XXXXXX")
    chmod 700 "$dir"
    pw=$(python3 -c 'import secrets; print(secrets.token_hex(16))')
    printf '%s\n' "$pw" >"$dir/pwfile"
    chmod 600 "$dir/pwfile"
    if [ "$(id -u)" -eq 0 ]; then chown -R postgres: "$dir"; fi

    as_owner "$bin/initdb" -D "$dir/data" -U postgres --auth=scram-sha-256 --pwfile="$dir/pwfile" \
        --encoding=UTF8 --no-locale >"$dir/initdb.log" 2>&1 \
        || { cat "$dir/initdb.log" >&2; die "initdb failed"; }
    rm -f "$dir/pwfile"

    port=$(free_port)
    as_owner "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 \
        -o "-c listen_addresses=127.0.0.1 -c port=$port -c unix_socket_directories=$dir -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c autovacuum=off -c max_connections=200" \
        start >/dev/null || { cat "$dir/server.log" >&2; die "the server did not start"; }

    PGPASSWORD="$pw" psql -X -q -h 127.0.0.1 -p "$port" -U postgres -d postgres -v ON_ERROR_STOP=1 \
        -c "CREATE ROLE screening LOGIN CREATEDB PASSWORD '$pw'" \
        -c "CREATE DATABASE screening OWNER screening" >/dev/null

    local url="postgresql+psycopg://screening:$pw@127.0.0.1:$port/screening"
    umask 077
    printf 'PG_DIR=%q\nPG_PORT=%q\nPG_URL=%q\n' "$dir" "$port" "$url" >"$STATE"
    echo "$url"
}

stop() {
    if [ -f "$STATE" ]; then
        # shellcheck disable=SC1090
        . "$STATE"
        if [ -n "${PG_DIR:-}" ] && [ -d "$PG_DIR/data" ]; then
            as_owner "$(bindir)/pg_ctl" -D "$PG_DIR/data" -m fast -w stop >/dev/null 2>&1 || true
        fi
        case "${PG_DIR:-}" in
            */screening-pg.*) rm -rf "$PG_DIR" ;;
        esac
        rm -f "$STATE"
    fi
}

url() {
    load_state || die "no cluster is running (start one with: scripts/postgres.sh start)"
    echo "$PG_URL"
}

case "${1:-}" in
    start) start ;;
    stop) stop ;;
    url) url ;;
    *) echo "usage: $0 start|stop|url" >&2; exit 2 ;;
esac
