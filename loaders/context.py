"""The loaders of one request, created on first use and cached under their key."""

from __future__ import annotations

from collections.abc import Callable, Hashable
from typing import Any, TypeVar

from sqlalchemy.ext.asyncio import AsyncEngine

from loaders import sql
from loaders.database import Reader
from loaders.paging import Order, PageArgs
from loaders.related import ByIdLoader, ChildListLoader, Page, RelatedCountLoader, RelatedPageLoader, TabCountLoader
from models import TABS, Relation, Table

L = TypeVar("L")


class Loaders:
    """Per request, never shared: a loader caches rows that only this request may see."""

    def __init__(self, engine: AsyncEngine) -> None:
        self.reader = Reader(engine)
        self._loaders: dict[Hashable, Any] = {}

    def _get(self, key: Hashable, factory: Callable[[], L]) -> L:
        loader = self._loaders.get(key)
        if loader is None:
            loader = self._loaders[key] = factory()
        return loader

    def related_page(self, relation: Relation, order: Order, page: PageArgs) -> RelatedPageLoader:
        key = ("page", relation.key, order, page)
        return self._get(key, lambda: RelatedPageLoader(self.reader, relation, order, page))

    def related_count(self, relation: Relation) -> RelatedCountLoader:
        return self._get(("count", relation.key), lambda: RelatedCountLoader(self.reader, relation))

    def tab_counts(self, parent: type[Table]) -> TabCountLoader:
        return self._get(("tabs", parent.__name__), lambda: TabCountLoader(self.reader, TABS[parent]))

    def children(self, relation: Relation) -> ChildListLoader:
        return self._get(("children", relation.key), lambda: ChildListLoader(self.reader, relation))

    def by_id(self, model: type[Table]) -> ByIdLoader:
        return self._get(("id", model.__name__), lambda: ByIdLoader(self.reader, model))

    async def table_page(self, model: type[Table], order: Order, page: PageArgs) -> Page:
        rows = await self.reader.rows(sql.table_page(model, order, page))
        return Page(rows[: page.first], len(rows) > page.first)

    async def table_count(self, model: type[Table]) -> int:
        return await self.reader.scalar(sql.table_count(model))

    async def close(self) -> None:
        await self.reader.close()

    async def refresh(self) -> None:
        """Forget what was read: after a mutation commits, later reads must see it."""
        await self.reader.close()
        self._loaders.clear()
