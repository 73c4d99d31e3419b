"""The read side of the database for one request: one connection, plain Core rows."""

from __future__ import annotations

import asyncio
from typing import Any

from sqlalchemy import Row
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine
from sqlalchemy.sql import Executable

from loaders.errors import UserInputError


def _timed_out(error: DBAPIError) -> bool:
    """PostgreSQL's statement_timeout (SQLSTATE 57014), or SQLite's interrupt."""
    text = str(error.orig)
    return "statement timeout" in text or "canceling statement" in text or text.endswith("interrupted")


class Reader:
    """Runs the statements of one request on one connection, opened on first use.

    On PostgreSQL the request reads one REPEATABLE READ, READ ONLY snapshot, so a page and its
    totalCount always agree; it also saves a pool checkout per statement. Close it when the request ends.
    """

    def __init__(self, engine: AsyncEngine, timeout_ms: int | None = None) -> None:
        self.engine = engine
        self.dialect = engine.dialect.name
        self.timeout_ms = timeout_ms
        self._connection: AsyncConnection | None = None
        self._lock = asyncio.Lock()  # one connection runs one statement at a time
        self._finished = False

    async def rows(self, statement: tuple[Executable, dict[str, Any]]) -> list[Row[Any]]:
        """Rows of a (statement, parameters) pair from `loaders.sql`."""
        async with self._lock:
            if self._finished:  # a batch that outlived its request (an error ended it): nobody reads this
                return []
            connection = self._connection or await self._open()
            result = await self._execute(connection, statement)
            return list(result.all())

    async def scalar(self, statement: tuple[Executable, dict[str, Any]]) -> Any:
        async with self._lock:
            if self._finished:
                return 0
            connection = self._connection or await self._open()
            return (await self._execute(connection, statement)).scalar_one()

    async def _execute(self, connection: AsyncConnection, statement: tuple[Executable, dict[str, Any]]) -> Any:
        interrupt = None
        if self.timeout_ms and self.dialect == "sqlite":
            # SQLite has no statement timeout: interrupt the statement from here (thread-safe).
            sqlite = (await connection.get_raw_connection()).driver_connection._conn
            interrupt = asyncio.get_running_loop().call_later(self.timeout_ms / 1000, sqlite.interrupt)
        try:
            return await connection.execute(*statement)
        except DBAPIError as error:
            if _timed_out(error):
                raise UserInputError(
                    f"a database statement ran longer than the statement timeout of {self.timeout_ms} ms "
                    "(CRMGRAPH_STATEMENT_TIMEOUT_MS): ask for fewer rows or a narrower filter",
                    code="TIMEOUT",
                ) from None
            raise
        finally:
            if interrupt is not None:
                interrupt.cancel()

    async def _open(self) -> AsyncConnection:
        # Kept at once: if this task is cancelled before the transaction starts (graphql-core
        # cancels the siblings of a field whose error nulls the result), close() still returns it.
        self._connection = connection = await self.engine.connect()
        if self.dialect == "postgresql":
            await connection.execution_options(isolation_level="REPEATABLE READ", postgresql_readonly=True)
        await connection.begin()
        return connection

    async def close(self, *, final: bool = True) -> None:
        """End the read transaction and give the connection back to the pool, once no statement
        runs on it: graphql-core may finish a request (an error nulled the result) while sibling
        batches are still reading. After the final close, nothing opens a connection again."""
        async with self._lock:
            self._finished = final
            connection, self._connection = self._connection, None
            if connection is not None:
                await connection.close()
