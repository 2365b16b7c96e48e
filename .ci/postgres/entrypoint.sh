#!/bin/sh
# Started as root (like the postgres image's entrypoint): the secret file need not be readable
# by the postgres user. Initialises the cluster once (user, database, password from
# POSTGRES_PASSWORD_FILE, scram-sha-256 over TCP), then runs postgres as postgres in the
# foreground with any extra arguments (e.g. -p PORT).
set -eu
if [ "$(id -u)" = 0 ]; then
    mkdir -p "$PGDATA" /run/postgresql
    chown postgres:postgres "$PGDATA" /run/postgresql
    chmod 0700 "$PGDATA"
    if [ ! -s "$PGDATA/PG_VERSION" ]; then
        install -o postgres -g postgres -m 0600 "${POSTGRES_PASSWORD_FILE:?POSTGRES_PASSWORD_FILE is required}" /run/postgresql/initdb.pw
    fi
    exec setpriv --reuid=postgres --regid=postgres --init-groups "$0" "$@"
fi
if [ ! -s "$PGDATA/PG_VERSION" ]; then
    initdb --username="${POSTGRES_USER:-postgres}" --pwfile=/run/postgresql/initdb.pw \
        --auth-local=trust --auth-host=scram-sha-256 --encoding=UTF8 >/dev/null
    rm -f /run/postgresql/initdb.pw
    echo "host all all all scram-sha-256" >> "$PGDATA/pg_hba.conf"
    db="${POSTGRES_DB:-${POSTGRES_USER:-postgres}}"
    if [ "$db" != postgres ]; then
        postgres --single -D "$PGDATA" -j postgres >/dev/null <<SQL
CREATE DATABASE "$db" OWNER "${POSTGRES_USER:-postgres}";
SQL
    fi
fi
exec postgres -D "$PGDATA" -c "listen_addresses=${POSTGRES_LISTEN:-*}" "$@"
