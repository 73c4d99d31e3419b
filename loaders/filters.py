"""Filters as data, compiled to SQL conditions: values are always bound, never spliced into SQL.

A filter spec is a tree of small frozen dataclasses, hashable, so it can key a loader and a cached
statement. `schema/filters.py` builds one from a filter argument; `condition` turns it into SQL:

    All((spec, ...))                    every one holds (AND; none: true)
    AnyOf((spec, ...))                  any one holds (OR; none: false)
    Not(spec)                           it does not hold
    Compare(column, Op.EQ, value)       one operator on one column (`in` takes a tuple of values)
    Some(relation_key, spec)            the row has at least one related row (a tab) that matches
    Ref(column, table, spec)            the row's foreign key points at a row of `table` that matches
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from enum import StrEnum
from typing import Any, TypeAlias

import sqlalchemy as sa
from sqlalchemy.sql.elements import ColumnElement, Grouping

from models import MODEL_BY_TABLE, RELATIONS, Relation


class Op(StrEnum):
    """A comparison of a column filter; its value is the operator's name in the API."""

    EQ = "eq"
    NE = "ne"
    IN = "in"
    GT = "gt"
    GTE = "gte"
    LT = "lt"
    LTE = "lte"
    CONTAINS = "contains"
    STARTS_WITH = "startsWith"
    IS_NULL = "isNull"


@dataclass(frozen=True, slots=True)
class All:
    specs: tuple[Spec, ...]


@dataclass(frozen=True, slots=True)
class AnyOf:
    specs: tuple[Spec, ...]


@dataclass(frozen=True, slots=True)
class Not:
    spec: Spec


@dataclass(frozen=True, slots=True)
class Compare:
    column: str
    op: Op
    value: Any  #: bound as a parameter; a tuple for `in`, a bool for `isNull`


@dataclass(frozen=True, slots=True)
class Some:
    relation: str  #: `Relation.key`, e.g. "Account.contacts"
    spec: Spec


@dataclass(frozen=True, slots=True)
class Ref:
    column: str  #: the foreign key column
    table: str  #: the table it points at
    spec: Spec


Spec: TypeAlias = All | AnyOf | Not | Compare | Some | Ref
#: The filter that keeps every row.
EVERYTHING = All(())


def parts(spec: Spec) -> Iterator[Spec | Any]:
    """The parts one level down: nested specs, and the values of an `in`."""
    match spec:
        case All(specs) | AnyOf(specs):
            yield from specs
        case Not(inner) | Some(_, inner) | Ref(_, _, inner):
            yield inner
        case Compare(_, Op.IN, values):
            yield from values


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
    folded: ColumnElement[str] = getattr(sa.func, SQLITE_FOLD)(column)
    return folded


def _like(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def fold_like(text: str) -> str:
    """Folded text, safe inside a LIKE pattern (escape character: backslash)."""
    return _like(fold_text(text))


def condition(table: sa.Table, spec: Spec, dialect: str) -> ColumnElement[bool]:
    """The SQL condition on `table` that a filter spec means."""
    match spec:
        case All(specs):
            return _balanced(sa.and_, [condition(table, s, dialect) for s in specs]) if specs else sa.true()
        case AnyOf(specs):
            return _balanced(sa.or_, [condition(table, s, dialect) for s in specs]) if specs else sa.false()
        case Not(inner):  # null-safe: a row whose value is NULL is "not equal" too, as with `ne`
            return sa.not_(sa.func.coalesce(condition(table, inner, dialect), sa.false()))
        case Compare(column, op, value):
            return _compare(table.c[column], op, value, dialect)
        case Some(relation, inner):
            return _some(table, _RELATIONS[relation], inner, dialect)
        case Ref(column, target, inner):
            return _ref(table.c[column], MODEL_BY_TABLE[target].__table__, inner, dialect)
    raise TypeError(f"not a filter spec: {spec!r}")


#: Terms joined in one flat run; longer lists become a tree of parenthesized runs.
_RUN = 8


class _Group(Grouping[bool]):
    """Parentheses SQLAlchemy keeps: it would flatten a plain Grouping into an enclosing list of the
    same operator (a Grouping passes its `operator` through)."""

    inherit_cache = True
    operator = None


def _balanced(join: Callable[..., ColumnElement[bool]], terms: list[ColumnElement[bool]]) -> ColumnElement[bool]:
    """`a AND b AND ...` as a balanced tree of parenthesized groups. SQLite parses a flat run as a
    chain as deep as it is long and refuses an expression 1,000 deep; a tree is log(n) deep."""
    if len(terms) <= _RUN:
        return join(*terms)
    middle = len(terms) // 2
    return join(_Group(_balanced(join, terms[:middle])), _Group(_balanced(join, terms[middle:])))


def _compare(column: sa.Column[Any], op: Op, value: Any, dialect: str) -> ColumnElement[bool]:
    operand: object = value  # compared with an Any, a column would give an Any, not a condition
    match op:
        case Op.IS_NULL:
            return column.is_(None) if value else column.is_not(None)
        case Op.EQ:
            return column == operand
        case Op.NE:  # a NULL is "not equal" too
            return sa.or_(column != operand, column.is_(None)) if column.nullable else column != operand
        case Op.IN:
            return column.in_(list(value))
        case Op.GT:
            return column > operand
        case Op.GTE:
            return column >= operand
        case Op.LT:
            return column < operand
        case Op.LTE:
            return column <= operand
        case Op.CONTAINS:
            return fold(column, dialect).like(f"%{fold_like(value)}%", escape="\\")
        case Op.STARTS_WITH:
            return fold(column, dialect).like(f"{fold_like(value)}%", escape="\\")
    raise ValueError(f"unknown operator {op!r}")


def _some(table: sa.Table, relation: Relation, spec: Spec, dialect: str) -> ColumnElement[bool]:
    target = relation.target.__table__
    if relation.link is None:
        assert relation.fk is not None  # a relation joins by exactly one of fk and link
        related = sa.select(sa.literal(1)).select_from(target).where(target.c[relation.fk] == table.c.id)
    else:
        link = relation.link.__table__
        related = (
            sa.select(sa.literal(1))
            .select_from(target.join(link, link.c[relation.link_target] == target.c.id))
            .where(link.c[relation.link_parent] == table.c.id)
        )
    return related.where(condition(target, spec, dialect)).exists()


def _ref(column: sa.Column[Any], target: sa.Table, spec: Spec, dialect: str) -> ColumnElement[bool]:
    if isinstance(spec, Compare) and spec.column == "id":
        return _compare(column, spec.op, spec.value, dialect)  # by id (or none): the foreign key itself
    return column.in_(sa.select(target.c.id).where(condition(target, spec, dialect)))


def combine(*specs: Spec | None) -> Spec | None:
    """Both filters (either may be None)."""
    present = tuple(s for s in specs if s is not None)
    if not present:
        return None
    return present[0] if len(present) == 1 else All(present)
