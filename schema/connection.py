"""Relay connections: the types (one per node type, or per link table when the edge carries link
attributes) and the connection fields, all derived from the relation registry."""

# No `from __future__ import annotations`: the generated resolvers carry real type objects.
from collections.abc import Awaitable, Callable
from typing import Annotated, Any, Optional

import strawberry
from sqlalchemy import Row

from loaders.paging import MAX_PAGE, Order
from loaders.related import Page
from models import Relation, Table
from schema.aggregates import AggregateType
from schema.cursor import page_args, row_cursor
from schema.filters import FILTERS, ORDERS, filter_spec, order_of
from schema.node import to_nodes

FIRST = Annotated[int, strawberry.argument(description=f"Page size, 1..{MAX_PAGE}.")]
AFTER = Annotated[
    Optional[str], strawberry.argument(description="Cursor of the row to start after (`pageInfo.endCursor`).")
]


@strawberry.type(description="Where a page sits in its list.")
class PageInfo:
    has_next_page: bool = strawberry.field(description="Whether rows follow this page.")
    has_previous_page: bool = strawberry.field(
        description="Whether rows precede this page (true when the page was asked for with `after`)."
    )
    start_cursor: Optional[str] = strawberry.field(description="Cursor of the first row of the page.")
    end_cursor: Optional[str] = strawberry.field(description="Cursor of the last row; pass it as `after`.")


#: `strawberry.Private`, applied below to build classes at run time (mypy reads it as a type only).
_PRIVATE: Any = strawberry.Private


def _new(cls: Any, **values: Any) -> Any:
    obj = cls.__new__(cls)
    obj.__dict__.update(values)
    return obj


class ConnectionType:
    """A generated connection type with its edge type, and how to build one from a Page."""

    def __init__(
        self, name: str, node_cls: Any, link_fields: dict[str, tuple[Any, str]], aggregate: Optional[AggregateType]
    ) -> None:
        self.node_cls = node_cls
        self.link_fields = tuple(link_fields)
        self.aggregate = aggregate
        edge_annotations: dict[str, Any] = {"cursor": str, "node": node_cls}
        edge_namespace: dict[str, Any] = {
            "cursor": strawberry.field(description="Cursor of this row, for `after`."),
            "node": strawberry.field(description="The row."),
        }
        for field_name, (annotation, description) in link_fields.items():
            edge_annotations[field_name] = annotation
            edge_namespace[field_name] = strawberry.field(description=description)
        edge_namespace["__annotations__"] = edge_annotations
        self.edge_cls = strawberry.type(
            type(f"{name}Edge", (), edge_namespace), description=f"One {node_cls.graphql_name} of a list, with its cursor."
        )
        edge_cls = self.edge_cls

        def edges(root: Any) -> list[edge_cls]:  # type: ignore[valid-type]
            return _edge_list(root)

        async def total_count(root: Any) -> int:
            return await root.count()

        def page_info(root: Any) -> PageInfo:
            return _page_info(root)

        namespace: dict[str, Any] = {
            "__annotations__": {
                "aggregates": _PRIVATE[Callable[[], Awaitable[dict[str, Any]]]],
                "nodes": list[node_cls],
                "rows": _PRIVATE[list[Any]],
                "order": _PRIVATE[Order],
                "count": _PRIVATE[Callable[[], Awaitable[int]]],
                "maker": _PRIVATE[Any],
                "has_next": _PRIVATE[bool],
                "after": _PRIVATE[bool],
            },
            "page_info": strawberry.field(resolver=page_info, description="Where this page sits in the list."),
            "nodes": strawberry.field(description="The rows of this page (edges without cursors)."),
            "edges": strawberry.field(resolver=edges, description="The rows of this page with their cursors."),
            "total_count": strawberry.field(
                resolver=total_count, description="Number of rows in the whole list (one more statement when asked)."
            ),
        }
        if aggregate is not None:
            aggregate_cls = aggregate.cls

            async def aggregate_field(root: Any) -> aggregate_cls:  # type: ignore[valid-type]
                return aggregate.build(await root.aggregates())

            namespace["aggregate"] = strawberry.field(
                resolver=aggregate_field,
                description="Count, sum, min, max and avg over every row that passes the filter (one more statement).",
            )
        self.cls = strawberry.type(
            type(f"{name}Connection", (), namespace), description=f"A page of {node_cls.graphql_name} rows."
        )

    def build(
        self,
        page: Page,
        order: Order,
        after: bool,
        count: Callable[[], Awaitable[int]],
        aggregates: Callable[[], Awaitable[dict]],
    ) -> Any:
        return _new(
            self.cls,
            nodes=to_nodes(self.node_cls, page.rows),
            rows=page.rows,
            has_next=page.has_next,
            order=order,
            count=count,
            aggregates=aggregates,
            maker=self,
            after=after,
        )


def _page_info(connection: Any) -> PageInfo:
    """Built only when a query selects pageInfo: the cursors cost an encoding each."""
    rows, order = connection.rows, connection.order
    return _new(
        PageInfo,
        has_next_page=connection.has_next,
        has_previous_page=connection.after,
        start_cursor=row_cursor(order, rows[0]) if rows else None,
        end_cursor=row_cursor(order, rows[-1]) if rows else None,
    )


def _edge_list(connection: Any) -> list[Any]:
    """Edges are built only when a query selects them: cursors cost an encoding per row."""
    maker: ConnectionType = connection.maker
    order = connection.order
    edges = []
    for row, node in zip(connection.rows, connection.nodes, strict=True):
        edge = _new(maker.edge_cls, cursor=row_cursor(order, row), node=node)
        for name in maker.link_fields:
            edge.__dict__[name] = getattr(row, f"link_{name}")
        edges.append(edge)
    return edges


def _list_arguments(model: type[Table]) -> tuple[Any, Any]:
    filter_type, order_type = FILTERS[model], ORDERS[model]  # built at run time: mypy cannot follow them
    filter_arg = Annotated[
        Optional[filter_type],  # type: ignore[valid-type]
        strawberry.argument(description="Only the rows that match (fields combine with AND)."),
    ]
    order_arg = Annotated[
        Optional[list[order_type]],  # type: ignore[valid-type]
        strawberry.argument(description="Sort keys, first one first; the id breaks ties. The default order when omitted."),
    ]
    return filter_arg, order_arg


def _list_request(model: type[Table], first: int, after: Optional[str], where: Any, order_by: Any) -> tuple:
    """(order, filter spec, page) of a list field's arguments; a clear error for any bad one."""
    order = order_of(model, order_by)
    return order, filter_spec(where), page_args(first, after, order, model.__table__)


def relation_field(relation: Relation, connection: ConnectionType) -> Any:
    """`field(first, after, filter, orderBy): XConnection!` on the parent type, batched across parents."""
    filter_arg, order_arg = _list_arguments(relation.target)

    async def resolve(
        root: Any,
        info: strawberry.Info,
        first: FIRST = 20,
        after: AFTER = None,
        filter: filter_arg = None,  # type: ignore[valid-type]  # noqa: A002 - the GraphQL argument's name
        order_by: order_arg = None,  # type: ignore[valid-type]
    ) -> connection.cls:  # type: ignore[name-defined]
        order, where, page_args = _list_request(relation.target, first, after, filter, order_by)
        loaders = info.context.loaders
        page = await loaders.related_page(relation, order, page_args, where).load(root.pk)
        return connection.build(
            page,
            order,
            after is not None,
            count=lambda: loaders.related_count(relation, where).load(root.pk),
            aggregates=lambda: loaders.related_aggregate(relation, where).load(root.pk),
        )

    return strawberry.field(resolver=resolve, description=f"{relation.label}: {relation.description}" if relation.label else relation.description)


def child_list_field(relation: Relation, node_cls: type) -> Any:
    """`lines: [XLine!]!`: every child row, batched across parents."""

    async def resolve(root: Any, info: strawberry.Info) -> list[node_cls]:  # type: ignore[valid-type]
        rows: list[Row[Any]] = await info.context.loaders.children(relation).load(root.pk)
        return to_nodes(node_cls, rows)

    return strawberry.field(resolver=resolve, description=relation.description)


def root_connection_field(model: type[Table], connection: ConnectionType, description: str) -> Any:
    """A whole-table list at the root, e.g. `invoices(first, after, filter, orderBy)`."""
    filter_arg, order_arg = _list_arguments(model)

    async def resolve(
        info: strawberry.Info,
        first: FIRST = 20,
        after: AFTER = None,
        filter: filter_arg = None,  # type: ignore[valid-type]  # noqa: A002 - the GraphQL argument's name
        order_by: order_arg = None,  # type: ignore[valid-type]
    ) -> connection.cls:  # type: ignore[name-defined]
        order, where, page_args = _list_request(model, first, after, filter, order_by)
        loaders = info.context.loaders
        page = await loaders.table_page(model, order, page_args, where)
        return connection.build(
            page,
            order,
            after is not None,
            count=lambda: loaders.table_count(model, where),
            aggregates=lambda: loaders.table_aggregate(model, where),
        )

    return strawberry.field(resolver=resolve, description=description)
