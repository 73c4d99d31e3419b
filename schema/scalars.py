"""Decimal, Date and DateTime as crmgraph reads them. A value that does not parse raises a plain
ValueError, so graphql-core reports it with its location and the expected type."""

import datetime as dt
import re
from decimal import Decimal, InvalidOperation
from typing import Any

import strawberry

_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


def _decimal(value: Any) -> Decimal:
    if isinstance(value, bool) or not isinstance(value, (str, int, float)):
        raise ValueError('give an amount as a string, e.g. "1234.50"')
    try:
        number = Decimal(str(value).strip())
    except InvalidOperation:
        raise ValueError(f"{value!r} is not a decimal number") from None
    if not number.is_finite():
        raise ValueError(f"{value!r} is not a finite number")
    return number


def _date(value: Any) -> dt.date:
    if not isinstance(value, str) or not _DATE.fullmatch(value):
        raise ValueError("give a date as a string YYYY-MM-DD")
    return dt.date.fromisoformat(value)


def _datetime(value: Any) -> dt.datetime:
    if not isinstance(value, str):
        raise ValueError("give an instant as an ISO 8601 string with its offset, e.g. 2026-06-30T14:00:00Z")
    return dt.datetime.fromisoformat(value)


SCALAR_OVERRIDES = {
    Decimal: strawberry.scalar(
        name="Decimal", serialize=str, parse_value=_decimal,
        description='An exact decimal number as a string: money has 2 decimals ("1234.50"), quantities 4.',
    ),
    dt.date: strawberry.scalar(
        name="Date", serialize=dt.date.isoformat, parse_value=_date, description="A calendar date, ISO 8601 (YYYY-MM-DD).",
    ),
    dt.datetime: strawberry.scalar(
        name="DateTime", serialize=dt.datetime.isoformat, parse_value=_datetime,
        description="An instant, ISO 8601 with its offset; the API answers in UTC (+00:00).",
    ),
}
