"""A `Selection`: the fields asked of the rows of one table at one place of the document, and how it
runs over the rows of a level. The statements of all its children go out together (every count of
the level folded into one), then a function generated for the selection builds each row's answer.
`Child` is what a field needing more rows than its parent's does; the children are in
`children.py` and `connections.py`."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from loaders import sql
from models import Relation, Table
from schema.compiled.run import FieldState, Run
from schema.compiled.values import global_id_of


class Columns:
    """The columns one statement selects, shared by every selection built from its rows: a
    selection's generated code reads a column at the index it had when the plan was made."""

    def __init__(self) -> None:
        self.names: list[str] = ["id"]

    def index(self, name: str) -> int:
        if name not in self.names:
            self.names.append(name)
        return self.names.index(name)

    def frozen(self) -> tuple[str, ...]:
        return tuple(self.names)


class Selection:
    """Fields asked of the rows of one table at one place of the document."""

    def __init__(self, type_name: str, model: type[Table], columns: Columns) -> None:
        self.type_name, self.model, self.columns = type_name, model, columns
        self.entries: list[tuple[Any, ...]] = []
        self.children: list[Child] = []
        self._build: Callable[[Sequence[Any], list[dict[int, Any]]], list[dict[str, Any]]] | None = None

    def add_child(self, key: str, child: Child) -> None:
        self.entries.append(("child", key, len(self.children)))
        self.children.append(child)

    def finish(self) -> None:
        self._build = _generate_builder(self)

    def prepare(self, run: Run) -> None:
        return None

    def parts(self) -> list[Any]:
        return list(self.children)

    async def resolve(self, run: Run, rows: Sequence[Any]) -> list[dict[str, Any]]:
        """The answer for each row, in order: the statements of every child (one per relation, one
        for all counts) go out together, then each child builds its answers and runs the level below."""
        if not rows:
            return []
        pks = [row[0] for row in rows]
        states = [run.state(child) for child in self.children]
        counting = _counts_statement(run, self.children, states, pks)
        reads = [child.reads(run, rows, pks, state) for child, state in zip(self.children, states, strict=True)]
        found = await run.many([*([counting[0]] if counting else []), *(s for r in reads for s in r)])
        if counting:
            _share_counts(counting[1], found.pop(0))
        results = []
        for child, state, statements in zip(self.children, states, reads, strict=True):
            mine, found = found[: len(statements)], found[len(statements) :]
            results.append(await child.complete(run, rows, pks, state, mine))
        assert self._build is not None
        return self._build(rows, results)


def _counts_statement(
    run: Run, children: list[Child], states: list[Any], pks: list[int]
) -> tuple[sql.Statement, list[tuple[Any, int]]] | None:
    """One statement for every count the children of a level need, for every parent, and whose
    state each count goes to."""
    counted: list[tuple[Relation, Any]] = []
    owners: list[tuple[Any, int]] = []
    for child, state in zip(children, states, strict=True):
        for position, request in enumerate(child.counts_wanted(state)):
            counted.append(request)
            owners.append((state, position))
    if not counted:
        return None
    return sql.folded_counts(tuple(counted), pks, run.dialect), owners


def _share_counts(owners: list[tuple[Any, int]], rows: list[Any]) -> None:
    found: list[dict[int, int]] = [{} for _ in owners]
    for index, parent, n in rows:
        found[index][parent] = n
    for (state, position), counts in zip(owners, found, strict=True):
        state.counts[position] = counts


def _generate_builder(selection: Selection) -> Callable[..., list[dict[str, Any]]]:
    """A function that turns the rows of a level into answers: one dict literal per row, columns
    read by index, converters only where a value is not JSON as it is."""
    namespace: dict[str, Any] = {"gid": global_id_of(selection.type_name)}
    lines = ["def build(rows, results):"]
    children = len(selection.children)
    if children:
        lines.append(f"    {', '.join(f'r{i}' for i in range(children))}, = results")
    lines += ["    out = []", "    append = out.append", "    for row in rows:", "        pk = row[0]"]
    items: list[str] = []
    for number, entry in enumerate(selection.entries):
        kind, key = entry[0], repr(entry[1])
        if kind == "column":
            index, convert = entry[2], entry[3]
            if convert is None:
                items.append(f"{key}: row[{index}]")
            else:
                namespace[f"c{number}"] = convert
                lines.append(f"        v{number} = row[{index}]")
                items.append(f"{key}: None if v{number} is None else c{number}(v{number})")
        elif kind == "id":
            items.append(f"{key}: gid(pk)")
        elif kind == "const":
            namespace[f"k{number}"] = entry[2]
            items.append(f"{key}: k{number}")
        else:  # child: its answer for every parent, by primary key
            items.append(f"{key}: r{entry[2]}[pk]")
    lines.append("        append({" + ", ".join(items) + "})")
    lines.append("    return out")
    exec("\n".join(lines), namespace)  # noqa: S102 - generated from the schema's own names, keys repr()'d
    return namespace["build"]


class Child:
    """A field of a selection that needs more rows than its parent's."""

    def prepare(self, run: Run) -> Any:
        """Per-request state (arguments read, counts to fill)."""
        return FieldState()

    def parts(self) -> list[Selection]:
        """The selections under this field."""
        return []

    def counts_wanted(self, state: Any) -> list[tuple[Relation, Any]]:
        return []

    def reads(self, run: Run, rows: Sequence[Any], pks: list[int], state: Any) -> list[sql.Statement]:
        """The statements this field needs for all parent rows of the level (sent with its siblings')."""
        return []

    async def complete(
        self, run: Run, rows: Sequence[Any], pks: list[int], state: Any, found: list[list[Any]]
    ) -> dict[int, Any]:
        """Each parent's answer, from the rows its statements read."""
        raise NotImplementedError
