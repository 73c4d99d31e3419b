"""GraphQL node types, generated from the SQLModel tables and the relation registry.

For every table: its columns become fields (descriptions from the model), each foreign key
becomes a batched back-link (`account_id` -> `account`), and each registry entry whose parent
is the table becomes a connection field (or a list field for document lines). Account and
Contact also get `tabs`. Nothing here is written per table.
"""

# No `from __future__ import annotations`: the generated resolvers carry real type objects.
import enum
import types
import typing
from collections.abc import Iterable
from decimal import Decimal
from typing import Any, Optional

import strawberry
from strawberry.scalars import JSON

import schema.enums  # noqa: F401 - registers the enums first
from models import NODE_MODELS, RELATIONS, TABS, Relation, Table, referenced_model
from models.enums import Tax
from models.relations import DETAILS_LABEL, LINES
from models.totals import tax_breakdown
from schema.aggregates import aggregate_type
from schema.connection import ConnectionType, child_list_field, relation_field
from schema.node import Node, to_node


def graphql_annotation(annotation: Any) -> Any:
    """The GraphQL-facing form of a model annotation: JSON for dicts, the rest as is."""
    origin = typing.get_origin(annotation)
    if annotation is dict or origin is dict:
        return JSON
    if origin in (typing.Union, types.UnionType):
        return Optional[graphql_annotation(next(a for a in typing.get_args(annotation) if a is not type(None)))]
    return annotation


@strawberry.enum(description="What a tab of the account or contact screen shows.")
class TabKind(enum.Enum):
    DETAILS = strawberry.enum_value("DETAILS", description="The record's own fields (Detalles): no connection field, no count.")
    RELATED = strawberry.enum_value("RELATED", description="A related list: a connection field of the record, counted in the badge.")


@strawberry.type(description="A tab of the account or contact screen: the bar is drawn from these alone, in order.")
class Tab:
    kind: TabKind = strawberry.field(description="Detalles (the record's own fields) or a related list.")
    field: Optional[str] = strawberry.field(
        description="Name of the connection field that holds the tab's rows; null for Detalles."
    )
    label: str = strawberry.field(description="Label of the tab as the product shows it (Spanish).")
    description: Optional[str] = strawberry.field(
        description="Subtitle of the tab in the product documentation (Spanish); null for Detalles, which has none."
    )
    count: Optional[int] = strawberry.field(
        description="Number of rows in the tab (its badge); null for Detalles. Every tab of every parent is counted in "
        "one statement."
    )


def tab_entries(parent: type[Table]) -> list[dict[str, Any]]:
    """The screen's tab bar as plain values (count aside): Detalles first, then the registry's tabs."""
    details = {"kind": TabKind.DETAILS, "field": None, "label": DETAILS_LABEL, "description": None}
    return [details, *({"kind": TabKind.RELATED, "field": r.field, "label": r.label, "description": r.summary} for r in TABS[parent])]


def _selects(selections: list[Any], name: str) -> bool:
    """Whether a selection set asks for `name`, directly or through a fragment."""
    for selection in selections:
        if getattr(selection, "name", None) == name or _selects(getattr(selection, "selections", None) or [], name):
            return True
    return False


def _tabs_field(parent: type[Table]) -> Any:
    entries = tab_entries(parent)

    async def resolve(root: Any, info: strawberry.Info) -> list[Tab]:
        # One load per parent, not per tab, and none when no badge is asked for.
        counts: dict[str, int] = {}
        if _selects(info.selected_fields, "count"):
            counts = await info.context.loaders.tab_counts(parent).load(root.pk)
        return [Tab(**entry, count=None if entry["field"] is None else counts.get(entry["field"], 0)) for entry in entries]

    return strawberry.field(
        resolver=resolve, description="The tabs of this screen in product order: Detalles first, then each related list with its count."
    )


@strawberry.type(description="Taxes of a document grouped as CFDI 4.0 traslados: one entry per tax of its lines.")
class TaxBreakdownEntry:
    tax: Tax = strawberry.field(description="The tax.")
    rate: Decimal = strawberry.field(description="Its rate, e.g. 0.1600.")
    base: Decimal = strawberry.field(description="Σ net of the lines with this tax.")
    amount: Optional[Decimal] = strawberry.field(description="Σ tax of those lines; null for EXENTO (a base, no tax).")


def tax_breakdown_entries(lines: Iterable[Any]) -> list[TaxBreakdownEntry]:
    """The traslados of a document's lines (rows read, or lines not written yet)."""
    groups = tax_breakdown((line.tax, line.net, line.tax_amount) for line in lines)
    return [TaxBreakdownEntry(tax=g.tax, rate=g.rate, base=g.base, amount=g.amount) for g in groups]


def _tax_breakdown_field(lines: Relation) -> Any:
    async def resolve(root: Any, info: strawberry.Info) -> list[TaxBreakdownEntry]:
        # The same batch as `lines`.
        return tax_breakdown_entries(await info.context.loaders.children(lines).load(root.pk))

    return strawberry.field(resolver=resolve, description="Taxes grouped per tax, as the CFDI lists its traslados.")


def _back_link(column: str, target_cls: type, target_model: type[Table], description: Optional[str], required: bool) -> Any:
    async def resolve(root: Any, info: strawberry.Info) -> Optional[target_cls]:  # type: ignore[valid-type]
        key = getattr(root, column)
        if key is None:
            return None
        row = await info.context.loaders.by_id(target_model).load(key)
        return None if row is None else to_node(target_cls, row)

    if required:  # a NOT NULL foreign key always finds its row
        resolve.__annotations__["return"] = target_cls
    return strawberry.field(resolver=resolve, description=description)


#: The annotation of a foreign key column: kept on the node, not a GraphQL field.
_FOREIGN_KEY = strawberry.Private[Optional[int]]


def _build() -> tuple[dict[str, type[Any]], dict[str, ConnectionType]]:
    # Empty classes first, so fields can refer to any type (Account <-> Contact) before decoration.
    shells: dict[str, type[Any]] = {name: type(name, (Node,), {"graphql_name": name}) for name in NODE_MODELS}
    by_model = {model: shells[name] for name, model in NODE_MODELS.items()}
    connections: dict[str, ConnectionType] = {}

    def connection_for(relation: Any) -> ConnectionType:
        node_cls = by_model[relation.target]
        if not relation.link_fields:
            name = node_cls.graphql_name
            link_fields = {}
        else:
            name = relation.link.__name__
            model_fields = relation.link.model_fields
            link_fields = {
                f: (graphql_annotation(model_fields[f].annotation), model_fields[f].description)
                for f in relation.link_fields
            }
        if name not in connections:
            connections[name] = ConnectionType(name, node_cls, link_fields, aggregate_type(node_cls.graphql_name, relation.target))
        return connections[name]

    for name, model in NODE_MODELS.items():
        cls = shells[name]
        annotations: dict[str, Any] = {"pk": strawberry.Private[int]}
        for field_name, info in model.model_fields.items():
            if field_name == "id":
                continue
            column = model.__table__.c[field_name]
            if column.foreign_keys:
                annotations[field_name] = _FOREIGN_KEY
                target_model = referenced_model(column)
                link = _back_link(field_name, by_model[target_model], target_model, info.description, not column.nullable)
                setattr(cls, field_name.removesuffix("_id"), link)
            else:
                annotations[field_name] = graphql_annotation(info.annotation)
                setattr(cls, field_name, strawberry.field(description=info.description))
        for relation in RELATIONS:
            if relation.parent is model:
                field = (
                    relation_field(relation, connection_for(relation))
                    if relation.paged
                    else child_list_field(relation, by_model[relation.target])
                )
                setattr(cls, relation.field, field)
        if model in LINES:
            cls.tax_breakdown = _tax_breakdown_field(LINES[model])
        if model in TABS:
            cls.tabs = _tabs_field(model)
        cls.__annotations__ = annotations
        strawberry.type(cls, name=name, description=model.label)
    for name, cls in shells.items():
        if name not in connections:
            connections[name] = ConnectionType(name, cls, {}, aggregate_type(name, NODE_MODELS[name]))
    return shells, connections


NODE_TYPES, CONNECTIONS = _build()
