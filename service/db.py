"""The async engine: SQLite (aiosqlite) by default, PostgreSQL (asyncpg) in production."""

from __future__ import annotations

import asyncio
import contextlib
import functools
import logging
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

from sqlalchemy import event
from sqlalchemy.engine import Connection, make_url
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine, create_async_engine

from loaders.database import WRITE, Deadline, raise_retryable, sqlite_busy
from loaders.filters import SQLITE_FOLD, sqlite_fold


def create_engine(
    url: str,
    *,
    echo: bool = False,
    statement_timeout_ms: int | None = None,
    pool_size: int = 10,
    pool_overflow: int = 10,
    pool_timeout_ms: int = 5_000,
    sqlite_busy_timeout_ms: int = 5_000,
    pre_ping: bool = False,
    connect_timeout_ms: int | None = None,
) -> AsyncEngine:
    """An engine for `url`; SQLite connections get foreign keys, WAL, a busy timeout, and explicit BEGINs.
    On PostgreSQL the server stops any statement that runs longer than `statement_timeout_ms`
    (on SQLite, `loaders.database.Reader` interrupts it).

    A request holds at most one connection at a time (mutations give the read one back before they
    write), so `pool_size + pool_overflow` requests of a worker make progress together and the next
    ones wait up to `pool_timeout_ms` for a connection, then get SERVICE_BUSY. Bound parameters are
    never logged, nor put in error messages: they hold tokens' hashes and customers' data.

    `pre_ping` tests a pooled connection before lending it, and `connect_timeout_ms` bounds a new
    PostgreSQL connection: replicas use both (service.replicas), so a replica that went away between
    its checks fails at once, at checkout, and the read moves on to another server.
    """
    parsed = make_url(url)
    pool = {"pool_size": pool_size, "max_overflow": pool_overflow, "pool_timeout": pool_timeout_ms / 1000,
            "pool_pre_ping": pre_ping}
    if parsed.get_backend_name() == "sqlite":
        if parsed.database and parsed.database != ":memory:":
            Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
        # WAL lets every reader have its own connection (and thread) beside the one writer.
        engine = create_async_engine(url, echo=echo, hide_parameters=True, **pool)
        # aiosqlite logs every call with its parameters at DEBUG: never, whatever the log level.
        logging.getLogger("aiosqlite").setLevel(max(logging.getLogger("aiosqlite").level, logging.INFO))
        event.listen(engine.sync_engine, "connect", functools.partial(_configure_sqlite, busy_timeout_ms=sqlite_busy_timeout_ms))
        event.listen(engine.sync_engine, "begin", _begin_sqlite)
        return engine
    # Every statement is prepared once per connection and run many times with new ids. Left to
    # itself ("auto"), PostgreSQL plans `= ANY($1)` and `LATERAL ... LIMIT $n` afresh on every run,
    # because a plan for the actual array always looks cheaper: the 18 folded counts of the contact
    # screen spent more time being planned than run. A generic plan is made once per connection:
    # the contact screen's statements went from 1.41 to 0.62 ms, the tab page's from 0.97 to 0.56 ms.
    server_settings = {"plan_cache_mode": "force_generic_plan"}
    if statement_timeout_ms:
        server_settings["statement_timeout"] = str(statement_timeout_ms)
    connect_args: dict[str, Any] = {"server_settings": server_settings}
    if connect_timeout_ms is not None:
        connect_args["timeout"] = connect_timeout_ms / 1000
    return create_async_engine(url, echo=echo, hide_parameters=True, connect_args=connect_args, **pool)


@contextlib.asynccontextmanager
async def engine_for(database_url: str) -> AsyncIterator[AsyncEngine]:
    """An engine for one command's work (`crmgraph seed`, `token`, `documents`), disposed of afterwards."""
    engine = create_engine(database_url)
    try:
        yield engine
    finally:
        await engine.dispose()


def engine_from_settings(settings: Any, url: str | None = None, **options: Any) -> AsyncEngine:
    """An engine for `url` (the primary's, `settings.database_url`, by default) with the pool, timeouts
    and echo the settings give; `options` are further `create_engine` arguments."""
    return create_engine(url or settings.database_url, **{
        "echo": settings.echo_sql,
        "statement_timeout_ms": settings.statement_timeout_ms,
        "pool_size": settings.pool_size,
        "pool_overflow": settings.pool_overflow,
        "pool_timeout_ms": settings.pool_timeout_ms,
        "sqlite_busy_timeout_ms": settings.sqlite_busy_timeout_ms,
        **options,
    })


def _configure_sqlite(dbapi_connection: Any, _record: Any, *, busy_timeout_ms: int) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute(f"PRAGMA busy_timeout={int(busy_timeout_ms)}")
    cursor.close()
    # Filters fold case and accents on both sides; SQLite's lower() knows only ASCII.
    dbapi_connection.create_function(SQLITE_FOLD, 1, sqlite_fold, deterministic=True)
    # The driver would BEGIN only before a write, and DEFERRED: take over (see _begin_sqlite).
    dbapi_connection.isolation_level = None


def _begin_sqlite(connection: Connection) -> None:
    """BEGIN for reads (one snapshot for the whole request), BEGIN IMMEDIATE for writers.

    A writer that reads first (validation, next number) and then writes must hold the write lock
    from the start: a deferred transaction cannot wait for it and fails, or loses an update.
    Sent on the driver's cursor: transaction control is not a query of the request.
    """
    statement = "BEGIN IMMEDIATE" if connection.get_execution_options().get(WRITE) else "BEGIN"
    driver = connection.connection.dbapi_connection
    assert driver is not None  # a connection that begins is checked out, so its driver connection is open
    cursor = driver.cursor()
    try:
        cursor.execute(statement)
    finally:
        cursor.close()


#: Seconds before the first retry of a locked SQLite database; doubled each time.
FIRST_BACKOFF = 0.05


async def begin_write(engine: AsyncEngine, retries: int, deadline: Deadline | None = None) -> AsyncConnection:
    """A connection in a write transaction (BEGIN IMMEDIATE on SQLite). A database locked by another
    process's writer is retried `retries` times with a doubling backoff; what still fails is a
    retryable SERVICE_BUSY / SERVICE_UNAVAILABLE error, never the driver's message."""
    backoff = FIRST_BACKOFF
    for attempt in range(retries + 1):
        if deadline is not None:
            deadline.remaining()
        connection = None
        try:
            connection = await (await engine.connect()).execution_options(**{WRITE: True})
            await connection.begin()
            return connection
        except Exception as error:
            if connection is not None:
                await connection.close()
            if sqlite_busy(error) and attempt < retries:
                await asyncio.sleep(backoff)
                backoff *= 2
                continue
            raise_retryable(error)
    raise AssertionError("unreachable: the last attempt returns or raises")
