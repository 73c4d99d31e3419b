"""Filters as data, compiled to SQL conditions: values are always bound, never spliced into SQL.

A filter spec is a hashable tuple tree, so it can key a loader and a cached statement:

    ("and", (spec, ...))          every one holds
    ("or", (spec, ...))           any one holds
    ("not", spec)                 it does not hold
    ("cmp", column, op, value)    eq ne in gt gte lt lte contains startsWith isNull
    ("some", relation_key, spec)  the row has at least one related row (a tab) that matches
    ("ref", column, table, spec)  the row's foreign key points at a row of `table` that matches
"""

from __future__ import annotations

import unicodedata
from typing import Any

import sqlalchemy as sa
from sqlalchemy.sql.elements import ColumnElement, Grouping

from models import MODEL_BY_TABLE, RELATIONS

Spec = tuple[Any, ...]
_RELATIONS = {relation.key: relation for relation in RELATIONS}

#: What `fold` maps on PostgreSQL (Spanish and the other common Latin accents), without extensions.
_ACCENTED = "ÁÀÂÄÃÅÉÈÊËÍÌÎÏÓÒÔÖÕÚÙÛÜÑÇÝáàâäãåéèêëíìîïóòôöõúùûüñçýÿ"
_PLAIN = "AAAAAAEEEEIIIIOOOOOUUUUNCYaaaaaaeeeeiiiiooooouuuuncyy"
SQLITE_FOLD = "crmgraph_fold"


def fold_text(value: str) -> str:
    """Case- and accent-free text: "Pérez" and "PEREZ" both give "perez"."""
    decomposed = unicodedata.normalize("NFKD", value)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).lower()


def sqlite_fold(value: str | None) -> str | None:
    """`fold_text` as the SQLite function crmgraph_fold (registered on every connection)."""
    return None if value is None else fold_text(value)


def fold(column: ColumnElement[Any], dialect: str) -> ColumnElement[str]:
    if dialect == "postgresql":
        return sa.func.lower(sa.func.translate(column, _ACCENTED, _PLAIN))
    return getattr(sa.func, SQLITE_FOLD)(column)


def _like(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def fold_like(text: str) -> str:
    """Folded text, safe inside a LIKE pattern (escape character: backslash)."""
    return _like(fold_text(text))


def condition(table: sa.Table, spec: Spec, dialect: str) -> ColumnElement[bool]:
    """The SQL condition on `table` that a filter spec means."""
    kind = spec[0]
    if kind == "and":
        return _balanced(sa.and_, [condition(table, s, dialect) for s in spec[1]]) if spec[1] else sa.true()
    if kind == "or":
        return _balanced(sa.or_, [condition(table, s, dialect) for s in spec[1]]) if spec[1] else sa.false()
    if kind == "not":  # null-safe: a row whose value is NULL is "not equal" too, as with `ne`
        return sa.not_(sa.func.coalesce(condition(table, spec[1], dialect), sa.false()))
    if kind == "cmp":
        return _compare(table.c[spec[1]], spec[2], spec[3], dialect)
    if kind == "some":
        return _some(table, _RELATIONS[spec[1]], spec[2], dialect)
    if kind == "ref":
        return _ref(table.c[spec[1]], MODEL_BY_TABLE[spec[2]].__table__, spec[3], dialect)
    raise ValueError(f"unknown filter {kind!r}")


#: Terms joined in one flat run; longer lists become a tree of parenthesized runs.
_RUN = 8


class _Group(Grouping):
    """Parentheses SQLAlchemy keeps: it would flatten a plain Grouping into an enclosing list of the
    same operator (a Grouping passes its `operator` through)."""

    inherit_cache = True
    operator = None


def _balanced(join: Any, terms: list[ColumnElement[bool]]) -> ColumnElement[bool]:
    """`a AND b AND ...` as a balanced tree of parenthesized groups. SQLite parses a flat run as a
    chain as deep as it is long and refuses an expression 1,000 deep; a tree is log(n) deep."""
    if len(terms) <= _RUN:
        return join(*terms)
    middle = len(terms) // 2
    return join(_Group(_balanced(join, terms[:middle])), _Group(_balanced(join, terms[middle:])))


def _compare(column: sa.Column, op: str, value: Any, dialect: str) -> ColumnElement[bool]:
    if op == "isNull":
        return column.is_(None) if value else column.is_not(None)
    if op == "eq":
        return column == value
    if op == "ne":  # a NULL is "not equal" too
        return sa.or_(column != value, column.is_(None)) if column.nullable else column != value
    if op == "in":
        return column.in_(list(value))
    if op in ("gt", "gte", "lt", "lte"):
        return {"gt": column > value, "gte": column >= value, "lt": column < value, "lte": column <= value}[op]
    if op == "contains":
        return fold(column, dialect).like(f"%{fold_like(value)}%", escape="\\")
    if op == "startsWith":
        return fold(column, dialect).like(f"{fold_like(value)}%", escape="\\")
    raise ValueError(f"unknown operator {op!r}")


def _some(table: sa.Table, relation: Any, spec: Spec, dialect: str) -> ColumnElement[bool]:
    target = relation.target.__table__
    if relation.link is None:
        related = sa.select(sa.literal(1)).select_from(target).where(target.c[relation.fk] == table.c.id)
    else:
        link = relation.link.__table__
        related = (
            sa.select(sa.literal(1))
            .select_from(target.join(link, link.c[relation.link_target] == target.c.id))
            .where(link.c[relation.link_parent] == table.c.id)
        )
    return related.where(condition(target, spec, dialect)).exists()


def _ref(column: sa.Column, target: sa.Table, spec: Spec, dialect: str) -> ColumnElement[bool]:
    if spec[0] == "cmp" and spec[1] == "id":
        return _compare(column, spec[2], spec[3], dialect)  # by id (or none): the foreign key itself
    return column.in_(sa.select(target.c.id).where(condition(target, spec, dialect)))


def combine(*specs: Spec | None) -> Spec | None:
    """Both filters (either may be None)."""
    present = tuple(s for s in specs if s is not None)
    if not present:
        return None
    return present[0] if len(present) == 1 else ("and", present)
