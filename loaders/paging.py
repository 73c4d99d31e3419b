"""Orders and the keyset conditions that page through them.

A page starts after the order values of a row (id last), so paging is stable while rows are
inserted. How those values travel to the client and back, the opaque cursor, is the API's
business: `schema/cursor.py`.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from sqlalchemy.sql.elements import ColumnElement

MAX_PAGE = 100


@dataclass(frozen=True)
class OrderTerm:
    column: str
    descending: bool = False


@dataclass(frozen=True)
class Order:
    """A total order: the given terms, then the id (in the direction of the first term)."""

    terms: tuple[OrderTerm, ...]

    def __hash__(self) -> int:
        """The terms' hash, made once: statement caches key on the order for every statement sent."""
        known = self.__dict__.get("_hash")
        if known is None:
            known = self.__dict__["_hash"] = hash(self.terms)
        return known

    @classmethod
    def parse(cls, spec: tuple[str, ...]) -> Order:
        """`("-date", "name")` -> date descending, name ascending, then id descending (the id
        follows the first term's direction unless it is named; after the id nothing counts)."""
        terms: list[OrderTerm] = []
        for name in spec:
            term = OrderTerm(name.lstrip("-"), name.startswith("-"))
            if term.column == "id":
                return cls((*terms, term))
            if term.column not in {t.column for t in terms}:
                terms.append(term)
        terms.append(OrderTerm("id", terms[0].descending if terms else False))
        return cls(tuple(terms))

    @functools.cached_property
    def signature(self) -> str:
        return ",".join(f"{t.column}:{'desc' if t.descending else 'asc'}" for t in self.terms)

    @functools.cached_property
    def columns(self) -> tuple[str, ...]:
        return tuple(t.column for t in self.terms)

    def clauses(self, table: sa.Table) -> list[ColumnElement[Any]]:
        """ORDER BY clauses; NULLs sort last in both directions, on SQLite and PostgreSQL alike."""
        out: list[ColumnElement[Any]] = []
        for term in self.terms:
            column = table.c[term.column]
            clause = column.desc() if term.descending else column.asc()
            out.append(clause.nulls_last() if column.nullable else clause)
        return out

    def after(self, table: sa.Table, values: list[Any]) -> ColumnElement[bool]:
        """Rows strictly after the row with these order values: a lexicographic keyset condition."""
        alternatives = []
        for i, term in enumerate(self.terms):
            column = table.c[term.column]
            strictly = _strictly_after(column, term.descending, values[i])
            if strictly is None:
                continue
            ties = [_equal(table.c[t.column], values[j]) for j, t in enumerate(self.terms[:i])]
            alternatives.append(sa.and_(*ties, strictly))
        return sa.or_(*alternatives) if alternatives else sa.false()


def _strictly_after(column: sa.Column[Any], descending: bool, value: Any) -> ColumnElement[bool] | None:
    if value is None:  # NULLs come last: nothing sorts after a NULL but other NULLs (ties)
        return None
    beyond = column < value if descending else column > value
    return sa.or_(beyond, column.is_(None)) if column.nullable else beyond


def _equal(column: sa.Column[Any], value: Any) -> ColumnElement[bool]:
    return column.is_(None) if value is None else column == value


@dataclass(frozen=True)
class PageArgs:
    """`first` and the order values of the row to start after (a decoded `after` cursor)."""

    first: int
    after: tuple[Any, ...] | None = None
