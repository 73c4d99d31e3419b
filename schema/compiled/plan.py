"""Plans of read-only queries, and how a plan runs.

A plan mirrors the document: a `Selection` per object level (the fields asked of rows of one
table), and under it one child per field that needs more rows (a connection, document lines, a
back link, the tabs). Running a selection over the rows of a level issues one statement per child
for all those rows at once (the counts of every child folded into one), runs the children's own
selections over everything they read, then builds every row's answer with a function generated
for that selection. Nothing here is written per table: fields are classified from the schema and
the relation registry.

A plan holds no request state; arguments are read from the request's variables when it runs. Any
error while running (a bad argument, the database) is not handled here: the executor then lets the
stock executor answer, so errors keep graphql-core's paths and null propagation exactly.
"""

from __future__ import annotations

import binascii
import datetime as dt
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from graphql import (
    GraphQLList,
    GraphQLNonNull,
    GraphQLObjectType,
    GraphQLSchema,
    ListValueNode,
    ObjectValueNode,
    VariableNode,
    get_named_type,
)
from graphql.execution.collect_fields import FieldDetails, collect_subfields
from graphql.execution.values import get_argument_values
from strawberry.schema.schema_converter import GraphQLCoreConverter
from strawberry.types.arguments import convert_arguments

from loaders import sql
from loaders.database import Reader
from loaders.errors import UserInputError
from loaders.paging import Order, PageArgs, row_cursor
from models import NODE_MODELS, RELATIONS, TABS, Relation, Table, referenced_model
from models.enums import Tax
from models.relations import LINES
from models.totals import tax_breakdown
from schema.connection import _list_request
from schema.node import MAX_NODE_IDS, parse_global_id, pk_of
from schema.types import CONNECTIONS, tab_entries

BACKREF = GraphQLCoreConverter.DEFINITION_BACKREF
RELATION_BY_FIELD: dict[tuple[type[Table], str], Relation] = {(r.parent, r.field): r for r in RELATIONS}
#: GraphQL scalars whose Python values are not JSON values as they are: how the stock schema writes them.
CONVERTERS: dict[str, Callable[[Any], Any]] = {
    "Decimal": str,
    "Date": dt.date.isoformat,
    "DateTime": dt.datetime.isoformat,
}


class Unsupported(Exception):
    """A part of a document this executor does not plan (introspection, mutations, a field it does
    not know): the stock executor runs the whole operation."""


@dataclass(frozen=True)
class FieldRef:
    """A field of the document with what its arguments are read from at run time."""

    definition: Any  # GraphQLField
    node: Any  # FieldNode
    strawberry_field: Any

    @classmethod
    def of(cls, definition: Any, details: list[FieldDetails]) -> FieldRef:
        return cls(definition, details[0].node, definition.extensions[BACKREF])

    @property
    def literal(self) -> bool:
        """Whether the arguments are written out in the document (no variable): then they are the
        same on every run, and read once."""
        return not any(_has_variable(argument.value) for argument in self.node.arguments or ())


def _has_variable(value: Any) -> bool:
    if isinstance(value, VariableNode):
        return True
    if isinstance(value, ListValueNode):
        return any(_has_variable(v) for v in value.values)
    if isinstance(value, ObjectValueNode):
        return any(_has_variable(f.value) for f in value.fields)
    return False


class ListArguments:
    """`first`, `after`, `filter` and `orderBy` of a list field, read and checked once per run, or
    once for good when they are literals."""

    def __init__(self, model: type[Table], ref: FieldRef) -> None:
        self.model, self.ref = model, ref
        self._fixed: tuple[Order, Any, PageArgs, bool] | None = None

    def read(self, run: Run) -> _State:
        fixed = self._fixed
        if fixed is None:
            args = run.arguments(self.ref)
            order, where, page = _list_request(
                self.model, args["first"], args.get("after"), args.get("filter"), args.get("order_by")
            )
            fixed = (order, where, page, args.get("after") is not None)
            if self.ref.literal:
                self._fixed = fixed
        order, where, page, after = fixed
        return _State(order=order, where=where, page=page, after=after)


class Run:
    """One execution of a plan: the request's reader and variables."""

    def __init__(self, planner: Planner, reader: Reader, variable_values: Any, hide_suggestions: bool) -> None:
        self.planner, self.reader, self.dialect = planner, reader, reader.dialect
        self.variable_values, self.hide_suggestions = variable_values, hide_suggestions

        self.states: dict[int, Any] = {}

    async def rows(self, statement: sql.Statement) -> list[Any]:
        return await self.reader.records(statement)

    async def many(self, statements: list[sql.Statement]) -> list[list[Any]]:
        """The rows of several statements; on PostgreSQL in one round trip."""
        if not statements:
            return []
        return await self.reader.records_many(statements)

    def prepare(self, element: Any) -> None:
        """Read the arguments of every field of the plan before any statement runs: a bad one
        refuses the request before it costs the database anything."""
        self.states[id(element)] = element.prepare(self)
        for part in element.parts():
            self.prepare(part)

    def state(self, element: Any) -> Any:
        return self.states[id(element)]

    def coerced(self, ref: FieldRef) -> dict[str, Any]:
        """The field's arguments as graphql-core coerced them (GraphQL names, input objects as dicts)."""
        return get_argument_values(ref.definition, ref.node, self.variable_values, None, self.hide_suggestions)

    def arguments(self, ref: FieldRef) -> dict[str, Any]:
        """The field's arguments as its resolver would get them (python names, input objects built)."""
        raw = get_argument_values(ref.definition, ref.node, self.variable_values, None, self.hide_suggestions)
        return convert_arguments(
            raw, ref.strawberry_field.arguments, scalar_registry=self.planner.scalar_registry, config=self.planner.config
        )


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


def global_id_of(type_name: str) -> Callable[[int], str]:
    """`schema.node.global_id` for one type, with its prefix made once."""
    prefix = f"{type_name}:"
    encode = binascii.b2a_base64

    def make(pk: int) -> str:
        return encode((prefix + str(pk)).encode(), newline=False).decode()

    return make


class Selection:
    """Fields asked of the rows of one table at one place of the document."""

    def __init__(self, type_name: str, model: type[Table], columns: Columns) -> None:
        self.type_name, self.model, self.columns = type_name, model, columns
        self.entries: list[tuple[Any, ...]] = []
        self.children: list[Child] = []
        self._build: Callable[[list[Any], list[dict[int, Any]]], list[dict[str, Any]]] | None = None

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
        return _State()

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


@dataclass
class _State:
    counts: dict[int, dict[int, int]] = field(default_factory=dict)
    order: Order | None = None
    where: Any = None
    page: PageArgs | None = None
    after: bool = False


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

    def prepare(self, run: Run) -> _State:
        return self.arguments.read(run)

    def counts_wanted(self, state: _State) -> list[tuple[Relation, Any]]:
        return [(self.relation, state.where)] if self.shape.needs_count else []

    def parts(self) -> list[Selection]:
        return self.shape.selections

    def reads(self, run: Run, rows: Sequence[Any], pks: list[int], state: _State) -> list[sql.Statement]:
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
        self, run: Run, rows: Sequence[Any], pks: list[int], state: _State, found: list[list[Any]]
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
        answers = await _connection_answers(
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

    def prepare(self, run: Run) -> _State:
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
        (answer,) = await _connection_answers(
            run, shape, trimmed, state, 0, counts={0: count}, aggregates=lambda _pk: aggregate
        )
        return answer


def _with_order(shape: ConnectionShape, order: Order) -> tuple[str, ...]:
    """The columns of a page statement: the selections', then the order's when cursors are asked."""
    columns = shape.columns.frozen()
    if shape.needs_cursors:
        columns += tuple(t.column for t in order.terms if t.column not in columns)
    return columns


async def _connection_answers(
    run: Run,
    shape: ConnectionShape,
    pages: list[tuple[int, list[Any], bool]],
    state: _State,
    link_start: int,
    counts: dict[int, int],
    aggregates: Callable[[int], dict[str, Any]],
) -> list[dict[str, Any]]:
    """The connection object of each parent, from its page of rows."""
    every_row = [row for _pk, page, _more in pages for row in page]
    built = [await selection.resolve(run, every_row) for selection in shape.selections]
    order = state.order
    answers = []
    offset = 0
    for pk, page, has_next in pages:
        size = len(page)
        cursors = [row_cursor(order, row) for row in page] if shape.needs_cursors else None
        answer: dict[str, Any] = {}
        for entry in shape.entries:
            kind, key = entry[0], entry[1]
            if kind == "count":
                answer[key] = counts.get(pk, 0)
            elif kind == "nodes":
                answer[key] = built[entry[2]][offset : offset + size]
            elif kind == "edges":
                answer[key] = _edges(entry[2], page, cursors, built, offset, link_start, shape.link_fields)
            elif kind == "pageInfo":
                answer[key] = _page_info(entry[2], has_next, state.after, cursors)
            elif kind == "aggregate":
                answer[key] = _aggregate(entry[2], entry[3], aggregates(pk))
            else:  # const
                answer[key] = entry[2]
        answers.append(answer)
        offset += size
    return answers


def _edges(
    entries: list[tuple[Any, ...]],
    page: list[Any],
    cursors: list[str] | None,
    built: list[list[dict[str, Any]]],
    offset: int,
    link_start: int,
    link_fields: tuple[str, ...],
) -> list[dict[str, Any]]:
    edges = []
    for i, row in enumerate(page):
        edge: dict[str, Any] = {}
        for entry in entries:
            kind, key = entry[0], entry[1]
            if kind == "cursor":
                edge[key] = cursors[i]  # type: ignore[index]
            elif kind == "node":
                edge[key] = built[entry[2]][offset + i]
            elif kind == "link":
                value = row[link_start + link_fields.index(entry[2])]
                edge[key] = value if value is None or entry[3] is None else entry[3](value)
            else:
                edge[key] = entry[2]
        edges.append(edge)
    return edges


def _page_info(entries: list[tuple[Any, ...]], has_next: bool, after: bool, cursors: list[str] | None) -> dict[str, Any]:
    info: dict[str, Any] = {}
    for kind, key, *rest in entries:
        if kind == "hasNextPage":
            info[key] = has_next
        elif kind == "hasPreviousPage":
            info[key] = after
        elif kind == "startCursor":
            info[key] = cursors[0] if cursors else None
        elif kind == "endCursor":
            info[key] = cursors[-1] if cursors else None
        else:
            info[key] = rest[0]
    return info


def _aggregate(aggregate: Any, entries: list[tuple[Any, ...]], values: dict[str, Any]) -> dict[str, Any]:
    figures = aggregate.figures(values)
    answer: dict[str, Any] = {}
    for entry in entries:
        kind, key = entry[0], entry[1]
        if kind == "count":
            answer[key] = figures["count"]
        elif kind == "part":
            answer[key] = {
                k: (entry[3] if c is None else _decimal(figures[entry[2]][c])) for k, c in entry[4]
            }
        else:
            answer[key] = entry[2]
    return answer


def _decimal(value: Decimal | None) -> str | None:
    return None if value is None else str(value)


class ChildListChild(Child):
    """Every line of the parent documents, in position order."""

    def __init__(self, relation: Relation, selection: Selection) -> None:
        self.relation, self.selection = relation, selection

    def parts(self) -> list[Selection]:
        return [self.selection]

    def reads(self, run: Run, rows: Sequence[Any], pks: list[int], state: _State) -> list[sql.Statement]:
        return [sql.child_rows(self.relation, pks, run.dialect, self.selection.columns.frozen())]

    async def complete(
        self, run: Run, rows: Sequence[Any], pks: list[int], state: _State, found: list[list[Any]]
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

    def reads(self, run: Run, rows: Sequence[Any], pks: list[int], state: _State) -> list[sql.Statement]:
        return [sql.child_rows(self.relation, pks, run.dialect, self.COLUMNS)]

    async def complete(
        self, run: Run, rows: Sequence[Any], pks: list[int], state: _State, found: list[list[Any]]
    ) -> dict[int, Any]:
        grouped: dict[int, list[tuple[Any, Any, Any]]] = {pk: [] for pk in pks}
        for row in found[0]:  # the tax as its name (Reader.records keeps enums as stored)
            grouped[row[4]].append((None if row[1] is None else Tax(row[1]), row[2], row[3]))
        return {pk: [self._entry(g) for g in tax_breakdown(lines)] for pk, lines in grouped.items()}

    def _entry(self, group: Any) -> dict[str, Any]:
        values = {"tax": group.tax.value, "rate": str(group.rate), "base": str(group.base),
                  "amount": _decimal(group.amount), "__typename": "TaxBreakdownEntry"}
        return {key: values[name] for key, name in self.entries}


class BackLinkChild(Child):
    """A foreign key of the parent rows as the row it points at (`account`, `vendor`, ...)."""

    def __init__(self, column_at: int, target: type[Table], selection: Selection) -> None:
        self.column_at, self.target, self.selection = column_at, target, selection

    def parts(self) -> list[Selection]:
        return [self.selection]

    def reads(self, run: Run, rows: Sequence[Any], pks: list[int], state: _State) -> list[sql.Statement]:
        wanted = sorted({row[self.column_at] for row in rows} - {None})
        return [sql.rows_by_id(self.target, wanted, run.dialect, self.selection.columns.frozen())] if wanted else []

    async def complete(
        self, run: Run, rows: Sequence[Any], pks: list[int], state: _State, found: list[list[Any]]
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

    def counts_wanted(self, state: _State) -> list[tuple[Relation, Any]]:
        return [(tab, None) for tab in self.tabs] if self.wants_count else []

    async def complete(
        self, run: Run, rows: Sequence[Any], pks: list[int], state: _State, found: list[list[Any]]
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


class NodeRoot:
    """`account(id:)`, `contact(id:)`, `node(id:)` and `nodes(ids:)`: rows by global id."""

    def __init__(self, ref: FieldRef, expected: type[Table] | None, many: bool, selections: dict[str, Selection]) -> None:
        self.ref, self.expected, self.many, self.selections = ref, expected, many, selections

    def _key(self, global_id: str) -> tuple[type[Table], int] | None:
        if self.expected is not None:
            pk = pk_of(global_id, self.expected)
            if pk is None:
                raise UserInputError(f"invalid id {global_id[:64]!r}: not an id of a {self.expected.type_name()}")
            return self.expected, pk
        type_name, pk = parse_global_id(global_id)
        model = NODE_MODELS.get(type_name)
        return None if model is None else (model, pk)

    def prepare(self, run: Run) -> list[tuple[type[Table], int] | None]:
        args = run.coerced(self.ref)  # IDs: strings as graphql-core coerced them, nothing to build
        ids = args["ids"] if self.many else [args["id"]]
        if self.many and len(ids) > MAX_NODE_IDS:
            raise UserInputError(f"nodes takes at most {MAX_NODE_IDS} ids, got {len(ids)}")
        return [self._key(i) for i in ids]

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
    fields: list[tuple[str, Any]]

    async def run(self, run: Run) -> dict[str, Any]:
        for _key, root in self.fields:
            run.prepare(root)
        return {key: await root.resolve(run) for key, root in self.fields}


def _unwrap(gtype: Any) -> Any:
    while isinstance(gtype, GraphQLNonNull):
        gtype = gtype.of_type
    return gtype


def _converter(gtype: Any) -> Callable[[Any], Any] | None:
    """How a leaf value of this GraphQL type becomes JSON; None when it is JSON as it comes."""
    gtype = _unwrap(gtype)
    if isinstance(gtype, GraphQLList):
        inner = _converter(gtype.of_type)
        return None if inner is None else (lambda values: [None if v is None else inner(v) for v in values])
    return CONVERTERS.get(gtype.name)


class Planner:
    """Builds plans against one Strawberry schema."""

    def __init__(self, strawberry_schema: Any) -> None:
        self.strawberry_schema = strawberry_schema
        self.scalar_registry = strawberry_schema.schema_converter.scalar_registry
        self.config = strawberry_schema.config

    def plan(self, executor: Any, root_fields: dict[str, list[FieldDetails]]) -> RootPlan:
        """The plan of an operation's root fields (already collected by the executor)."""
        self.executor = executor
        schema: GraphQLSchema = executor.schema
        query_type = schema.query_type
        assert query_type is not None
        fields = []
        for key, details in root_fields.items():
            name = details[0].node.name.value
            if name == "__typename":
                fields.append((key, Const(query_type.name)))
                continue
            if name.startswith("__"):
                raise Unsupported(name)
            definition = query_type.fields[name]
            fields.append((key, self._root(name, definition, details)))
        return RootPlan(fields)

    def _sub(self, gtype: GraphQLObjectType, details: list[FieldDetails]) -> dict[str, list[FieldDetails]]:
        e = self.executor
        collected = collect_subfields(
            e.schema, e.fragments, e.variable_values, e.operation, gtype, details, e.hide_suggestions
        )
        return collected.grouped_field_set

    def _root(self, name: str, definition: Any, details: list[FieldDetails]) -> Any:
        ref = FieldRef.of(definition, details)
        if name in ("account", "contact"):
            model = NODE_MODELS[name.capitalize()]
            gtype = _unwrap(definition.type)
            return NodeRoot(ref, model, False, {gtype.name: self.selection(gtype, details)})
        if name in ("node", "nodes"):
            return NodeRoot(ref, None, name == "nodes", self._every_node(details))
        gtype = get_named_type(definition.type)
        node_name = gtype.name.removesuffix("Connection")
        if gtype.name.endswith("Connection") and node_name in NODE_MODELS:
            return RootListChild(NODE_MODELS[node_name], ref, self._connection(gtype, details, None))
        raise Unsupported(name)

    def _every_node(self, details: list[FieldDetails]) -> dict[str, Selection]:
        schema = self.executor.schema
        return {name: self.selection(schema.get_type(name), details) for name in NODE_MODELS}

    def selection(self, gtype: GraphQLObjectType, details: list[FieldDetails], columns: Columns | None = None) -> Selection:
        model = NODE_MODELS.get(gtype.name)
        if model is None:
            raise Unsupported(gtype.name)
        table = model.__table__
        selection = Selection(gtype.name, model, columns or Columns())
        for key, sub in self._sub(gtype, details).items():
            name = sub[0].node.name.value
            if name == "__typename":
                selection.entries.append(("const", key, gtype.name))
                continue
            definition = gtype.fields[name]
            python_name = definition.extensions[BACKREF].python_name
            if python_name == "id":
                selection.entries.append(("id", key))
            elif python_name in table.c and not table.c[python_name].foreign_keys:
                column = selection.columns.index(python_name)
                selection.entries.append(("column", key, column, _converter(definition.type)))
            elif f"{python_name}_id" in table.c and table.c[f"{python_name}_id"].foreign_keys:
                column_name = f"{python_name}_id"
                target = referenced_model(table.c[column_name])
                target_type = _unwrap(definition.type)
                child = BackLinkChild(selection.columns.index(column_name), target, self.selection(target_type, sub))
                selection.add_child(key, child)
            elif (model, name) in RELATION_BY_FIELD:
                relation = RELATION_BY_FIELD[(model, name)]
                if relation.paged:
                    shape = self._connection(get_named_type(definition.type), sub, relation)
                    selection.add_child(key, ConnectionChild(relation, FieldRef.of(definition, sub), shape))
                else:
                    line_type = get_named_type(definition.type)
                    selection.add_child(key, ChildListChild(relation, self.selection(line_type, sub)))
            elif python_name == "tabs" and model in TABS:
                entries = self._plain(get_named_type(definition.type), sub)
                selection.add_child(key, TabsChild(model, entries, any(n == "count" for _k, n in entries)))
            elif python_name == "tax_breakdown" and model in LINES:
                entries = self._plain(get_named_type(definition.type), sub)
                selection.add_child(key, TaxBreakdownChild(LINES[model], entries))
            else:
                raise Unsupported(f"{gtype.name}.{name}")
        selection.finish()
        return selection

    def _plain(self, gtype: GraphQLObjectType, details: list[FieldDetails]) -> list[tuple[str, str]]:
        """(response key, field name) of an object of plain values (a Tab, a tax entry)."""
        return [(key, sub[0].node.name.value) for key, sub in self._sub(gtype, details).items()]

    def _connection(self, gtype: GraphQLObjectType, details: list[FieldDetails], relation: Relation | None) -> ConnectionShape:
        maker = CONNECTIONS.get(gtype.name.removesuffix("Connection"))
        if maker is None:
            raise Unsupported(gtype.name)
        shape = ConnectionShape(gtype.name, link_fields=maker.link_fields)
        for key, sub in self._sub(gtype, details).items():
            name = sub[0].node.name.value
            if name == "__typename":
                shape.entries.append(("const", key, gtype.name))
            elif name == "totalCount":
                shape.needs_count = True
                shape.entries.append(("count", key))
            elif name == "nodes":
                shape.needs_rows = True
                node_type = get_named_type(gtype.fields[name].type)
                shape.selections.append(self.selection(node_type, sub, shape.columns))
                shape.entries.append(("nodes", key, len(shape.selections) - 1))
            elif name == "edges":
                shape.needs_rows = True
                shape.entries.append(("edges", key, self._edge(get_named_type(gtype.fields[name].type), sub, shape)))
            elif name == "pageInfo":
                shape.needs_rows = True
                entries = []
                for info_key, info in self._sub(get_named_type(gtype.fields[name].type), sub).items():
                    info_name = info[0].node.name.value
                    shape.needs_cursors |= info_name in ("startCursor", "endCursor")
                    entries.append((info_name, info_key, "PageInfo") if info_name == "__typename" else (info_name, info_key))
                shape.entries.append(("pageInfo", key, entries))
            elif name == "aggregate":
                shape.needs_aggregate = True
                shape.entries.append(("aggregate", key, maker.aggregate, self._aggregate(gtype.fields[name].type, sub)))
            else:
                raise Unsupported(f"{gtype.name}.{name}")
        return shape

    def _edge(self, gtype: GraphQLObjectType, details: list[FieldDetails], shape: ConnectionShape) -> list[tuple[Any, ...]]:
        entries: list[tuple[Any, ...]] = []
        for key, sub in self._sub(gtype, details).items():
            name = sub[0].node.name.value
            if name == "__typename":
                entries.append(("const", key, gtype.name))
            elif name == "cursor":
                shape.needs_cursors = True
                entries.append(("cursor", key))
            elif name == "node":
                shape.selections.append(self.selection(get_named_type(gtype.fields[name].type), sub, shape.columns))
                entries.append(("node", key, len(shape.selections) - 1))
            else:
                definition = gtype.fields[name]
                python_name = definition.extensions[BACKREF].python_name
                if python_name not in shape.link_fields:
                    raise Unsupported(f"{gtype.name}.{name}")
                entries.append(("link", key, python_name, _converter(definition.type)))
        return entries

    def _aggregate(self, atype: Any, details: list[FieldDetails]) -> list[tuple[Any, ...]]:
        gtype = get_named_type(atype)
        entries: list[tuple[Any, ...]] = []
        for key, sub in self._sub(gtype, details).items():
            name = sub[0].node.name.value
            if name == "__typename":
                entries.append(("const", key, gtype.name))
            elif name == "count":
                entries.append(("count", key))
            else:
                values_type = get_named_type(gtype.fields[name].type)
                columns = []
                for value_key, value in self._sub(values_type, sub).items():
                    value_name = value[0].node.name.value
                    python_name = None if value_name == "__typename" else values_type.fields[value_name].extensions[BACKREF].python_name
                    columns.append((value_key, python_name))
                entries.append(("part", key, name, values_type.name, columns))
        return entries
