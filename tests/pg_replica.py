"""A real PostgreSQL streaming replica of the test primary, for tests/test_replicas.py.

A second cluster of the primary's major version is made with Debian's `pg_createcluster` on a free
port, filled by `pg_basebackup -R` from the primary (so it starts as a hot standby streaming from
it), started, and dropped at the end (`pg_dropcluster --stop`). It needs the postgresql-common tools,
root (they write /etc/postgresql and run the server as the postgres user), a primary on this
machine, and a primary that accepts replication connections from 127.0.0.1 for the postgres user:

    host replication postgres 127.0.0.1/32 trust     # in the primary's pg_hba.conf, then a reload

Where any of that is missing the tests are skipped with a message, and fail under CI=true. No
replication slot is made: a replica left behind by a killed run holds no WAL on the primary.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import shutil
import socket
import subprocess
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import asyncpg
import pytest
import sqlalchemy as sa

from tests.conftest import IN_CI, PG_ADMIN_DSN

#: Tools of Debian's postgresql-common (and the server's) that the fixture runs.
TOOLS = ("pg_createcluster", "pg_ctlcluster", "pg_dropcluster", "pg_basebackup", "runuser")
#: Every cluster this fixture makes is named so: `pg_lsclusters` shows what a killed run left behind.
CLUSTER_PREFIX = "crmgraph_replica_"
#: Seconds to wait for the replica to start, to catch up, or to pause.
WAIT_SECONDS = 30
#: Milliseconds the replica lets a read hold up replay before it cancels the read (a recovery conflict).
STANDBY_DELAY_MS = 200
#: Settings a hot standby must have at least as high as its primary, or it refuses to start.
STANDBY_MINIMUMS = ("max_connections", "max_worker_processes", "max_wal_senders", "max_prepared_transactions",
                    "max_locks_per_transaction")


@dataclass
class StreamingReplica:
    """A running hot standby of the test primary, on 127.0.0.1:`port`."""

    version: str
    cluster: str
    port: int

    def url(self, database: str) -> str:
        """The SQLAlchemy URL of `database` on the replica."""
        return f"postgresql+asyncpg://postgres@127.0.0.1:{self.port}/{database}"

    async def fetchval(self, query: str) -> Any:
        connection = await asyncpg.connect(host="127.0.0.1", port=self.port, user="postgres", database="postgres",
                                           timeout=10)
        try:
            return await connection.fetchval(query)
        finally:
            await connection.close()

    async def pause_replay(self) -> None:
        """Stop applying the primary's WAL (it is still received): the replica's data stays as it is."""
        await self.fetchval("SELECT pg_wal_replay_pause()")
        await _until(lambda: self.fetchval("SELECT pg_get_wal_replay_pause_state() = 'paused'"), "replay to pause")

    async def resume_replay(self) -> None:
        await self.fetchval("SELECT pg_wal_replay_resume()")

    async def catch_up(self) -> None:
        """Wait until the replica has replayed everything the primary has flushed so far."""
        flushed = await _primary_value("SELECT pg_current_wal_flush_lsn()::text")
        await _until(lambda: self.fetchval(f"SELECT pg_last_wal_replay_lsn() >= '{flushed}'::pg_lsn"),
                     "the replica to catch up")

    def stop(self) -> None:
        _run("pg_ctlcluster", "--skip-systemctl-redirect", self.version, self.cluster, "stop", "-m", "fast")

    async def start(self) -> None:
        _run("pg_ctlcluster", "--skip-systemctl-redirect", self.version, self.cluster, "start")
        await _until(self._in_recovery, "the replica to accept connections")

    async def _in_recovery(self) -> bool:
        try:
            return bool(await self.fetchval("SELECT pg_is_in_recovery()"))
        except (OSError, asyncpg.PostgresError, asyncpg.InterfaceError):
            return False


def unavailable(reason: str) -> None:
    """Skip the calling test with `reason`, or fail it in CI, where replicas are required."""
    message = f"no streaming replica for the replica tests: {reason}"
    if IN_CI:
        pytest.fail(f"{message} (CI requires it)", pytrace=False)
    pytest.skip(message)


@contextlib.asynccontextmanager
async def streaming_replica() -> Any:
    """A new hot standby of the test primary, dropped when the block ends."""
    missing = [tool for tool in TOOLS if shutil.which(tool) is None]
    if missing:
        unavailable(f"{', '.join(missing)} not found (Debian's postgresql-common and the PostgreSQL server)")
    if os.geteuid() != 0:
        unavailable("pg_createcluster needs root (it writes /etc/postgresql and runs the server as postgres)")
    primary = sa.make_url(PG_ADMIN_DSN)
    if primary.host not in ("127.0.0.1", "localhost"):
        unavailable(f"the primary ({primary.host}) is not on this machine")
    try:
        version = str(int(await _primary_value("SHOW server_version_num")) // 10_000)
        minimums = {name: await _primary_value(f"SHOW {name}") for name in STANDBY_MINIMUMS}
    except (OSError, asyncpg.PostgresError) as error:
        unavailable(f"the primary at {PG_ADMIN_DSN} is unreachable ({type(error).__name__})")
    cluster, port = f"{CLUSTER_PREFIX}{uuid.uuid4().hex[:8]}", _free_port()
    created = False
    try:
        _run("pg_createcluster", version, cluster, "-p", str(port))
        created = True
        replica = StreamingReplica(version, cluster, port)
        _fill_from_primary(replica, primary, minimums)
        await replica.start()
        yield replica
    finally:
        if created:
            _run("pg_dropcluster", "--stop", version, cluster, check=False)


def _fill_from_primary(replica: StreamingReplica, primary: sa.URL, minimums: dict[str, str]) -> None:
    """Replace the new cluster's data with a base backup of the primary that starts as its standby."""
    data = Path(f"/var/lib/postgresql/{replica.version}/{replica.cluster}")
    config = Path(f"/etc/postgresql/{replica.version}/{replica.cluster}")
    for entry in data.iterdir():  # pg_basebackup wants an empty directory (its parent is root's)
        shutil.rmtree(entry) if entry.is_dir() else entry.unlink()
    backup = subprocess.run(
        ["runuser", "-u", "postgres", "--", "pg_basebackup", "-h", primary.host or "127.0.0.1",
         "-p", str(primary.port or 5432), "-U", primary.username or "postgres", "-D", str(data),
         "-R", "-X", "stream", "-c", "fast"],
        capture_output=True, text=True, timeout=120,
    )
    if backup.returncode != 0:
        error = backup.stderr.strip().splitlines()[-1:] or ["(no message)"]
        hint = ""
        if "replication connection" in backup.stderr:
            hint = ("; allow it in the primary's pg_hba.conf with "
                    "'host replication postgres 127.0.0.1/32 trust' and reload it (pg_ctlcluster <version> main reload)")
        unavailable(f"pg_basebackup from the primary failed: {error[0]}{hint}")
    # The tests connect as postgres over TCP without a password, as they do to the primary.
    (config / "pg_hba.conf").write_text("local all all trust\nhost all all 127.0.0.1/32 trust\n")
    settings = "".join(f"{name} = {value}\n" for name, value in minimums.items())
    with (config / "postgresql.conf").open("a") as conf:
        conf.write(f"\n# tests/pg_replica.py: a hot standby needs these at least as high as its primary\n{settings}"
                   f"# a read in the way of replay is cancelled after this (not 30 s): a recovery conflict in a test's time\n"
                   f"max_standby_streaming_delay = {STANDBY_DELAY_MS}ms\n")


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _run(*command: str, check: bool = True) -> None:
    done = subprocess.run(command, capture_output=True, text=True, timeout=120)
    if check and done.returncode != 0:
        raise RuntimeError(f"{' '.join(command)} failed: {done.stderr.strip() or done.stdout.strip()}")


async def _primary_value(query: str) -> Any:
    connection = await asyncpg.connect(PG_ADMIN_DSN, timeout=10)
    try:
        return await connection.fetchval(query)
    finally:
        await connection.close()


async def _until(condition: Any, what: str) -> None:
    """Poll `condition()` every 20 ms until it is true, for at most WAIT_SECONDS."""
    for _ in range(WAIT_SECONDS * 50):
        if await condition():
            return
        await asyncio.sleep(0.02)
    raise TimeoutError(f"waited {WAIT_SECONDS} s for {what}")

