#!/bin/sh
# Starts a private PostgreSQL for the store and cluster tests and prints its address on
# stdout (nothing, with the reason on stderr, when the tests are to be skipped).
#
# Under CI (CI=true), or with GROUPBOT_POSTGRES=start, it installs Debian's `postgresql`
# when missing, creates a throwaway cluster in /tmp on a private port (55432, or
# GROUPBOT_POSTGRES_PORT) and starts it; running it again reuses the server it started.
# An address given in GROUPBOT_TEST_POSTGRES is printed as it is. Otherwise nothing starts
# and the PostgreSQL tests skip, saying how to run them.
#
#   GROUPBOT_TEST_POSTGRES=$(sh Tests/postgres/start.sh) swift test
set -eu

if [ -n "${GROUPBOT_TEST_POSTGRES:-}" ]; then
    echo "$GROUPBOT_TEST_POSTGRES"
    exit 0
fi
if [ "${CI:-}" != "true" ] && [ "${GROUPBOT_POSTGRES:-}" != "start" ]; then
    echo "postgres: tests skipped (set GROUPBOT_POSTGRES=start to have make test start a private PostgreSQL, or GROUPBOT_TEST_POSTGRES=postgres://…; CI starts one)" >&2
    exit 0
fi

port=${GROUPBOT_POSTGRES_PORT:-55432}
data=/tmp/groupbot-postgres-$port
url="postgres://groupbot:groupbot@127.0.0.1:$port/groupbot"
if [ "$(id -u)" -eq 0 ]; then SUDO=""; else SUDO="sudo"; fi

bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1 || true)
if [ -z "$bin" ]; then
    echo "postgres: installing Debian's postgresql" >&2
    tries=0
    until $SUDO env DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=120 update -qq >/dev/null 2>&1 \
        && $SUDO env DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=120 install -y -qq postgresql >/dev/null 2>&1; do
        tries=$((tries + 1))
        if [ "$tries" -ge 5 ]; then echo "postgres: apt-get install postgresql failed" >&2; exit 1; fi
        sleep 10
    done
    bin=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1)
fi

# The server runs as the `postgres` account when started by root (PostgreSQL refuses root).
as_owner() {
    if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

if ! "$bin/pg_isready" -q -h 127.0.0.1 -p "$port" 2>/dev/null; then
    if [ ! -f "$data/PG_VERSION" ]; then
        rm -rf "$data"
        mkdir -p "$data"
        [ "$(id -u)" -eq 0 ] && chown postgres:postgres "$data"
        as_owner "$bin/initdb" -D "$data" -U postgres --auth=trust -E UTF8 --locale=C.UTF-8 >/dev/null
    fi
    # Throwaway data: no fsync; enough connections for three instances and the tests.
    as_owner "$bin/pg_ctl" -D "$data" -l "$data/server.log" -w -t 60 \
        -o "-p $port -k /tmp -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200" \
        start >/dev/null
fi
"$bin/psql" -q -h 127.0.0.1 -p "$port" -U postgres -d postgres -tAc "SELECT 1 FROM pg_roles WHERE rolname = 'groupbot'" | grep -q 1 \
    || "$bin/psql" -q -h 127.0.0.1 -p "$port" -U postgres -d postgres -c "CREATE ROLE groupbot LOGIN PASSWORD 'groupbot' CREATEDB" >/dev/null
"$bin/psql" -q -h 127.0.0.1 -p "$port" -U postgres -d postgres -tAc "SELECT 1 FROM pg_database WHERE datname = 'groupbot'" | grep -q 1 \
    || "$bin/psql" -q -h 127.0.0.1 -p "$port" -U postgres -d postgres -c "CREATE DATABASE groupbot OWNER groupbot" >/dev/null
echo "$url"
