#!/bin/sh
# The primary's first start (the official image runs /docker-entrypoint-initdb.d/*.sh once, on an empty data
# directory, against a server listening on its Unix socket only): a role that may stream the WAL, a slot that
# keeps the WAL until the replica has it, and the pg_hba.conf line that lets the replica connect.
# PostgreSQL 15's defaults already allow it: wal_level=replica, max_wal_senders=10, max_replication_slots=10.
set -eu

: "${REPLICATION_USER:=replicator}"
: "${REPLICATION_SLOT:=replica1}"
if [ -z "${REPLICATION_PASSWORD:-}" ]; then
    echo "primary-init.sh: REPLICATION_PASSWORD is empty: set it (compose.yaml passes it through)" >&2
    exit 1
fi

# psql's :'name' quotes the values as literals, :"name" as identifiers: no password or name is spliced into SQL.
psql -v ON_ERROR_STOP=1 --no-psqlrc --username "$POSTGRES_USER" --dbname "${POSTGRES_DB:-$POSTGRES_USER}" \
    --set repl_user="$REPLICATION_USER" --set repl_password="$REPLICATION_PASSWORD" \
    --set repl_slot="$REPLICATION_SLOT" <<'SQL'
CREATE ROLE :"repl_user" WITH REPLICATION LOGIN PASSWORD :'repl_password';
SELECT pg_create_physical_replication_slot(:'repl_slot');
SQL

# Replication connections match only lines whose database is "replication", never "all".
printf 'host replication %s all scram-sha-256\n' "$REPLICATION_USER" >> "$PGDATA/pg_hba.conf"
