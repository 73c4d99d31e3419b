"""One transaction per mutation, written through the SQLModel ORM.

The order of things is what keeps a committed write from being reported as a failure:
1. the request's read connection goes back to the pool first, so a request never holds one
   connection while it waits for another (many concurrent mutations cannot starve the pool);
2. the write connection is taken (on SQLite, a busy lock is retried with a short backoff, and this
   worker's writers queue in-process instead of polling the file lock);
3. the mutation reads back what it wrote inside its own transaction (`read_back`);
4. after the commit the same connection becomes the request's read connection, so building the
   answer needs no further checkout.
A failure of the database before the commit is a retryable error (SERVICE_BUSY or
SERVICE_UNAVAILABLE) and nothing was written.
"""

from __future__ import annotations

import asyncio
import logging
import uuid
import weakref
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from typing import Any

from sqlalchemy import Row
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine
from sqlmodel.ext.asyncio.session import AsyncSession

from loaders import sql
from loaders.database import WRITE, raise_retryable
from models import Relation, Table
from resolvers.context import RequestContext

log = logging.getLogger("crmgraph.errors")
_writers: weakref.WeakKeyDictionary[Any, asyncio.Lock] = weakref.WeakKeyDictionary()


def _local_writer_lock(engine: AsyncEngine) -> asyncio.Lock | None:
    """SQLite has one writer at a time: this worker's writers wait their turn here, in order, rather
    than in SQLite's busy handler, which polls and is not fair. PostgreSQL writes concurrently."""
    if engine.dialect.name != "sqlite":
        return None
    return _writers.setdefault(engine.sync_engine, asyncio.Lock())


@asynccontextmanager
async def write_session(context: RequestContext) -> AsyncIterator[AsyncSession]:
    """A session whose reads and writes are one transaction, committed when the block ends and rolled
    back if it raises. Add nothing to write nothing."""
    await context.loaders.release()
    lock = _local_writer_lock(context.engine)
    if lock is not None:
        await lock.acquire()
    try:
        connection = await context.begin_write()
        committed = False
        try:
            async with AsyncSession(bind=connection, expire_on_commit=False) as session:
                yield session
                await session.flush()
                for hook in context.before_commit:
                    await hook(connection)
            await connection.commit()
            committed = True
            context.note_commit()
        except BaseException as error:  # cancelled too: closing the connection rolls the transaction back
            await connection.close()
            raise_retryable(error)
    finally:
        if lock is not None:
            lock.release()
    if committed:
        await _read_on(context, connection)


@asynccontextmanager
async def read_session(context: RequestContext) -> AsyncIterator[AsyncSession]:
    """A session for a query that runs a mutation's checks without writing (a preview): its own
    connection in a transaction that is rolled back, taken after the request's read connection is
    returned so a request never holds two."""
    await context.loaders.release()
    try:
        async with context.engine.connect() as connection, AsyncSession(bind=connection) as session:
            yield session  # the connection closes unread and uncommitted: a rollback
    except Exception as error:  # noqa: BLE001 - a failing database is a retryable error, never its message
        raise_retryable(error)


async def _read_on(context: RequestContext, connection: AsyncConnection) -> None:
    """Hand the committed write connection to the request's reader; if that fails, the answer is
    still built (from primed rows, or on a fresh connection)."""
    try:
        await connection.execution_options(**{WRITE: False})
        await context.loaders.adopt(connection)
    except Exception:  # noqa: BLE001 - the write is committed: this must not turn it into an error
        log.warning("request %s: the write connection could not be reused for reading", context.request_id)
        try:
            await connection.close()
        except Exception:  # noqa: BLE001
            pass


async def read_back(session: AsyncSession, model: type[Table], ids: Sequence[int]) -> list[Row[Any]]:
    """Rows of `model` as the read side sees them, read inside the write transaction (before the commit)."""
    connection = await session.connection()
    return list((await connection.execute(*sql.rows_by_id(model, ids, connection.dialect.name))).all())


async def read_back_children(session: AsyncSession, relation: Relation, parent_id: int) -> list[Row[Any]]:
    """The child rows (document lines) of one parent, read inside the write transaction."""
    connection = await session.connection()
    return list((await connection.execute(*sql.child_rows(relation, [parent_id], connection.dialect.name))).all())


def stored_id(row: Table) -> int:
    """The primary key of a row the database holds: read from it, or added and flushed."""
    assert row.id is not None, f"{type(row).__name__} row without an id: it was never flushed"
    return row.id


def pending_number() -> str:
    """A unique stand-in for a number the id decides: rows are inserted, then numbered from their id."""
    return f"new-{uuid.uuid4().hex[:16]}"
