"""SQL of the loaders. A statement is built once per shape (relation, order, dialect, cursor form)
and reused with new values: the parents always travel as one bound array, so neither the SQL text
nor the Python work to build it grows with the number of parents."""

from __future__ import annotations

import functools
import json
from collections.abc import Callable, Sequence
from functools import lru_cache
from typing import Any

import sqlalchemy as sa
from sqlalchemy.sql.elements import ColumnElement
from sqlalchemy.sql.selectable import ExecutableReturnsRows

from loaders.filters import Spec, condition, fold, fold_like, parts
from loaders.paging import Order, PageArgs
from models import Account, Contact, Relation, Table, Vendor
from models.exact import exact_sum

#: A SELECT (or UNION ALL of them) and the values of its parameters.
Statement = tuple[ExecutableReturnsRows, dict[str, Any]]


#: A filter of more parts than this gets its statement built afresh: these caches key on the
#: filter's values, so a stream of distinct large filters (up to schema.filters.MAX_FILTER_SIZE
#: parts each) would otherwise pin gigabytes per worker. (SQLAlchemy's compiled cache keys on the
#: shape only and is bounded by the engine's query_cache_size, 500 entries.)
CACHED_FILTER_PARTS = 64


def _few_parts(*wheres: Spec | None) -> bool:
    """Whether filter specs have at most CACHED_FILTER_PARTS parts in all (it stops counting there)."""
    pending: list[Any] = list(wheres)
    seen = 0
    while pending:
        item = pending.pop()
        seen += 1
        if seen > CACHED_FILTER_PARTS:
            return False
        if item is not None:
            pending.extend(parts(item))
    return True


Build = Callable[..., ExecutableReturnsRows]  #: a statement builder


def _shape_cache(maxsize: int) -> Callable[[Build], Build]:
    """lru_cache for statement builders whose last argument is the filter, unless the filter is large."""

    def decorate(build: Build) -> Build:
        cached = lru_cache(maxsize=maxsize)(build)

        @functools.wraps(build)
        def choose(*args: Any) -> ExecutableReturnsRows:
            if _few_parts(args[-1]):
                return cached(*args)
            return build(*args)

        choose.cache_info = cached.cache_info  # type: ignore[attr-defined]
        return choose

    return decorate


def ids_in(column: sa.ColumnElement[Any], dialect: str) -> ColumnElement[bool]:
    """`column IN :ids`, all ids in one parameter (a PostgreSQL array, an SQLite JSON array)."""
    if dialect == "postgresql":
        return column == sa.any_(sa.bindparam("ids", type_=sa.ARRAY(sa.Integer)))
    values = sa.func.json_each(sa.bindparam("ids", type_=sa.String)).table_valued("value")
    return column.in_(sa.select(values.c.value))


def _ids(ids: Sequence[int], dialect: str) -> Any:
    return list(ids) if dialect == "postgresql" else json.dumps(list(ids))


def _after(order: Order, table: sa.Table, after: tuple[Any, ...] | None) -> tuple[tuple[bool, ...] | None, dict[str, Any]]:
    """The cursor's shape (which values are NULL: they change the SQL) and its parameters."""
    if after is None:
        return None, {}
    return tuple(v is None for v in after), {f"after_{i}": v for i, v in enumerate(after) if v is not None}


def _after_condition(order: Order, table: sa.Table, nulls: tuple[bool, ...]) -> ColumnElement[bool]:
    values = [
        None if is_null else sa.bindparam(f"after_{i}", type_=table.c[term.column].type)
        for i, (term, is_null) in enumerate(zip(order.terms, nulls, strict=True))
    ]
    return order.after(table, values)


def relation_source(relation: Relation) -> tuple[sa.FromClause, sa.ColumnElement[Any], list[sa.ColumnElement[Any]]]:
    """What to select from, the column that names the parent, and the link attributes to carry."""
    target = relation.target.__table__
    if relation.link is None:
        assert relation.fk is not None  # a relation joins by exactly one of fk and link
        return target, target.c[relation.fk], []
    link = relation.link.__table__
    joined = target.join(link, link.c[relation.link_target] == target.c.id)
    extras: list[sa.ColumnElement[Any]] = [link.c[name].label(f"link_{name}") for name in relation.link_fields]
    return joined, link.c[relation.link_parent], extras


Columns = tuple[str, ...] | None  #: the columns a statement selects; None: every column of the table


def _selected(table: sa.Table, columns: Columns) -> list[sa.Column[Any]]:
    return list(table.c) if columns is None else [table.c[name] for name in columns]


def related_page(
    relation: Relation,
    parent_ids: Sequence[int],
    order: Order,
    page: PageArgs,
    dialect: str,
    where: Spec | None = None,
    columns: Columns = None,
) -> Statement:
    """One page (first + 1 rows, the extra one answers hasNextPage) per parent, in one statement,
    as (columns..., rel_parent, link_..., rel_rank) rows in parent order, then page order."""
    nulls, after = _after(order, relation.target.__table__, page.after)
    statement = _related_page(relation, order, nulls, dialect, columns, where)
    return statement, {"ids": _ids(parent_ids, dialect), "limit": page.first + 1, **after}


@_shape_cache(maxsize=1024)
def _related_page(
    relation: Relation, order: Order, nulls: tuple[bool, ...] | None, dialect: str, columns: Columns, where: Spec | None
) -> ExecutableReturnsRows:
    if dialect == "postgresql":
        return _lateral_page(relation, order, nulls, columns, where)
    target = relation.target.__table__
    source, parent, extras = relation_source(relation)
    number = sa.func.row_number().over(partition_by=parent, order_by=order.clauses(target)).label("rel_rank")
    inner = sa.select(*_selected(target, columns), parent.label("rel_parent"), *extras, number).select_from(source)
    inner = inner.where(ids_in(parent, dialect))
    if where is not None:
        inner = inner.where(condition(target, where, dialect))
    if nulls is not None:
        inner = inner.where(_after_condition(order, target, nulls))
    ranked = inner.subquery("ranked")
    return (
        sa.select(ranked)
        .where(ranked.c.rel_rank <= sa.bindparam("limit", type_=sa.Integer))
        .order_by(ranked.c.rel_parent, ranked.c.rel_rank)
    )


def _lateral_page(
    relation: Relation, order: Order, nulls: tuple[bool, ...] | None, columns: Columns, where: Spec | None
) -> ExecutableReturnsRows:
    """PostgreSQL: for each parent, `LATERAL (... ORDER BY ... LIMIT n)` reads just its page through
    the (parent, order) index, however many rows the parent has; numbering every row of the parent
    with a window, as SQLite does, reads them all."""
    target = relation.target.__table__
    source, parent, extras = relation_source(relation)
    parents = (
        sa.func.unnest(sa.bindparam("ids", type_=sa.ARRAY(sa.Integer)))
        .table_valued("id", with_ordinality="ord")
        .render_derived(name="parents")
    )
    clauses = order.clauses(target)
    number = sa.func.row_number().over(order_by=clauses).label("rel_rank")
    inner = sa.select(*_selected(target, columns), *extras, number).select_from(source).where(parent == parents.c.id)
    if where is not None:
        inner = inner.where(condition(target, where, "postgresql"))
    if nulls is not None:
        inner = inner.where(_after_condition(order, target, nulls))
    page = inner.order_by(*clauses).limit(sa.bindparam("limit", type_=sa.Integer)).lateral("page")
    picked = [page.c[c.name] for c in _selected(target, columns)]
    return (
        sa.select(*picked, parents.c.id.label("rel_parent"), *(page.c[e.name] for e in extras), page.c.rel_rank)
        .select_from(parents.join(page, sa.true()))
        .order_by(parents.c.ord, page.c.rel_rank)
    )


def _counts(relation: Relation, dialect: str, index: int, where: Spec | None = None) -> sa.Select[int, Any, int]:
    source, parent, _ = relation_source(relation)
    statement = (
        sa.select(sa.literal(index, sa.Integer).label("rel_index"), parent.label("rel_parent"), sa.func.count().label("n"))
        .select_from(source)
        .where(ids_in(parent, dialect))
        .group_by(parent)
    )
    return statement if where is None else statement.where(condition(relation.target.__table__, where, dialect))


def related_counts(relation: Relation, parent_ids: Sequence[int], dialect: str, where: Spec | None = None) -> Statement:
    """Rows per parent: (rel_index, rel_parent, n), grouped by parent."""
    return _related_counts(relation, dialect, where), {"ids": _ids(parent_ids, dialect)}


@_shape_cache(maxsize=256)
def _related_counts(relation: Relation, dialect: str, where: Spec | None) -> ExecutableReturnsRows:
    return _counts(relation, dialect, 0, where)


def aggregate_columns(model: type[Table]) -> list[str]:
    """Money and quantity columns: what `aggregate` sums, averages and bounds."""
    return [c.name for c in model.__table__.columns if isinstance(c.type, sa.Numeric) and not c.foreign_keys]


def _aggregates(table: sa.Table, columns: list[str]) -> list[ColumnElement[Any]]:
    out: list[ColumnElement[Any]] = [sa.func.count().label("count")]
    for name in columns:
        column = table.c[name]
        # avg is sum / count, in Decimal (SQLite averages in floats); min and max are exact as they are.
        out.append(exact_sum(column).label(f"sum_{name}"))
        for function in ("min", "max"):
            out.append(sa.type_coerce(getattr(sa.func, function)(column), column.type).label(f"{function}_{name}"))
        out.append(sa.func.count(column).label(f"present_{name}"))
    return out


def related_aggregates(relation: Relation, parent_ids: Sequence[int], dialect: str, where: Spec | None) -> Statement:
    """count, and sum/min/max/avg of every amount, per parent: one statement for every parent."""
    return _related_aggregates(relation, dialect, where), {"ids": _ids(parent_ids, dialect)}


@_shape_cache(maxsize=256)
def _related_aggregates(relation: Relation, dialect: str, where: Spec | None) -> ExecutableReturnsRows:
    target = relation.target.__table__
    source, parent, _ = relation_source(relation)
    statement = (
        sa.select(parent.label("rel_parent"), *_aggregates(target, aggregate_columns(relation.target)))
        .select_from(source)
        .where(ids_in(parent, dialect))
        .group_by(parent)
    )
    return statement if where is None else statement.where(condition(target, where, dialect))


def table_aggregates(model: type[Table], dialect: str, where: Spec | None) -> Statement:
    table = model.__table__
    statement = sa.select(*_aggregates(table, aggregate_columns(model))).select_from(table)
    return (statement if where is None else statement.where(condition(table, where, dialect))), {}


def tab_counts(relations: tuple[Relation, ...], parent_ids: Sequence[int], dialect: str) -> Statement:
    """The count of every tab for every parent, in one statement (a UNION ALL of grouped counts)."""
    return _tab_counts(relations, dialect), {"ids": _ids(parent_ids, dialect)}


@lru_cache(maxsize=8)
def _tab_counts(relations: tuple[Relation, ...], dialect: str) -> ExecutableReturnsRows:
    return sa.union_all(*(_counts(r, dialect, i) for i, r in enumerate(relations)))


def folded_counts(
    counted: tuple[tuple[Relation, Spec | None], ...], parent_ids: Sequence[int], dialect: str
) -> Statement:
    """Several counts of the same parents in one statement: (rel_index, rel_parent, n) rows, where
    rel_index is the position of the (relation, filter) pair in `counted`."""
    if _few_parts(*(where for _, where in counted)):
        return _folded_counts(counted, dialect), {"ids": _ids(parent_ids, dialect)}
    return _folded_counts.__wrapped__(counted, dialect), {"ids": _ids(parent_ids, dialect)}


@lru_cache(maxsize=256)
def _folded_counts(counted: tuple[tuple[Relation, Spec | None], ...], dialect: str) -> ExecutableReturnsRows:
    selects = [_counts(relation, dialect, i, where) for i, (relation, where) in enumerate(counted)]
    return selects[0] if len(selects) == 1 else sa.union_all(*selects)


def child_rows(relation: Relation, parent_ids: Sequence[int], dialect: str, columns: Columns = None) -> Statement:
    """Every child row (document lines) of the parents, in their order; the parent column is always selected."""
    return _child_rows(relation, dialect, columns), {"ids": _ids(parent_ids, dialect)}


@lru_cache(maxsize=256)
def _child_rows(relation: Relation, dialect: str, columns: Columns) -> ExecutableReturnsRows:
    target = relation.target.__table__
    assert relation.fk is not None  # child lists join by a foreign key
    parent = target.c[relation.fk]
    order = Order.parse(relation.target.default_order)
    picked = _selected(target, columns)
    if parent not in picked:
        picked.append(parent)
    return sa.select(*picked).where(ids_in(parent, dialect)).order_by(parent, *order.clauses(target))


def rows_by_id(model: type[Table], ids: Sequence[int], dialect: str, columns: Columns = None) -> Statement:
    return _rows_by_id(model, dialect, columns), {"ids": _ids(ids, dialect)}


@lru_cache(maxsize=512)
def _rows_by_id(model: type[Table], dialect: str, columns: Columns) -> ExecutableReturnsRows:
    table = model.__table__
    return sa.select(*_selected(table, columns)).where(ids_in(table.c.id, dialect))


def table_page(
    model: type[Table], order: Order, page: PageArgs, dialect: str, where: Spec | None = None, columns: Columns = None
) -> Statement:
    """A page of a whole table (root lists)."""
    nulls, after = _after(order, model.__table__, page.after)
    return _table_page(model, order, nulls, dialect, columns, where), {"limit": page.first + 1, **after}


@_shape_cache(maxsize=256)
def _table_page(
    model: type[Table], order: Order, nulls: tuple[bool, ...] | None, dialect: str, columns: Columns, where: Spec | None
) -> ExecutableReturnsRows:
    table = model.__table__
    statement = sa.select(*_selected(table, columns))
    if where is not None:
        statement = statement.where(condition(table, where, dialect))
    if nulls is not None:
        statement = statement.where(_after_condition(order, table, nulls))
    return statement.order_by(*order.clauses(table)).limit(sa.bindparam("limit", type_=sa.Integer))


def table_count(model: type[Table], dialect: str, where: Spec | None = None) -> Statement:
    return _table_count(model, dialect, where), {}


@_shape_cache(maxsize=256)
def _table_count(model: type[Table], dialect: str, where: Spec | None) -> ExecutableReturnsRows:
    statement = sa.select(sa.func.count()).select_from(model.__table__)
    return statement if where is None else statement.where(condition(model.__table__, where, dialect))


def _searched_columns(model: type[Table]) -> list[ColumnElement[str]]:
    """What `search` looks through: names (a contact's first and last together), RFC, email."""
    c = model.__table__.c
    if model is Account:
        return [c.name, c.trade_name, c.rfc, c.email]
    if model is Vendor:
        return [c.name, c.rfc, c.email]
    if model is Contact:
        return [c.first_name + " " + c.last_name, c.last_name, c.email]
    raise ValueError(f"{model.__name__} is not searched")


def search(model: type[Table], text: str, first: int, dialect: str) -> Statement:
    """The first rows of `model` (accounts, contacts or vendors) whose searched columns contain the text,
    ignoring case and accents, in the model's own order."""
    table = model.__table__
    pattern = f"%{fold_like(text)}%"
    matches = sa.or_(*(fold(column, dialect).like(pattern, escape="\\") for column in _searched_columns(model)))
    order = Order.parse(model.default_order)
    return sa.select(table).where(matches).order_by(*order.clauses(table)).limit(first), {}
