"""The API's opaque cursors: a row's place in an order, written for the client and read back.

A cursor is base64url of the JSON `[order signature, [order values]]`: it holds the order it was
made for, so it cannot be replayed against a different one, and it is checked value by value
against the column it names before it reaches SQL (`loaders/paging.py` pages after the values).
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import json
import re
from decimal import Decimal
from typing import Any

import orjson
import sqlalchemy as sa

from loaders.errors import UserInputError
from loaders.paging import MAX_PAGE, Order, PageArgs


def check_first(first: int) -> None:
    """A page holds 1 to MAX_PAGE rows."""
    if not 1 <= first <= MAX_PAGE:
        raise UserInputError(f"first must be between 1 and {MAX_PAGE}, got {first}")


def page_args(first: int, after: str | None, order: Order, table: sa.Table) -> PageArgs:
    """`first` and `after` of a connection field, checked and decoded."""
    check_first(first)
    return PageArgs(first, None if after is None else decode_cursor(after, order, table))


def row_cursor(order: Order, row: Any) -> str:
    """The cursor of a row: base64url of the JSON `[order signature, [order values]]`. orjson writes
    dates and instants as `isoformat()` does, and enums as their values; amounts go through `str`."""
    raw = orjson.dumps([order.signature, [getattr(row, column) for column in order.columns]], default=str)
    return binascii.b2a_base64(raw, newline=False).translate(_URLSAFE).decode().rstrip("=")


_URLSAFE = bytes.maketrans(b"+/", b"-_")


def decode_cursor(cursor: str, order: Order, table: sa.Table) -> tuple[Any, ...]:
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        signature, values = json.loads(raw)
    except (binascii.Error, ValueError, TypeError, UnicodeDecodeError, RecursionError):
        raise UserInputError("invalid cursor: it was not made by this API") from None
    if not isinstance(signature, str) or not _is_text(signature) or not isinstance(values, list):
        raise UserInputError("invalid cursor: it was not made by this API")
    if signature != order.signature:
        shown = _api_names(signature if len(signature) <= 200 else f"{signature[:200]}...")
        raise UserInputError(
            f"invalid cursor: it was made for the order {shown!r}, this list is ordered by {_api_names(order.signature)!r}"
        )
    if len(values) != len(order.terms):
        raise UserInputError("invalid cursor: it was not made by this API")
    try:
        return tuple(
            _from_json(table.c[t.column], _as_written(table.c[t.column], v)) for t, v in zip(order.terms, values, strict=True)
        )
    # ArithmeticError: an instant beyond the calendar in UTC (OverflowError), an amount beyond any
    # Decimal context (decimal.Overflow, InvalidOperation).
    except (ValueError, TypeError, ArithmeticError, KeyError):
        raise UserInputError("invalid cursor: it was not made by this API") from None


def _api_names(signature: str) -> str:
    """An order signature as the client names its fields: `lastName:asc`, not the column `last_name:asc`."""
    return re.sub(r"_([a-z0-9])", lambda m: m.group(1).upper(), signature)


#: A Decimal as `row_cursor` writes one (str of a NUMERIC(18, s) value), in ASCII digits: Decimal()
#: alone would read "٣", "1_000" or "1e-1000000", and arithmetic on the last one never ends well.
_CURSOR_DECIMAL = re.compile(r"-?[0-9]{1,40}(?:\.[0-9]{1,40})?(?:E[+-]?[0-9]{1,2})?")
_CURSOR_INSTANT = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}(?:[T ][0-9:.+-]{5,32})?")


def _is_text(value: str) -> bool:
    """Text a database can store: a JSON escape such as "\\ud800" gives a lone surrogate, which has no UTF-8."""
    try:
        value.encode()
    except UnicodeEncodeError:
        return False
    return True


def _as_written(column: sa.Column[Any], value: Any) -> Any:
    """A cursor value, if it has the form `row_cursor` gives that column's values; else ValueError."""
    if isinstance(value, str) and not _is_text(value):
        raise ValueError("not text")
    if isinstance(column.type, sa.Enum) or value is None:
        return value
    python_type = column.type.python_type
    if python_type is Decimal and not (isinstance(value, str) and _CURSOR_DECIMAL.fullmatch(value)):
        raise ValueError("not an amount as a cursor writes it")
    if python_type in (dt.date, dt.datetime) and not (isinstance(value, str) and _CURSOR_INSTANT.fullmatch(value)):
        raise ValueError("not a date as a cursor writes it")
    return value


def _from_json(column: sa.Column[Any], value: Any) -> Any:
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
        return parsed.astimezone(dt.UTC)  # OverflowError beyond the calendar: refused with the rest
    if python_type is dt.date:
        return dt.date.fromisoformat(value)
    if python_type is Decimal and isinstance(column_type, sa.Numeric):
        number = Decimal(value)
        limit = Decimal(10) ** ((column_type.precision or 18) - (column_type.scale or 0))
        if not number.is_finite() or abs(number) >= limit:
            raise ValueError("amount out of range")
        # A row's value never has more decimals than its column; SQLite binds whole units of the scale.
        if number != number.quantize(Decimal(1).scaleb(-(column_type.scale or 0))):
            raise ValueError("more decimals than the column keeps")
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
