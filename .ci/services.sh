#!/usr/bin/env bash
# Throwaway services for the tests: PostgreSQL and Redis on loopback.
#
#   bash .ci/services.sh start   # install Debian's postgresql / redis-server if missing, start them
#   bash .ci/services.sh stop    # stop them and delete their data
#
# Both run as an unprivileged system user (cartmigrate-svc), with their own
# data directories under a fresh temporary directory, listening on 127.0.0.1
# only, on the first free port from 55432 (PostgreSQL) and 56379 (Redis),
# with passwords. `start` writes what the tests need to .services/env (shell
# exports, which .ci/run sources) and .services/postgres.url and
# .services/redis.url in the repository: the tests read
# CARTMIGRATE_TEST_POSTGRES_URL / CARTMIGRATE_TEST_REDIS_URL, else those
# files, and skip (fail under CI=true) when neither is there. Needs root
# (apt-get, useradd, runuser); every wait is bounded.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)
OUT="$ROOT/.services"
SVC_USER=cartmigrate-svc
PG_USER=cartmigrate
PG_PASSWORD=cartmigrate-test-only
PG_DB=cartmigrate_test
REDIS_PASSWORD=cartmigrate-test-only

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

ensure_redis() {
    if ! command -v redis-server >/dev/null 2>&1; then
        log "installing Debian's redis-server"
        export DEBIAN_FRONTEND=noninteractive
        apt-get update -q >/dev/null
        apt-get install -y -q --no-install-recommends redis-server >/dev/null
    fi
}

start_redis() {
    local base port i
    base=$(mktemp -d /tmp/cartmigrate-redis.XXXXXX)
    chmod 755 "$base"
    chown "$SVC_USER" "$base"
    port=$(free_port 56379)
    as_svc redis-server --bind 127.0.0.1 --port "$port" --requirepass "$REDIS_PASSWORD" \
        --daemonize yes --dir "$base" --pidfile "$base/redis.pid" --logfile "$base/redis.log" \
        --save "" --appendonly no
    for i in $(seq 100); do
        redis-cli -h 127.0.0.1 -p "$port" --no-auth-warning -a "$REDIS_PASSWORD" ping 2>/dev/null |
            grep -q PONG && break
        [ "$i" = 100 ] && { cat "$base/redis.log" >&2; log "Redis did not answer"; exit 1; }
        sleep 0.1
    done
    echo "$base" > "$OUT/redis.dir"
    echo "$port" > "$OUT/redis.port"
    echo "redis://:$REDIS_PASSWORD@127.0.0.1:$port/0" > "$OUT/redis.url"
    log "Redis on 127.0.0.1:$port"
}

stop_redis() {
    [ -f "$OUT/redis.dir" ] || return 0
    local base pid i
    base=$(cat "$OUT/redis.dir")
    if [ -f "$base/redis.pid" ]; then
        pid=$(cat "$base/redis.pid")
        kill "$pid" 2>/dev/null || true
        for i in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
        kill -9 "$pid" 2>/dev/null || true
    fi
    case "$base" in /tmp/cartmigrate-redis.*) rm -rf "$base" ;; esac
    rm -f "$OUT/redis.dir" "$OUT/redis.port" "$OUT/redis.url"
}

write_env() {
    {
        echo "export CARTMIGRATE_TEST_POSTGRES_URL='$(cat "$OUT/postgres.url")'"
        echo "export CARTMIGRATE_TEST_REDIS_URL='$(cat "$OUT/redis.url")'"
    } > "$OUT/env"
}

case "${1:-}" in
start)
    mkdir -p "$OUT"
    stop_postgres  # what an earlier run left running
    stop_redis
    ensure_postgres
    ensure_redis
    ensure_user
    start_postgres
    start_redis
    write_env
    ;;
stop)
    stop_postgres
    stop_redis
    rm -f "$OUT/env"
    ;;
*)
    echo "usage: $0 start|stop" >&2
    exit 2
    ;;
esac
