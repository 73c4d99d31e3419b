"""GraphQL node types, generated from the SQLModel tables and the relation registry.

For every table: its columns become fields (descriptions from the model), each foreign key
becomes a batched back-link (`account_id` -> `account`), and each registry entry whose parent
is the table becomes a connection field (or a list field for document lines). Account and
Contact also get `tabs`. Nothing here is written per table.
"""

# No `from __future__ import annotations`: the generated resolvers carry real type objects.
import types
import typing
from decimal import Decimal
from typing import Any, Optional

import strawberry
from strawberry.scalars import JSON

import schema.enums  # noqa: F401 - registers the enums first
from models import NODE_MODELS, RELATIONS, TABS, Relation, Table, referenced_model
from models.enums import Tax
from resolvers.totals import tax_breakdown
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


@strawberry.type(description="A tab of the account or contact screen, for drawing the tab bar with badges.")
class Tab:
    field: str = strawberry.field(description="Name of the connection field that holds the tab's rows.")
    label: str = strawberry.field(description="Label of the tab as the product shows it (Spanish).")
    description: str = strawberry.field(description="What the tab holds, from the product documentation (Spanish).")
    count: int = strawberry.field(
        description="Number of rows in the tab. Every tab of every parent is counted in one statement."
    )


def _selects(selections: list[Any], name: str) -> bool:
    """Whether a selection set asks for `name`, directly or through a fragment."""
    for selection in selections:
        if getattr(selection, "name", None) == name or _selects(getattr(selection, "selections", None) or [], name):
            return True
    return False


def _tabs_field(parent: type[Table]) -> Any:
    tabs = TABS[parent]

    async def resolve(root: Any, info: strawberry.Info) -> list[Tab]:
        # One load per parent, not per tab, and none when no badge is asked for.
        counts: dict[str, int] = {}
        if _selects(info.selected_fields, "count"):
            counts = await info.context.loaders.tab_counts(parent).load(root.pk)
        return [Tab(field=r.field, label=r.label, description=r.summary, count=counts.get(r.field, 0)) for r in tabs]

    return strawberry.field(resolver=resolve, description="The tabs of this screen in product order, with counts.")


@strawberry.type(description="Taxes of a document grouped as CFDI 4.0 traslados: one entry per tax of its lines.")
class TaxBreakdownEntry:
    tax: Tax = strawberry.field(description="The tax.")
    rate: Decimal = strawberry.field(description="Its rate, e.g. 0.1600.")
    base: Decimal = strawberry.field(description="Σ net of the lines with this tax.")
    amount: Optional[Decimal] = strawberry.field(description="Σ tax of those lines; null for EXENTO (a base, no tax).")


def _tax_breakdown_field(lines: Relation) -> Any:
    async def resolve(root: Any, info: strawberry.Info) -> list[TaxBreakdownEntry]:
        rows = await info.context.loaders.children(lines).load(root.pk)  # the same batch as `lines`
        groups = tax_breakdown((row.tax, row.net, row.tax_amount) for row in rows)
        return [TaxBreakdownEntry(tax=g.tax, rate=g.rate, base=g.base, amount=g.amount) for g in groups]

    return strawberry.field(resolver=resolve, description="Taxes grouped per tax, as the CFDI lists its traslados.")


def _back_link(column: str, target_cls: type, target_model: type[Table], description: str, required: bool) -> Any:
    async def resolve(root: Any, info: strawberry.Info) -> Optional[target_cls]:  # type: ignore[valid-type]
        key = getattr(root, column)
        if key is None:
            return None
        row = await info.context.loaders.by_id(target_model).load(key)
        return None if row is None else to_node(target_cls, row)

    if required:  # a NOT NULL foreign key always finds its row
        resolve.__annotations__["return"] = target_cls
    return strawberry.field(resolver=resolve, description=description)


def _build() -> tuple[dict[str, type], dict[str, ConnectionType]]:
    # Empty classes first, so fields can refer to any type (Account <-> Contact) before decoration.
    shells = {name: type(name, (Node,), {"graphql_name": name}) for name in NODE_MODELS}
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
                annotations[field_name] = strawberry.Private[Optional[int]]
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
                if not relation.paged:  # document lines
                    cls.tax_breakdown = _tax_breakdown_field(relation)
        if model in TABS:
            cls.tabs = _tabs_field(model)
        cls.__annotations__ = annotations
        strawberry.type(cls, name=name, description=model.label)
    for name, cls in shells.items():
        if name not in connections:
            connections[name] = ConnectionType(name, cls, {}, aggregate_type(name, NODE_MODELS[name]))
    return shells, connections


NODE_TYPES, CONNECTIONS = _build()
