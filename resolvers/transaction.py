"""One transaction per mutation, written through the SQLModel ORM."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from sqlmodel.ext.asyncio.session import AsyncSession

from service.context import Context
from service.db import WRITE


@asynccontextmanager
async def write_session(context: Context) -> AsyncIterator[AsyncSession]:
    """A session whose reads and writes are one transaction (BEGIN IMMEDIATE on SQLite), committed
    when the block ends and rolled back if it raises. Add nothing to write nothing."""
    async with context.engine.connect() as connection:
        connection = await connection.execution_options(**{WRITE: True})
        async with connection.begin():
            async with AsyncSession(bind=connection, expire_on_commit=False) as session:
                yield session
                await session.flush()
    # What this request read before the write is stale now.
    await context.loaders.refresh()


def pending_number() -> str:
    """A unique stand-in for a number the id decides: rows are inserted, then numbered from their id."""
    return f"new-{uuid.uuid4().hex[:16]}"
