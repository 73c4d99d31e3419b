"""Orders, opaque keyset cursors and the SQL conditions that page through them.

A cursor holds the order it was made for and the order values of its row (id last), so paging
is stable while rows are inserted, and a cursor cannot be replayed against a different order.
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import enum
import json
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

import sqlalchemy as sa
from sqlalchemy.sql.elements import ColumnElement

from loaders.errors import UserInputError

MAX_PAGE = 100


@dataclass(frozen=True)
class OrderTerm:
    column: str
    descending: bool = False


@dataclass(frozen=True)
class Order:
    """A total order: the given terms, then the id (in the direction of the first term)."""

    terms: tuple[OrderTerm, ...]

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

    @property
    def signature(self) -> str:
        return ",".join(f"{t.column}:{'desc' if t.descending else 'asc'}" for t in self.terms)

    def clauses(self, table: sa.Table) -> list[ColumnElement[Any]]:
        """ORDER BY clauses; NULLs sort last in both directions, on SQLite and PostgreSQL alike."""
        out = []
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


def _strictly_after(column: sa.Column, descending: bool, value: Any) -> ColumnElement[bool] | None:
    if value is None:  # NULLs come last: nothing sorts after a NULL but other NULLs (ties)
        return None
    beyond = column < value if descending else column > value
    return sa.or_(beyond, column.is_(None)) if column.nullable else beyond


def _equal(column: sa.Column, value: Any) -> ColumnElement[bool]:
    return column.is_(None) if value is None else column == value


@dataclass(frozen=True)
class PageArgs:
    """`first` and the decoded `after` of one connection field."""

    first: int
    after: tuple[Any, ...] | None = None

    @classmethod
    def parse(cls, first: int, after: str | None, order: Order, table: sa.Table) -> PageArgs:
        if not 1 <= first <= MAX_PAGE:
            raise UserInputError(f"first must be between 1 and {MAX_PAGE}, got {first}")
        return cls(first, None if after is None else decode_cursor(after, order, table))


def row_cursor(order: Order, row: Any) -> str:
    values = [_jsonable(getattr(row, term.column)) for term in order.terms]
    raw = json.dumps([order.signature, values], separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(cursor: str, order: Order, table: sa.Table) -> tuple[Any, ...]:
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        signature, values = json.loads(raw)
    except (binascii.Error, ValueError, TypeError, UnicodeDecodeError, RecursionError):
        raise UserInputError("invalid cursor: it was not made by this API") from None
    if signature != order.signature:
        raise UserInputError(
            f"invalid cursor: it was made for the order {signature!r}, this list is ordered by {order.signature!r}"
        )
    if not isinstance(values, list) or len(values) != len(order.terms):
        raise UserInputError("invalid cursor: it was not made by this API")
    try:
        return tuple(_from_json(table.c[t.column], v) for t, v in zip(order.terms, values, strict=True))
    except (ValueError, TypeError, InvalidOperation, KeyError):
        raise UserInputError("invalid cursor: it was not made by this API") from None


def _jsonable(value: Any) -> Any:
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, enum.Enum):
        return value.value
    return value


def _from_json(column: sa.Column, value: Any) -> Any:
    if value is None:
        if not column.nullable:
            raise ValueError("null for a NOT NULL column")
        return None
    column_type = column.type
    if isinstance(column_type, sa.Enum) and column_type.enum_class is not None:
        return column_type.enum_class(value)
    python_type = column_type.python_type
    if python_type is dt.datetime:
        parsed = dt.datetime.fromisoformat(value)
        if parsed.tzinfo is None:
            raise ValueError("naive datetime")
        return parsed
    if python_type is dt.date:
        return dt.date.fromisoformat(value)
    if python_type is Decimal:
        number = Decimal(value)
        limit = Decimal(10) ** ((column_type.precision or 18) - (column_type.scale or 0))
        if not number.is_finite() or abs(number) >= limit:
            raise ValueError("amount out of range")
        return number
    if python_type is bool:
        if not isinstance(value, bool):
            raise TypeError("not a bool")
        return value
    if python_type is int:
        if not isinstance(value, int) or isinstance(value, bool) or not -(2**31) <= value < 2**31:
            raise TypeError("not an INTEGER")
        return value
    if not isinstance(value, str) or "\x00" in value:
        raise TypeError("not a string of text")
    return value
