"""SQL builders of the loaders. Every statement takes its parents as one bound array, so its text
(and its cached compiled form) does not grow with the number of parents."""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
from sqlalchemy.sql import Select
from sqlalchemy.sql.elements import ColumnElement

from loaders.paging import Order, PageArgs
from models import Relation, Table


def ids_in(column: sa.ColumnElement[Any], ids: Sequence[int], dialect: str) -> ColumnElement[bool]:
    """`column IN ids` with all ids in a single parameter (PostgreSQL array / SQLite JSON array)."""
    if dialect == "postgresql":
        return column == sa.any_(sa.bindparam(None, list(ids), type_=sa.ARRAY(sa.Integer)))
    values = sa.func.json_each(sa.bindparam(None, json.dumps(list(ids)), type_=sa.String)).table_valued("value")
    return column.in_(sa.select(values.c.value))


def relation_source(relation: Relation) -> tuple[sa.FromClause, sa.ColumnElement[Any], list[sa.ColumnElement[Any]]]:
    """What to select from, the column that names the parent, and the link attributes to carry."""
    target = relation.target.__table__
    if relation.link is None:
        return target, target.c[relation.fk], []
    link = relation.link.__table__
    joined = target.join(link, link.c[relation.link_target] == target.c.id)
    extras = [link.c[name].label(f"link_{name}") for name in relation.link_fields]
    return joined, link.c[relation.link_parent], extras


def related_page(relation: Relation, parent_ids: Sequence[int], order: Order, page: PageArgs, dialect: str) -> Select:
    """One page (first + 1 rows, the extra one answers hasNextPage) per parent, in one statement."""
    target = relation.target.__table__
    source, parent, extras = relation_source(relation)
    number = sa.func.row_number().over(partition_by=parent, order_by=order.clauses(target)).label("rel_rank")
    inner = sa.select(*target.c, parent.label("rel_parent"), *extras, number).select_from(source)
    inner = inner.where(ids_in(parent, parent_ids, dialect))
    if page.after is not None:
        inner = inner.where(order.after(target, list(page.after)))
    ranked = inner.subquery("ranked")
    return sa.select(ranked).where(ranked.c.rel_rank <= page.first + 1).order_by(ranked.c.rel_parent, ranked.c.rel_rank)


def related_counts(relation: Relation, parent_ids: Sequence[int], dialect: str, index: int = 0) -> Select:
    """Rows per parent: (index, parent, count), grouped by parent."""
    source, parent, _ = relation_source(relation)
    return (
        sa.select(sa.literal(index, sa.Integer).label("rel_index"), parent.label("rel_parent"), sa.func.count().label("n"))
        .select_from(source)
        .where(ids_in(parent, parent_ids, dialect))
        .group_by(parent)
    )


def tab_counts(relations: Sequence[Relation], parent_ids: Sequence[int], dialect: str) -> sa.CompoundSelect:
    """The count of every tab for every parent, in one statement (a UNION ALL of grouped counts)."""
    return sa.union_all(*(related_counts(r, parent_ids, dialect, i) for i, r in enumerate(relations)))


def child_rows(relation: Relation, parent_ids: Sequence[int], dialect: str) -> Select:
    """Every child row (document lines) of the parents, in their order."""
    target = relation.target.__table__
    parent = target.c[relation.fk]
    order = Order.parse(relation.target.default_order)
    return sa.select(target).where(ids_in(parent, parent_ids, dialect)).order_by(parent, *order.clauses(target))


def rows_by_id(model: type[Table], ids: Sequence[int], dialect: str) -> Select:
    table = model.__table__
    return sa.select(table).where(ids_in(table.c.id, ids, dialect))


def table_page(model: type[Table], order: Order, page: PageArgs) -> Select:
    """A page of a whole table (root lists)."""
    table = model.__table__
    statement = sa.select(table)
    if page.after is not None:
        statement = statement.where(order.after(table, list(page.after)))
    return statement.order_by(*order.clauses(table)).limit(page.first + 1)


def table_count(model: type[Table]) -> Select:
    return sa.select(sa.func.count()).select_from(model.__table__)
