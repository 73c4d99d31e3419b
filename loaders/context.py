"""The loaders of one request, created on first use and cached under their key."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Hashable
from typing import Any, TypeVar

from sqlalchemy import Row
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from loaders import sql
from loaders.database import Deadline, Reader
from loaders.filters import Spec
from loaders.paging import Order, PageArgs
from loaders.related import (
    ByIdLoader,
    ChildListLoader,
    Page,
    RelatedAggregateLoader,
    RelatedCountLoader,
    RelatedPageLoader,
    TabCountLoader,
)
from models import TABS, Relation, Table

L = TypeVar("L")


class Loaders:
    """Per request, never shared: a loader caches rows that only this request may see."""

    def __init__(self, engine: AsyncEngine, timeout_ms: int | None = None, deadline: Deadline | None = None,
                 read_from: Callable[[], Awaitable[AsyncConnection]] | None = None) -> None:
        self.reader = Reader(engine, timeout_ms, deadline, read_from)
        self._loaders: dict[Hashable, Any] = {}

    def _get(self, key: Hashable, factory: Callable[[], L]) -> L:
        loader = self._loaders.get(key)
        if loader is None:
            loader = self._loaders[key] = factory()
        return loader

    def related_page(self, relation: Relation, order: Order, page: PageArgs, where: Spec | None) -> RelatedPageLoader:
        key = ("page", relation.key, order, page, where)
        return self._get(key, lambda: RelatedPageLoader(self.reader, relation, order, page, where))

    def related_count(self, relation: Relation, where: Spec | None) -> RelatedCountLoader:
        return self._get(("count", relation.key, where), lambda: RelatedCountLoader(self.reader, relation, where))

    def related_aggregate(self, relation: Relation, where: Spec | None) -> RelatedAggregateLoader:
        key = ("aggregate", relation.key, where)
        return self._get(key, lambda: RelatedAggregateLoader(self.reader, relation, where))

    def tab_counts(self, parent: type[Table]) -> TabCountLoader:
        return self._get(("tabs", parent.__name__), lambda: TabCountLoader(self.reader, TABS[parent]))

    def children(self, relation: Relation) -> ChildListLoader:
        return self._get(("children", relation.key), lambda: ChildListLoader(self.reader, relation))

    def by_id(self, model: type[Table]) -> ByIdLoader:
        return self._get(("id", model.__name__), lambda: ByIdLoader(self.reader, model))

    async def table_page(self, model: type[Table], order: Order, page: PageArgs, where: Spec | None) -> Page:
        rows = await self.reader.rows(sql.table_page(model, order, page, self.reader.dialect, where))
        return Page(rows[: page.first], len(rows) > page.first)

    async def table_count(self, model: type[Table], where: Spec | None) -> int:
        count: int = await self.reader.scalar(sql.table_count(model, self.reader.dialect, where))
        return count

    async def table_aggregate(self, model: type[Table], where: Spec | None) -> dict[str, Any]:
        (row,) = await self.reader.rows(sql.table_aggregates(model, self.reader.dialect, where))
        return row._asdict()

    async def rows(self, statement: Any) -> list[Any]:
        """Rows of an ad-hoc (statement, parameters) pair on the request's connection."""
        return await self.reader.rows(statement)

    async def close(self) -> None:
        await self.reader.close()

    async def release(self) -> None:
        """Forget what was read and give the read connection back: a mutation is about to write, and
        must not hold a connection while it waits for another. What the request reads after it comes
        from the primary (read-your-writes), even if the write then fails."""
        self.reader.pin_to_primary()
        await self.reader.close(final=False)
        self._loaders.clear()

    async def adopt(self, connection: AsyncConnection) -> None:
        """Read on from the connection a mutation just committed on (see `Reader.adopt`)."""
        await self.reader.adopt(connection)

    def prime(self, model: type[Table], rows: list[Row[Any]]) -> None:
        """Rows a mutation read back inside its own transaction: the answer needs no further read."""
        loader = self.by_id(model)
        for row in rows:
            loader.prime(row.id, row)

    def prime_children(self, relation: Relation, parent_id: int, rows: list[Row[Any]]) -> None:
        self.children(relation).prime(parent_id, rows)
