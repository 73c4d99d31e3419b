#!/bin/sh
# A streaming replica of the primary (compose.yaml's `replica` service, run as the postgres user): on its first
# start, an empty data directory is cloned with pg_basebackup, whose --write-recovery-conf leaves standby.signal
# and primary_conninfo (with the slot) behind; every start then execs postgres, which follows the primary.
# Arguments go to postgres (e.g. -c hot_standby_feedback=on).
set -eu

: "${PGDATA:=/var/lib/postgresql/data}"
: "${PRIMARY_HOST:=primary}"
: "${PRIMARY_PORT:=5432}"
: "${REPLICATION_USER:=replicator}"
: "${REPLICATION_SLOT:=replica1}"

if [ ! -s "$PGDATA/PG_VERSION" ]; then
    echo "replica.sh: cloning $PRIMARY_HOST:$PRIMARY_PORT into $PGDATA (slot $REPLICATION_SLOT)"
    # The password comes from PGPASSWORD; pg_basebackup writes it into primary_conninfo for later starts.
    pg_basebackup --host="$PRIMARY_HOST" --port="$PRIMARY_PORT" --username="$REPLICATION_USER" \
        --pgdata="$PGDATA" --wal-method=stream --slot="$REPLICATION_SLOT" --write-recovery-conf \
        --checkpoint=fast --no-password
    # The image leaves the volume's directory at 1777; PostgreSQL starts only on 0700 (or 0750).
    chmod 0700 "$PGDATA"
fi

exec postgres -D "$PGDATA" "$@"
