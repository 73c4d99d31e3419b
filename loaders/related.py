"""The batched related-page loader and its companions: one SQL statement per relation and
argument set serves every parent of the request."""

from __future__ import annotations

import asyncio
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, TypeVar

from aiodataloader import DataLoader
from sqlalchemy import Row

from loaders import sql
from loaders.database import Reader
from loaders.filters import Spec
from loaders.paging import Order, PageArgs
from models import Relation, Table

K = TypeVar("K")
V = TypeVar("V")


class SharedLoader(DataLoader[K, V]):
    """A DataLoader whose futures many resolvers await at once: the same key (an account that two
    branches of a document reach) or the same batch. graphql-core cancels the sibling fields of a
    field that failed, and cancelling a task cancels the future it awaits: without the shield, that
    would cancel the shared future under every other field waiting for it, and the request would
    end in a CancelledError instead of its answer."""

    def load(self, key: K) -> asyncio.Future[V]:
        return asyncio.shield(super().load(key))


@dataclass(frozen=True)
class Page:
    """The rows of one page and whether more follow."""

    rows: list[Row[Any]]
    has_next: bool


class RelatedPageLoader(SharedLoader[int, Page]):
    """parent id -> Page of `relation` with the same order and page arguments."""

    def __init__(self, reader: Reader, relation: Relation, order: Order, page: PageArgs, where: Spec | None) -> None:
        super().__init__()
        self.reader, self.relation, self.order, self.page, self.where = reader, relation, order, page, where

    async def batch_load_fn(self, parent_ids: Sequence[int]) -> list[Page]:
        statement = sql.related_page(self.relation, parent_ids, self.order, self.page, self.reader.dialect, self.where)
        grouped: dict[int, list[Row[Any]]] = defaultdict(list)
        for row in await self.reader.rows(statement):
            grouped[row.rel_parent].append(row)
        first = self.page.first
        return [Page(rows[:first], len(rows) > first) for rows in (grouped.get(p, []) for p in parent_ids)]


class RelatedCountLoader(SharedLoader[int, int]):
    """parent id -> number of rows of `relation` that pass the filter (0 for none)."""

    def __init__(self, reader: Reader, relation: Relation, where: Spec | None) -> None:
        super().__init__()
        self.reader, self.relation, self.where = reader, relation, where

    async def batch_load_fn(self, parent_ids: Sequence[int]) -> list[int]:
        rows = await self.reader.rows(sql.related_counts(self.relation, parent_ids, self.reader.dialect, self.where))
        counts = {row.rel_parent: row.n for row in rows}
        return [counts.get(p, 0) for p in parent_ids]


class RelatedAggregateLoader(SharedLoader[int, dict[str, Any]]):
    """parent id -> {"count": n, "sum_total": ..., "avg_total": ...} over the rows that pass the filter."""

    def __init__(self, reader: Reader, relation: Relation, where: Spec | None) -> None:
        super().__init__()
        self.reader, self.relation, self.where = reader, relation, where

    async def batch_load_fn(self, parent_ids: Sequence[int]) -> list[dict[str, Any]]:
        rows = await self.reader.rows(sql.related_aggregates(self.relation, parent_ids, self.reader.dialect, self.where))
        found = {row.rel_parent: row._asdict() for row in rows}
        return [found.get(p, {"count": 0}) for p in parent_ids]


class TabCountLoader(SharedLoader[int, dict[str, int]]):
    """parent id -> {tab field: count} for every tab of the parent type, in one statement."""

    def __init__(self, reader: Reader, tabs: tuple[Relation, ...]) -> None:
        super().__init__()
        self.reader, self.tabs = reader, tabs

    async def batch_load_fn(self, parent_ids: Sequence[int]) -> list[dict[str, int]]:
        counts: dict[int, dict[str, int]] = {p: dict.fromkeys((t.field for t in self.tabs), 0) for p in parent_ids}
        for row in await self.reader.rows(sql.tab_counts(self.tabs, parent_ids, self.reader.dialect)):
            counts[row.rel_parent][self.tabs[row.rel_index].field] = row.n
        return [counts[p] for p in parent_ids]


class ChildListLoader(SharedLoader[int, list[Row[Any]]]):
    """parent id -> every child row (the lines of a document), in order."""

    def __init__(self, reader: Reader, relation: Relation) -> None:
        super().__init__()
        self.reader, self.relation = reader, relation

    async def batch_load_fn(self, parent_ids: Sequence[int]) -> list[list[Row[Any]]]:
        fk = self.relation.fk
        assert fk is not None  # child lists join by a foreign key
        grouped: dict[int, list[Row[Any]]] = defaultdict(list)
        for row in await self.reader.rows(sql.child_rows(self.relation, parent_ids, self.reader.dialect)):
            grouped[getattr(row, fk)].append(row)
        return [grouped.get(p, []) for p in parent_ids]


class ByIdLoader(SharedLoader[int, Row[Any] | None]):
    """id -> row of `model`, or None when there is no such row."""

    def __init__(self, reader: Reader, model: type[Table]) -> None:
        super().__init__()
        self.reader, self.model = reader, model

    async def batch_load_fn(self, ids: Sequence[int]) -> list[Row[Any] | None]:
        rows = {row.id: row for row in await self.reader.rows(sql.rows_by_id(self.model, ids, self.reader.dialect))}
        return [rows.get(i) for i in ids]
