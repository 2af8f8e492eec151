#!/usr/bin/env bash
# Throwaway services for the tests: a PostgreSQL cluster on loopback.
#
#   bash .ci/services.sh start   # install Debian's postgresql if missing, start a cluster
#   bash .ci/services.sh stop    # stop it and delete its data
#
# The cluster runs as an unprivileged system user (cartmigrate-svc), with its
# own data directory under a fresh temporary directory, listening on 127.0.0.1
# only, on the first free port from 55432, with password authentication.
# `start` writes what the tests need to .services/env (shell exports) and
# .services/postgres.url in the repository: the tests read
# CARTMIGRATE_TEST_POSTGRES_URL, else that file, and skip (fail under CI=true)
# when neither is there. Needs root (apt-get, useradd, runuser); every wait
# is bounded.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)
OUT="$ROOT/.services"
SVC_USER=cartmigrate-svc
PG_USER=cartmigrate
PG_PASSWORD=cartmigrate-test-only
PG_DB=cartmigrate_test

log() { echo "services: $*" >&2; }

pg_bin() {
    local dir
    dir=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1 || true)
    [ -n "$dir" ] && [ -x "$dir/initdb" ] && echo "$dir"
}

ensure_postgres() {
    if [ -z "$(pg_bin)" ]; then
        log "installing Debian's postgresql"
        export DEBIAN_FRONTEND=noninteractive
        apt-get update -q >/dev/null
        apt-get install -y -q --no-install-recommends postgresql >/dev/null
    fi
    pg_bin >/dev/null || { log "no initdb after installing postgresql"; exit 1; }
}

ensure_user() {
    id -u "$SVC_USER" >/dev/null 2>&1 ||
        useradd --system --no-create-home --home-dir /nonexistent --shell /usr/sbin/nologin "$SVC_USER"
}

as_svc() { runuser -u "$SVC_USER" -- "$@"; }

free_port() {
    local port
    for port in $(seq "$1" $(( $1 + 50 ))); do
        if ! (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
            echo "$port"; return 0
        fi
    done
    log "no free port from $1"; exit 1
}

start_postgres() {
    local bin base data port pwfile
    bin=$(pg_bin)
    base=$(mktemp -d /tmp/cartmigrate-pg.XXXXXX)
    chmod 755 "$base"
    data="$base/data"
    mkdir "$data"
    chown "$SVC_USER" "$data"
    chmod 700 "$data"
    pwfile="$base/pw"
    echo "$PG_PASSWORD" > "$pwfile"
    chown "$SVC_USER" "$pwfile"
    # (the unprivileged user cannot write in $base: the logs are opened by root)
    as_svc "$bin/initdb" -D "$data" -U "$PG_USER" --pwfile="$pwfile" --auth=scram-sha-256 \
        --encoding=UTF8 --locale=C.UTF-8 >"$base/initdb.log" 2>&1 ||
        as_svc "$bin/initdb" -D "$data" -U "$PG_USER" --pwfile="$pwfile" --auth=scram-sha-256 \
            --encoding=UTF8 --no-locale >"$base/initdb.log" 2>&1 ||
        { cat "$base/initdb.log" >&2; exit 1; }
    rm -f "$pwfile"
    touch "$base/server.log"
    chown "$SVC_USER" "$base/server.log"
    port=$(free_port 55432)
    # Loopback only; the socket directory is the data directory's own.
    as_svc "$bin/pg_ctl" -D "$data" -l "$base/server.log" -w -t 60 \
        -o "-c listen_addresses=127.0.0.1 -p $port -k $data -c fsync=off -c max_connections=200" \
        start >/dev/null || { cat "$base/server.log" >&2; exit 1; }
    PGPASSWORD=$PG_PASSWORD "$bin/psql" -q -h 127.0.0.1 -p "$port" -U "$PG_USER" -d postgres \
        -c "CREATE DATABASE $PG_DB" >/dev/null
    echo "$base" > "$OUT/postgres.dir"
    echo "postgresql+psycopg://$PG_USER:$PG_PASSWORD@127.0.0.1:$port/$PG_DB" > "$OUT/postgres.url"
    log "PostgreSQL on 127.0.0.1:$port (data in $data)"
}

stop_postgres() {
    [ -f "$OUT/postgres.dir" ] || return 0
    local base bin
    base=$(cat "$OUT/postgres.dir")
    bin=$(pg_bin || true)
    if [ -n "$bin" ] && [ -d "$base/data" ]; then
        as_svc "$bin/pg_ctl" -D "$base/data" -m fast -w -t 60 stop >/dev/null 2>&1 || true
    fi
    case "$base" in /tmp/cartmigrate-pg.*) rm -rf "$base" ;; esac
    rm -f "$OUT/postgres.dir" "$OUT/postgres.url"
}

write_env() {
    {
        echo "export CARTMIGRATE_TEST_POSTGRES_URL='$(cat "$OUT/postgres.url")'"
    } > "$OUT/env"
}

case "${1:-}" in
start)
    mkdir -p "$OUT"
    stop_postgres  # a cluster left by an earlier run that did not stop
    ensure_postgres
    ensure_user
    start_postgres
    write_env
    ;;
stop)
    stop_postgres
    rm -f "$OUT/env"
    ;;
*)
    echo "usage: $0 start|stop" >&2
    exit 2
    ;;
esac
