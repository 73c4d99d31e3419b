"""Plans of read-only queries: the planner.

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

The parts of a plan: `roots.py` (the plan and its root fields), `selection.py` (a level of rows),
`children.py` and `connections.py` (the fields that read more rows), `connection_answers.py`,
`arguments.py` and `values.py`; `run.py` is one run of a plan.
"""

from __future__ import annotations

from typing import Any

from graphql import GraphQLObjectType, GraphQLSchema, get_named_type
from graphql.execution.collect_fields import FieldDetails, collect_subfields

from models import NODE_MODELS, RELATIONS, TABS, Relation, Table, referenced_model
from models.relations import LINES
from schema.compiled.arguments import BACKREF, FieldRef
from schema.compiled.children import BackLinkChild, ChildListChild, TabsChild, TaxBreakdownChild
from schema.compiled.connections import ConnectionChild, ConnectionShape, RootListChild
from schema.compiled.roots import Const, NodeRoot, RootPlan
from schema.compiled.selection import Columns, Selection
from schema.compiled.values import json_converter, unwrap_non_null
from schema.types import CONNECTIONS

RELATION_BY_FIELD: dict[tuple[type[Table], str], Relation] = {(r.parent, r.field): r for r in RELATIONS}


class Unsupported(Exception):
    """A part of a document this executor does not plan (introspection, mutations, a field it does
    not know): the stock executor runs the whole operation."""


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
            gtype = unwrap_non_null(definition.type)
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
                selection.entries.append(("column", key, column, json_converter(definition.type)))
            elif f"{python_name}_id" in table.c and table.c[f"{python_name}_id"].foreign_keys:
                column_name = f"{python_name}_id"
                target = referenced_model(table.c[column_name])
                target_type = unwrap_non_null(definition.type)
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
                entries.append(("link", key, python_name, json_converter(definition.type)))
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
