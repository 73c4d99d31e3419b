"""The children of a selection that are not connections: a document's lines, its `taxBreakdown`,
a back link (a foreign key as the row it points at) and the `tabs` of a screen."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from loaders import sql
from models import TABS, Relation, Table
from models.enums import Tax
from models.totals import tax_breakdown
from schema.compiled.run import FieldState, Run
from schema.compiled.selection import Child, Selection
from schema.compiled.values import decimal_text
from schema.types import tab_entries


class ChildListChild(Child):
    """Every line of the parent documents, in position order."""

    def __init__(self, relation: Relation, selection: Selection) -> None:
        self.relation, self.selection = relation, selection

    def parts(self) -> list[Selection]:
        return [self.selection]

    def reads(self, run: Run, rows: Sequence[Any], pks: list[int], state: FieldState) -> list[sql.Statement]:
        return [sql.child_rows(self.relation, pks, run.dialect, self.selection.columns.frozen())]

    async def complete(
        self, run: Run, rows: Sequence[Any], pks: list[int], state: FieldState, found: list[list[Any]]
    ) -> dict[int, Any]:
        columns = self.selection.columns.frozen()
        parent_at = columns.index(self.relation.fk) if self.relation.fk in columns else len(columns)
        (lines,) = found
        built = await self.selection.resolve(run, lines)
        grouped: dict[int, list[dict[str, Any]]] = {pk: [] for pk in pks}
        for row, answer in zip(lines, built, strict=True):
            grouped[row[parent_at]].append(answer)
        return grouped


class TaxBreakdownChild(Child):
    """`taxBreakdown`: the lines' taxes grouped as the CFDI's traslados."""

    COLUMNS = ("id", "tax", "net", "tax_amount")

    def __init__(self, relation: Relation, entries: list[tuple[str, str]]) -> None:
        self.relation, self.entries = relation, entries

    def reads(self, run: Run, rows: Sequence[Any], pks: list[int], state: FieldState) -> list[sql.Statement]:
        return [sql.child_rows(self.relation, pks, run.dialect, self.COLUMNS)]

    async def complete(
        self, run: Run, rows: Sequence[Any], pks: list[int], state: FieldState, found: list[list[Any]]
    ) -> dict[int, Any]:
        grouped: dict[int, list[tuple[Any, Any, Any]]] = {pk: [] for pk in pks}
        for row in found[0]:  # the tax as its name (Reader.records keeps enums as stored)
            grouped[row[4]].append((None if row[1] is None else Tax(row[1]), row[2], row[3]))
        return {pk: [self._entry(g) for g in tax_breakdown(lines)] for pk, lines in grouped.items()}

    def _entry(self, group: Any) -> dict[str, Any]:
        values = {"tax": group.tax.value, "rate": str(group.rate), "base": str(group.base),
                  "amount": decimal_text(group.amount), "__typename": "TaxBreakdownEntry"}
        return {key: values[name] for key, name in self.entries}


class BackLinkChild(Child):
    """A foreign key of the parent rows as the row it points at (`account`, `vendor`, ...)."""

    def __init__(self, column_at: int, target: type[Table], selection: Selection) -> None:
        self.column_at, self.target, self.selection = column_at, target, selection

    def parts(self) -> list[Selection]:
        return [self.selection]

    def reads(self, run: Run, rows: Sequence[Any], pks: list[int], state: FieldState) -> list[sql.Statement]:
        wanted = sorted({row[self.column_at] for row in rows} - {None})
        return [sql.rows_by_id(self.target, wanted, run.dialect, self.selection.columns.frozen())] if wanted else []

    async def complete(
        self, run: Run, rows: Sequence[Any], pks: list[int], state: FieldState, found: list[list[Any]]
    ) -> dict[int, Any]:
        by_id: dict[int, Any] = {}
        if found:
            (targets,) = found
            by_id = dict(zip((row[0] for row in targets), await self.selection.resolve(run, targets), strict=True))
        return {pk: by_id.get(row[self.column_at]) for pk, row in zip(pks, rows, strict=True)}


class TabsChild(Child):
    """`tabs`: Detalles, then the screen's tabs in product order, with counts folded into the level's statement."""

    def __init__(self, parent: type[Table], entries: list[tuple[str, str]], wants_count: bool) -> None:
        self.tabs, self.entries, self.wants_count = TABS[parent], entries, wants_count
        self.values = [{**tab, "kind": tab["kind"].name, "__typename": "Tab"} for tab in tab_entries(parent)]

    def counts_wanted(self, state: FieldState) -> list[tuple[Relation, Any]]:
        return [(tab, None) for tab in self.tabs] if self.wants_count else []

    async def complete(
        self, run: Run, rows: Sequence[Any], pks: list[int], state: FieldState, found: list[list[Any]]
    ) -> dict[int, Any]:
        answers = {}
        for pk in pks:
            tabs = []
            for position, values in enumerate(self.values, -1):  # Detalles (-1) has no count
                if self.wants_count:
                    values = {**values, "count": state.counts[position].get(pk, 0) if position >= 0 else None}
                tabs.append({key: values[name] for key, name in self.entries})
            answers[pk] = tabs
        return answers
