"""The read side of the database for one request: one connection, plain Core rows."""

from __future__ import annotations

import asyncio
from typing import Any

from sqlalchemy import Row
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine
from sqlalchemy.sql import Executable


class Reader:
    """Runs the statements of one request on one connection, opened on first use.

    On PostgreSQL the request reads one REPEATABLE READ, READ ONLY snapshot, so a page and its
    totalCount always agree; it also saves a pool checkout per statement. Close it when the request ends.
    """

    def __init__(self, engine: AsyncEngine) -> None:
        self.engine = engine
        self.dialect = engine.dialect.name
        self._connection: AsyncConnection | None = None
        self._lock = asyncio.Lock()  # one connection runs one statement at a time

    async def rows(self, statement: tuple[Executable, dict[str, Any]]) -> list[Row[Any]]:
        """Rows of a (statement, parameters) pair from `loaders.sql`."""
        async with self._lock:
            connection = self._connection or await self._open()
            return list((await connection.execute(*statement)).all())

    async def scalar(self, statement: tuple[Executable, dict[str, Any]]) -> Any:
        async with self._lock:
            connection = self._connection or await self._open()
            return (await connection.execute(*statement)).scalar_one()

    async def _open(self) -> AsyncConnection:
        connection = await self.engine.connect()
        if self.dialect == "postgresql":
            connection = await connection.execution_options(
                isolation_level="REPEATABLE READ", postgresql_readonly=True
            )
        await connection.begin()
        self._connection = connection
        return connection

    async def close(self) -> None:
        """End the read transaction and give the connection back to the pool."""
        connection, self._connection = self._connection, None
        if connection is not None:
            await connection.close()
