"""Decimal, Date and DateTime as crmgraph reads them: ASCII digits only, and only values a database
can keep. A value that does not parse raises InvalidValue, so graphql-core reports it with its
location, the expected type and the value, and `extensions.code` BAD_USER_INPUT."""

import datetime as dt
import re
from decimal import Decimal, InvalidOperation
from typing import Any

import strawberry

from loaders.errors import RequestErrorCode

#: A Decimal has at most this many digits, and its first digit lies at most MAX_DECIMAL_EXPONENT
#: places from the decimal point. An amount beyond its column (NUMERIC(18, 2) holds 16 digits before
#: the point) is the resolvers' OUT_OF_RANGE on its field; these limits refuse only what no amount
#: could mean, such as 1e-1000000, before it reaches Decimal arithmetic or a database driver.
MAX_DECIMAL_DIGITS = 40
MAX_DECIMAL_EXPONENT = 100

# re.ASCII: `\d` would also take "٣" (Arabic-Indic three), which Decimal() reads as 3.
_DECIMAL = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?", re.ASCII)
_DATE = re.compile(r"\d{4}-\d{2}-\d{2}", re.ASCII)
_UTC_RANGE = "0001-01-01T00:00:00Z to 9999-12-31T23:59:59.999999Z"


class InvalidValue(ValueError):
    """A value the scalar cannot read. A ValueError, so graphql-core wraps it in "Expected value of
    type ..." with the value's location; graphql-core copies `extensions` from it to that error."""

    extensions = {"code": RequestErrorCode.BAD_USER_INPUT}  # noqa: RUF012 - read, never changed


def _decimal(value: Any) -> Decimal:
    if isinstance(value, bool) or not isinstance(value, (str, int, float)):
        raise InvalidValue('give an amount as a string, e.g. "1234.50"')
    text = str(value).strip()
    if text.lstrip("+-").lower() in ("nan", "snan", "inf", "infinity"):
        raise InvalidValue("the amount is not a finite number")
    if not _DECIMAL.fullmatch(text):
        raise InvalidValue('the amount is not a decimal number in ASCII digits, e.g. "1234.50"')
    try:
        number = Decimal(text)
    except InvalidOperation:  # the pattern admits only what Decimal reads; kept for safety
        raise InvalidValue("the amount is not a decimal number") from None
    if len(number.as_tuple().digits) > MAX_DECIMAL_DIGITS or not -MAX_DECIMAL_EXPONENT <= number.adjusted() <= MAX_DECIMAL_EXPONENT:
        raise InvalidValue(
            f"the amount is out of range for a Decimal: at most {MAX_DECIMAL_DIGITS} digits, "
            f"with an exponent between -{MAX_DECIMAL_EXPONENT} and {MAX_DECIMAL_EXPONENT} (1e-{MAX_DECIMAL_EXPONENT} to 1e{MAX_DECIMAL_EXPONENT})"
        )
    return number


def _date(value: Any) -> dt.date:
    if not isinstance(value, str) or not _DATE.fullmatch(value):
        raise InvalidValue("give a date as a string YYYY-MM-DD, in ASCII digits")
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise InvalidValue("the date is not on the calendar (YYYY-MM-DD, years 0001 to 9999)") from None


def _datetime(value: Any) -> dt.datetime:
    if not isinstance(value, str):
        raise InvalidValue("give an instant as an ISO 8601 string with its offset, e.g. 2026-06-30T14:00:00Z")
    if not value.isascii():
        raise InvalidValue("the instant is not written in ASCII digits")
    try:
        parsed = dt.datetime.fromisoformat(value)
    except ValueError:
        raise InvalidValue("the instant is not ISO 8601, e.g. 2026-06-30T14:00:00Z") from None
    if parsed.tzinfo is None:
        return parsed  # where an offset is required, the caller says so with its own field's name
    try:
        # Every database keeps an instant in UTC: one the calendar cannot hold there is no instant
        # of this API (9999-12-31T23:59:59-14:00 is in year 10000). Refused rather than clamped:
        # the bound a clamp would pick changes what `lt` and `gt` mean at the edge.
        return parsed.astimezone(dt.UTC)
    except OverflowError:
        raise InvalidValue(f"the instant lies outside what this API keeps: {_UTC_RANGE} in UTC") from None


#: Keyed `object`, as Strawberry's `scalar_overrides` takes them.
SCALAR_OVERRIDES: dict[object, Any] = {
    Decimal: strawberry.scalar(
        name="Decimal", serialize=str, parse_value=_decimal,
        description=(
            'An exact decimal number as a string: money has 2 decimals ("1234.50"), quantities 4. ASCII digits, '
            f"at most {MAX_DECIMAL_DIGITS}, with an exponent between -{MAX_DECIMAL_EXPONENT} and {MAX_DECIMAL_EXPONENT}."
        ),
    ),
    dt.date: strawberry.scalar(
        name="Date", serialize=dt.date.isoformat, parse_value=_date,
        description="A calendar date, ISO 8601 (YYYY-MM-DD), in ASCII digits.",
    ),
    dt.datetime: strawberry.scalar(
        name="DateTime", serialize=dt.datetime.isoformat, parse_value=_datetime,
        description=f"An instant, ISO 8601 with its offset; the API answers in UTC (+00:00). In UTC it lies within {_UTC_RANGE}.",
    ),
}
