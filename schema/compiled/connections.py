"""Connection fields: what a connection asks (`ConnectionShape`), and the statements that read it,
for a paged relation of the parent rows (`ConnectionChild`) and for a whole table at the root
(`RootListChild`). The connection objects are built in `connection_answers.py`."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from loaders import sql
from loaders.paging import Order
from models import Relation, Table
from schema.compiled.arguments import FieldRef, ListArguments
from schema.compiled.connection_answers import connection_answers
from schema.compiled.run import FieldState, Run
from schema.compiled.selection import Child, Columns, Selection


@dataclass
class ConnectionShape:
    """What a connection field asks: its own fields in order, and the selections of its rows."""

    type_name: str
    entries: list[tuple[Any, ...]] = field(default_factory=list)  # (kind, key, payload)
    columns: Columns = field(default_factory=Columns)
    needs_rows: bool = False
    needs_cursors: bool = False
    needs_count: bool = False
    needs_aggregate: bool = False
    selections: list[Selection] = field(default_factory=list)
    link_fields: tuple[str, ...] = ()


class ConnectionChild(Child):
    """A paged relation of the parent rows (a tab): `first`, `after`, `filter`, `orderBy`."""

    def __init__(self, relation: Relation, ref: FieldRef, shape: ConnectionShape) -> None:
        self.relation, self.shape = relation, shape
        self.arguments = ListArguments(relation.target, ref)

    def prepare(self, run: Run) -> FieldState:
        return self.arguments.read(run)

    def counts_wanted(self, state: FieldState) -> list[tuple[Relation, Any]]:
        return [(self.relation, state.where)] if self.shape.needs_count else []

    def parts(self) -> list[Selection]:
        return self.shape.selections

    def reads(self, run: Run, rows: Sequence[Any], pks: list[int], state: FieldState) -> list[sql.Statement]:
        assert state.page is not None and state.order is not None
        statements = []
        if self.shape.needs_rows:
            columns = _with_order(self.shape, state.order)
            statements.append(
                sql.related_page(self.relation, pks, state.order, state.page, run.dialect, state.where, columns)
            )
        if self.shape.needs_aggregate:
            statements.append(sql.related_aggregates(self.relation, pks, run.dialect, state.where))
        return statements

    async def complete(
        self, run: Run, rows: Sequence[Any], pks: list[int], state: FieldState, found: list[list[Any]]
    ) -> dict[int, Any]:
        shape = self.shape
        assert state.page is not None and state.order is not None
        pages: dict[int, list[Any]] = defaultdict(list)
        if shape.needs_rows:
            parent_at = len(_with_order(shape, state.order))
            for row in found.pop(0):
                pages[row[parent_at]].append(row)
        aggregates: dict[int, dict[str, Any]] = {}
        if shape.needs_aggregate:
            aggregates = {row.rel_parent: row._asdict() for row in found.pop(0)}
        first = state.page.first
        per_parent = [(pk, pages.get(pk, [])) for pk in pks]
        trimmed = [(pk, page[:first], len(page) > first) for pk, page in per_parent]
        link_start = len(_with_order(shape, state.order)) + 1 if shape.needs_rows else 0
        answers = await connection_answers(
            run, shape, trimmed, state, link_start,
            counts=state.counts.get(0, {}),
            aggregates=lambda pk: aggregates.get(pk, {"count": 0}),
        )
        return dict(zip(pks, answers, strict=True))


class RootListChild:
    """A whole table as a connection at the root (`accounts`, `invoices`, ...)."""

    def __init__(self, model: type[Table], ref: FieldRef, shape: ConnectionShape) -> None:
        self.model, self.shape = model, shape
        self.arguments = ListArguments(model, ref)

    def prepare(self, run: Run) -> FieldState:
        return self.arguments.read(run)

    def parts(self) -> list[Selection]:
        return self.shape.selections

    async def resolve(self, run: Run) -> dict[str, Any]:
        shape = self.shape
        state = run.state(self)
        order, where, page = state.order, state.where, state.page
        statements = []
        if shape.needs_rows:
            statements.append(sql.table_page(self.model, order, page, run.dialect, where, _with_order(shape, order)))
        if shape.needs_count:
            statements.append(sql.table_count(self.model, run.dialect, where))
        if shape.needs_aggregate:
            statements.append(sql.table_aggregates(self.model, run.dialect, where))
        found = await run.many(statements)
        rows: list[Any] = found.pop(0) if shape.needs_rows else []
        count = found.pop(0)[0][0] if shape.needs_count else 0
        aggregate: dict[str, Any] = found.pop(0)[0]._asdict() if shape.needs_aggregate else {"count": 0}
        trimmed = [(0, rows[: page.first], len(rows) > page.first)]
        (answer,) = await connection_answers(
            run, shape, trimmed, state, 0, counts={0: count}, aggregates=lambda _pk: aggregate
        )
        return answer


def _with_order(shape: ConnectionShape, order: Order) -> tuple[str, ...]:
    """The columns of a page statement: the selections', then the order's when cursors are asked."""
    columns = shape.columns.frozen()
    if shape.needs_cursors:
        columns += tuple(t.column for t in order.terms if t.column not in columns)
    return columns
