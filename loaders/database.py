"""The read side of the database for one request: runs Core statements and returns plain rows."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Row
from sqlalchemy.ext.asyncio import AsyncEngine
from sqlalchemy.sql import Executable


class Reader:
    def __init__(self, engine: AsyncEngine) -> None:
        self.engine = engine
        self.dialect = engine.dialect.name

    async def rows(self, statement: Executable) -> list[Row[Any]]:
        async with self.engine.connect() as connection:
            return list((await connection.execute(statement)).all())

    async def scalar(self, statement: Executable) -> Any:
        async with self.engine.connect() as connection:
            return (await connection.execute(statement)).scalar_one()
