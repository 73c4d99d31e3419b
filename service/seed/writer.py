"""Writes the seeded rows: plain dicts buffered per table and inserted with Core `executemany` in chunks.

Ids are assigned by the seeder from max(id) + 1 (`next_ids`), so an empty database gets the same
rows, ids included, on SQLite and PostgreSQL; `reset_sequences` then moves PostgreSQL's serials on.
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncConnection
from sqlmodel import SQLModel

import models  # noqa: F401 - registers every table on the metadata

#: Rows per INSERT ... executemany.
CHUNK = 5000


def _tables_with_id() -> list[sa.Table]:
    return [table for table in SQLModel.metadata.sorted_tables if "id" in table.c]


async def next_ids(conn: AsyncConnection) -> dict[str, int]:
    """First free id of every table, so a database that already holds rows can be seeded too."""
    ids = {}
    for table in _tables_with_id():
        highest = (await conn.execute(sa.select(sa.func.max(table.c.id)))).scalar()
        ids[table.name] = (highest or 0) + 1
    return ids


async def reset_sequences(conn: AsyncConnection) -> None:
    """Moves PostgreSQL's serial sequences past the ids the seeder gave explicitly."""
    # Ids were given explicitly, so the serial sequences never moved: the next insert would collide.
    for table in _tables_with_id():
        await conn.execute(
            sa.text(
                f"SELECT setval(pg_get_serial_sequence('{table.name}', 'id'), "
                f"COALESCE((SELECT max(id) FROM {table.name}), 0) + 1, false)"
            )
        )


class Writer:
    """Buffers rows per table and inserts them in chunks, parents before children.

    When a buffer is full, only the tables it references (transitively) are flushed first: that
    keeps every foreign key satisfied without turning small buffers into many tiny INSERTs.
    """

    def __init__(self, conn: AsyncConnection) -> None:
        self.conn = conn
        self.order = list(SQLModel.metadata.sorted_tables)
        self.tables = {table.name: table for table in self.order}
        self.buffers: dict[str, list[dict[str, Any]]] = {table.name: [] for table in self.order}
        self.counts: dict[str, int] = {}
        self.columns = {table.name: frozenset(table.c.keys()) for table in self.order}
        self.ancestors = {table.name: self._ancestors(table) for table in self.order}

    @staticmethod
    def _ancestors(table: sa.Table) -> list[str]:
        seen: set[str] = set()
        todo = [table]
        while todo:
            for fk in todo.pop().foreign_keys:
                parent = fk.column.table
                if parent.name != table.name and parent.name not in seen:
                    seen.add(parent.name)
                    todo.append(parent)
        return [t.name for t in SQLModel.metadata.sorted_tables if t.name in seen]

    def add(self, table: str, row: dict[str, Any]) -> None:
        self.buffers[table].append(row)

    async def maybe_flush(self) -> None:
        for name, rows in self.buffers.items():
            if len(rows) >= CHUNK:
                for parent in self.ancestors[name]:
                    await self._flush(parent)
                await self._flush(name)

    async def flush_all(self) -> None:
        for table in self.order:
            await self._flush(table.name)

    async def _flush(self, name: str) -> None:
        rows = self.buffers[name]
        if not rows:
            return
        self.buffers[name] = []
        # executemany takes its columns from the first row: every row must have them all.
        if rows[0].keys() != self.columns[name]:
            raise AssertionError(f"{name}: columns {sorted(rows[0].keys() ^ self.columns[name])} differ")
        statement = sa.insert(self.tables[name])
        for start in range(0, len(rows), CHUNK):
            await self.conn.execute(statement, rows[start : start + CHUNK])
        self.counts[name] = self.counts.get(name, 0) + len(rows)
