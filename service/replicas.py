"""Reads on PostgreSQL streaming replicas (CRMGRAPH_READ_DATABASE_URL): which server serves a request's
read snapshot, and how far behind the primary each replica is.

Only the read snapshots of requests that have not written come here (`loaders.database.Reader`): a
request that writes reads from the primary from then on (read-your-writes), and mutations, token
checks, idempotency keys and persisted documents use the primary's engine. SQLite has no replicas:
there the setting is ignored. A
replica is used when it is up, in recovery (a standby), and known to hold every commit the primary
acknowledged more than CRMGRAPH_MAX_REPLICA_LAG_MS ago; otherwise the read tries the next replica,
then the primary, and `crmgraph_replica_fallbacks_total{reason}` counts the skip.

How far behind, without a query per statement: every check (at most one per `check_interval`, in
the background, shared by all replicas of the worker) reads the primary's flushed WAL position, then
each replica's replayed position. A commit is acknowledged only once its WAL is flushed (with
synchronous_commit on, the default), and only
flushed WAL is streamed, so a replica that has replayed up to a position the primary had flushed at
time t holds every commit acknowledged before t. That t is kept per replica (`fresh_as_of`), and a
read's staleness is at most `now - fresh_as_of`: a bound that grows on its own between checks, so a
check that is late, or fails, can only make a replica look more behind, never less.
`now() - pg_last_xact_replay_timestamp()` alone is wrong on an idle primary (the last commit is old
however caught up the replica is); here the replay timestamp is only a second bound, for a replica
whose replayed position no sample covers (its WAL is behind): the commit it names, and all before
it, are on the replica. That bound assumes the two servers' clocks agree (NTP).
"""

from __future__ import annotations

import asyncio
import collections
import itertools
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from prometheus_client import Counter, Gauge
from sqlalchemy.engine import URL, make_url
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from loaders.database import database_trouble
from loaders.errors import RequestErrorCode
from service.db import engine_from_settings
from service.metrics import watch_pool

log = logging.getLogger("crmgraph.replicas")

FALLBACKS = Counter(
    "crmgraph_replica_fallbacks_total",
    "Replicas skipped by a read snapshot, by why: lag (behind the primary by more than "
    "CRMGRAPH_MAX_REPLICA_LAG_MS, or not known to be within it) or down (unreachable, or not a standby)",
    ["reason"],
)
READS = Counter(
    "crmgraph_replica_reads_total",
    "Read snapshots of requests that had not written, with CRMGRAPH_READ_DATABASE_URL set, by the server "
    "that served them (replica or primary)",
    ["server"],
)
LAG = Gauge(
    "crmgraph_replica_lag_seconds",
    "How far behind the primary each replica was at its last check (an upper bound, in seconds)",
    ["replica"],
    multiprocess_mode="livemax",  # the worst of the live workers' views
)

#: Longest pause between two checks of the replicas; shorter when the allowed lag is short.
MAX_CHECK_INTERVAL_S = 1.0
#: Shortest pause between two checks, whatever the allowed lag.
MIN_CHECK_INTERVAL_S = 0.02
#: Time a check, or a new connection to a replica, may take before the replica counts as down.
CHECK_TIMEOUT_S = 2.0
#: Primary positions remembered, to bound a replica that is behind the newest one.
MAX_SAMPLES = 1024

#: The primary's WAL position that every acknowledged commit is at or before, in bytes.
PRIMARY_POSITION = sa.text("SELECT pg_wal_lsn_diff(pg_current_wal_flush_lsn(), '0/0')::bigint")
#: A replica's recovery state, replayed position (bytes) and age of its last replayed commit (seconds).
REPLICA_STATE = sa.text(
    "SELECT pg_is_in_recovery(), pg_wal_lsn_diff(pg_last_wal_replay_lsn(), '0/0')::bigint, "
    "extract(epoch FROM clock_timestamp() - pg_last_xact_replay_timestamp())::float8"
)


@dataclass
class Replica:
    """One streaming replica: the pool reads use, a one-connection pool for its checks, and what the
    last check found."""

    name: str  # host:port/database, never credentials: it is a metric label and goes to the log
    engine: AsyncEngine
    probe: AsyncEngine
    #: loop time before which every acknowledged commit of the primary is on this replica (None: unknown)
    fresh_as_of: float | None = None
    #: why it cannot serve (None: it can, lag permitting): "unreachable", "not a standby", ...
    trouble: str | None = "not checked yet"

    def reason_to_skip(self, now: float, max_lag: float) -> str | None:
        """"down", "lag", or None when this replica may serve a read now."""
        if self.trouble is not None:
            return "down"
        if self.fresh_as_of is None or now - self.fresh_as_of > max_lag:
            return "lag"
        return None


class ReadRoute:
    """Where the read snapshots of one worker go: its replicas in turn, each while it is fresh enough,
    else the primary. With no replicas, always the primary (and nothing is checked)."""

    def __init__(self, primary: AsyncEngine, replicas: list[Replica], primary_probe: AsyncEngine | None,
                 max_lag_ms: int) -> None:
        self.primary = primary
        self.replicas = replicas
        self.primary_probe = primary_probe
        self.max_lag = max_lag_ms / 1000
        # A replica checked every `check_interval` is, when healthy, at most that far behind by the bound.
        self.check_interval = min(MAX_CHECK_INTERVAL_S, max(MIN_CHECK_INTERVAL_S, self.max_lag / 2))
        self._samples: collections.deque[tuple[float, int]] = collections.deque(maxlen=MAX_SAMPLES)
        self._checked_at: float | None = None
        self._check: asyncio.Task[None] | None = None
        self._turn = itertools.count()

    @property
    def read_from(self) -> Callable[[], Awaitable[AsyncConnection]] | None:
        """What a request's reader opens its read snapshot with (`loaders.database.Reader`); None: the primary."""
        return self.connect if self.replicas else None

    async def connect(self) -> AsyncConnection:
        """A connection for a read snapshot: on the next replica in turn that may serve, else on the
        primary. A replica that refuses the connection is marked down and skipped."""
        if not self.replicas:
            return await self.primary.connect()
        await self._check_if_due()
        now = asyncio.get_running_loop().time()
        first = next(self._turn) % len(self.replicas)
        for replica in self.replicas[first:] + self.replicas[:first]:
            if (reason := replica.reason_to_skip(now, self.max_lag)) is not None:
                FALLBACKS.labels(reason=reason).inc()
                continue
            try:
                connection = await replica.engine.connect()
            except Exception as error:
                trouble = database_trouble(error)
                if trouble is None or trouble.extensions["code"] != RequestErrorCode.SERVICE_UNAVAILABLE:
                    raise  # its pool is exhausted (SERVICE_BUSY), or a bug: not a reason to load the primary
                self._mark(replica, f"unreachable ({type(error).__name__})")
                FALLBACKS.labels(reason="down").inc()
                continue
            READS.labels(server="replica").inc()
            return connection
        READS.labels(server="primary").inc()
        return await self.primary.connect()

    def status(self) -> list[dict[str, Any]]:
        """Each replica as the last check found it: name, up, lag in seconds (an upper bound; None: unknown)."""
        now = asyncio.get_running_loop().time()
        return [
            {"name": r.name, "up": r.trouble is None, "trouble": r.trouble,
             "lag_seconds": None if r.fresh_as_of is None else round(max(0.0, now - r.fresh_as_of), 3)}
            for r in self.replicas
        ]

    async def dispose(self) -> None:
        if self._check is not None:
            self._check.cancel()
            await asyncio.gather(self._check, return_exceptions=True)
        for replica in self.replicas:
            await replica.engine.dispose()
            await replica.probe.dispose()
        if self.primary_probe is not None:
            await self.primary_probe.dispose()

    async def _check_if_due(self) -> None:
        """Start a check when the last one is older than the interval. It runs behind the reads (what
        the last one found stays a safe bound), unless that is so old that it would skip every replica,
        as after the first start or a quiet spell: then the read waits for it."""
        now = asyncio.get_running_loop().time()
        age = None if self._checked_at is None else now - self._checked_at
        if age is not None and age < self.check_interval:
            return
        if self._check is None or self._check.done():
            self._check = asyncio.create_task(self._check_all(), name="crmgraph replica check")
        if age is None or age >= self.max_lag:
            try:
                await asyncio.shield(self._check)
            except Exception:  # noqa: BLE001 - logged by the check; the replicas then count as unknown
                pass

    async def _check_all(self) -> None:
        """One check: the primary's position, then every replica's, at once."""
        started = asyncio.get_running_loop().time()
        try:
            async with asyncio.timeout(CHECK_TIMEOUT_S):
                position = await _scalar(self.primary_probe, PRIMARY_POSITION)
            self._samples.append((started, position))
        except Exception as error:  # noqa: BLE001 - the replicas' bounds then just grow until the next check
            log.warning("replica check: the primary's WAL position could not be read: %s", type(error).__name__)
        await asyncio.gather(*(self._check_one(replica) for replica in self.replicas))
        self._checked_at = started
        horizon = started - self.max_lag - 2 * self.check_interval  # older samples cannot make a replica usable
        while len(self._samples) > 1 and self._samples[1][0] < horizon:
            self._samples.popleft()

    async def _check_one(self, replica: Replica) -> None:
        checked = asyncio.get_running_loop().time()
        try:
            async with asyncio.timeout(CHECK_TIMEOUT_S):
                async with replica.probe.connect() as connection:
                    in_recovery, replayed, since_commit = (await connection.execute(REPLICA_STATE)).one()
        except Exception as error:  # noqa: BLE001 - whatever failed, reads go elsewhere until it answers
            self._mark(replica, f"unreachable ({type(error).__name__})")
            return
        if not in_recovery:
            # A promoted replica follows its own history, not the primary's: reading it could go backwards.
            self._mark(replica, "not a standby (pg_is_in_recovery() is false)")
            return
        bounds = [] if replica.fresh_as_of is None else [replica.fresh_as_of]
        if replayed is not None:
            bounds += [at for at, position in reversed(self._samples) if position <= replayed][:1]
        if since_commit is not None:
            bounds.append(checked - max(0.0, since_commit))
        replica.fresh_as_of = max(bounds, default=None)
        self._mark(replica, None)
        if replica.fresh_as_of is not None:
            LAG.labels(replica=replica.name).set(round(max(0.0, checked - replica.fresh_as_of), 3))

    def _mark(self, replica: Replica, trouble: str | None) -> None:
        """Record a replica's state; a change is logged once, not at every check."""
        if trouble != replica.trouble:
            if trouble is None:
                log.info("replica %s serves reads", replica.name)
            else:
                log.warning("replica %s is skipped: %s", replica.name, trouble)
        replica.trouble = trouble


async def _scalar(engine: AsyncEngine | None, statement: Any) -> Any:
    if engine is None:
        raise RuntimeError("no primary to compare the replicas with")
    async with engine.connect() as connection:
        return (await connection.execute(statement)).scalar_one()


def replica_url(url: str, primary: URL) -> URL:
    """A replica's URL, with what it leaves out (driver, user, password, database) taken from the
    primary's: a physical replica has the primary's roles and databases."""
    parsed = make_url(url)
    if parsed.get_backend_name() != "postgresql":
        raise ValueError(f"CRMGRAPH_READ_DATABASE_URL must name PostgreSQL replicas, got a {parsed.get_backend_name()} URL")
    same_user = parsed.username in (None, primary.username)
    return parsed.set(
        drivername=primary.drivername,
        username=parsed.username or primary.username,
        password=parsed.password if parsed.password is not None else (primary.password if same_user else None),
        database=parsed.database or primary.database,
    )


def read_route(primary: AsyncEngine, settings: Any) -> ReadRoute:
    """The read route the settings describe: `settings.read_database_urls` on PostgreSQL. SQLite has no
    replicas: the setting is then ignored (with a warning), and every read uses the primary."""
    urls = tuple(getattr(settings, "read_database_urls", ()) or ())
    max_lag_ms = getattr(settings, "max_replica_lag_ms", 5_000)
    if not urls:
        return ReadRoute(primary, [], None, max_lag_ms)
    if primary.dialect.name != "postgresql":
        log.warning("CRMGRAPH_READ_DATABASE_URL is ignored: the database is %s, which has no replicas; "
                    "every read uses it", primary.dialect.name)
        return ReadRoute(primary, [], None, max_lag_ms)
    if max_lag_ms <= 0:  # no replica is ever known to be exactly in step: do not check them for nothing
        log.warning("CRMGRAPH_READ_DATABASE_URL is ignored: CRMGRAPH_MAX_REPLICA_LAG_MS=0 sends every read to the primary")
        return ReadRoute(primary, [], None, max_lag_ms)
    timeout_ms = int(CHECK_TIMEOUT_S * 1000)
    replicas = []
    for url in urls:
        parsed = replica_url(url, primary.url)
        address = parsed.render_as_string(hide_password=False)
        engine = engine_from_settings(settings, address, pre_ping=True, connect_timeout_ms=timeout_ms)
        watch_pool(engine, "replica")  # crmgraph_db_pool_in_use / _waiting, beside the primary's
        replicas.append(Replica(
            name=f"{parsed.host or 'localhost'}:{parsed.port or 5432}/{parsed.database}",
            engine=engine,
            probe=engine_from_settings(settings, address, pool_size=1, pool_overflow=0, pre_ping=True,
                                       connect_timeout_ms=timeout_ms),
        ))
    primary_address = primary.url.render_as_string(hide_password=False)
    primary_probe = engine_from_settings(settings, primary_address, pool_size=1, pool_overflow=0, pre_ping=True,
                                         connect_timeout_ms=timeout_ms)
    return ReadRoute(primary, replicas, primary_probe, max_lag_ms)
