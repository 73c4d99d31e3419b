"""The root of a plan: `RootPlan`, which reads the arguments of every field before any statement
runs, then resolves each root field; and the root fields that are not connections: rows by global
id (`account`, `contact`, `node`, `nodes`) and a constant (`__typename`). The root connections
(`accounts`, `invoices`, ...) are `RootListChild` in `connections.py`."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from loaders import sql
from models import Table
from schema.compiled.arguments import FieldRef
from schema.compiled.run import Run
from schema.compiled.selection import Selection
from schema.node import check_node_ids, node_key


class NodeRoot:
    """`account(id:)`, `contact(id:)`, `node(id:)` and `nodes(ids:)`: rows by global id."""

    def __init__(self, ref: FieldRef, expected: type[Table] | None, many: bool, selections: dict[str, Selection]) -> None:
        self.ref, self.expected, self.many, self.selections = ref, expected, many, selections

    def prepare(self, run: Run) -> list[tuple[type[Table], int] | None]:
        args = run.coerced(self.ref)  # IDs: strings as graphql-core coerced them, nothing to build
        ids = args["ids"] if self.many else [args["id"]]
        if self.many:
            check_node_ids(ids)
        return [node_key(i, self.expected) for i in ids]

    def parts(self) -> list[Selection]:
        return list(self.selections.values())

    async def resolve(self, run: Run) -> Any:
        keys = run.state(self)
        by_model: dict[type[Table], set[int]] = defaultdict(set)
        for key in keys:
            if key is not None:
                by_model[key[0]].add(key[1])
        answers: dict[tuple[type[Table], int], Any] = {}
        selections = [self.selections[model.type_name()] for model in by_model]
        found = await run.many([
            sql.rows_by_id(model, sorted(pks), run.dialect, selection.columns.frozen())
            for (model, pks), selection in zip(by_model.items(), selections, strict=True)
        ])
        for model, selection, rows in zip(by_model, selections, found, strict=True):
            for row, answer in zip(rows, await selection.resolve(run, rows), strict=True):
                answers[(model, row[0])] = answer
        values = [None if key is None else answers.get(key) for key in keys]
        return values if self.many else values[0]


class Const:
    """A root field whose answer is known when planning (`__typename`)."""

    def __init__(self, value: Any) -> None:
        self.value = value

    def prepare(self, run: Run) -> None:
        return None

    def parts(self) -> list[Any]:
        return []

    async def resolve(self, run: Run) -> Any:
        return self.value


@dataclass
class RootPlan:
    """The plan of an operation: its root fields by response key."""

    fields: list[tuple[str, Any]]

    async def run(self, run: Run) -> dict[str, Any]:
        for _key, root in self.fields:
            run.prepare(root)
        return {key: await root.resolve(run) for key, root in self.fields}
