"""loaders/paging.py and schema/cursor.py on their own: how an order is read, cursors that round-trip
through the API's opaque form, a clear refusal for any cursor this API did not make, and the bounds of `first`."""

from __future__ import annotations

import base64
import datetime as dt
import json
from decimal import Decimal
from types import SimpleNamespace

import pytest
from sqlalchemy.dialects import postgresql, sqlite

from loaders.errors import UserInputError
from loaders.paging import MAX_PAGE, Order, OrderTerm, PageArgs
from models import Account, Contact, Invoice
from models.enums import InvoiceStatus
from schema.cursor import decode_cursor, page_args, row_cursor

INVOICE = Invoice.__table__
ACCOUNT = Account.__table__


def _cursor(payload: object) -> str:
    """A cursor in the API's own wrapping (base64url of JSON, unpadded) around any payload."""
    return base64.urlsafe_b64encode(json.dumps(payload).encode()).decode().rstrip("=")


# --- Order.parse ------------------------------------------------------------------------------


def test_order_ends_with_the_id_in_the_direction_of_the_first_term() -> None:
    assert Order.parse(("-date", "name")).terms == (
        OrderTerm("date", True),
        OrderTerm("name", False),
        OrderTerm("id", True),
    )
    assert Order.parse(("name",)).terms == (OrderTerm("name", False), OrderTerm("id", False))


def test_an_empty_order_is_by_id_ascending() -> None:
    assert Order.parse(()).terms == (OrderTerm("id", False),)


def test_a_named_id_keeps_its_direction_and_ends_the_order() -> None:
    assert Order.parse(("name", "-id", "date")).terms == (OrderTerm("name", False), OrderTerm("id", True))


def test_a_repeated_column_counts_once_at_its_first_place() -> None:
    assert Order.parse(("name", "-name", "date")).terms == (
        OrderTerm("name", False),
        OrderTerm("date", False),
        OrderTerm("id", False),
    )


def test_signature_and_columns() -> None:
    order = Order.parse(("-date", "last_name"))
    assert order.signature == "date:desc,last_name:asc,id:desc"
    assert order.columns == ("date", "last_name", "id")


def test_equal_orders_are_equal_and_hash_alike() -> None:
    # Statement caches key on the order: two parses of one spec must hit the same entry.
    assert Order.parse(("-date",)) == Order.parse(("-date",))
    assert hash(Order.parse(("-date",))) == hash(Order.parse(("-date",)))
    assert Order.parse(("-date",)) != Order.parse(("date",))


def test_nullable_columns_sort_last_in_both_directions() -> None:
    clauses = Order.parse(("-due_date", "date")).clauses(INVOICE)
    for dialect in (sqlite.dialect(), postgresql.dialect()):
        rendered = [str(c.compile(dialect=dialect)) for c in clauses]
        assert rendered == ["invoice.due_date DESC NULLS LAST", "invoice.date ASC", "invoice.id DESC"]


def test_after_is_a_lexicographic_keyset_condition() -> None:
    order = Order.parse(("-date",))
    compiled = order.after(INVOICE, [dt.date(2026, 1, 2), 7]).compile(dialect=sqlite.dialect())
    assert str(compiled) == "invoice.date < ? OR invoice.date = ? AND invoice.id < ?"
    assert compiled.params == {"date_1": dt.date(2026, 1, 2), "date_2": dt.date(2026, 1, 2), "id_1": 7}


def test_nothing_sorts_after_a_null_but_ties_on_it() -> None:
    # due_date is nullable and NULLs come last: after a NULL only the equal-NULL rows with a later id remain.
    order = Order.parse(("due_date",))
    sql = str(order.after(INVOICE, [None, 7]).compile(dialect=sqlite.dialect()))
    assert sql == "invoice.due_date IS NULL AND invoice.id > ?"


def test_after_a_value_of_a_nullable_column_includes_the_nulls() -> None:
    order = Order.parse(("due_date",))
    sql = str(order.after(INVOICE, [dt.date(2026, 1, 2), 7]).compile(dialect=sqlite.dialect()))
    assert sql.startswith("invoice.due_date > ? OR invoice.due_date IS NULL OR ")


# --- cursors ----------------------------------------------------------------------------------


def test_a_cursor_round_trips_dates_amounts_and_ids() -> None:
    order = Order.parse(("-date", "total"))
    row = SimpleNamespace(date=dt.date(2026, 3, 31), total=Decimal("1234.50"), id=42)
    cursor = row_cursor(order, row)
    assert set(cursor) <= set("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_")  # url-safe, unpadded
    values = decode_cursor(cursor, order, INVOICE)
    assert values == (dt.date(2026, 3, 31), Decimal("1234.50"), 42)
    assert isinstance(values[1], Decimal)


def test_a_cursor_round_trips_instants_enums_and_nulls() -> None:
    order = Order.parse(("status", "due_date"))
    row = SimpleNamespace(status=InvoiceStatus.PAID, due_date=None, id=3)
    decoded = decode_cursor(row_cursor(order, row), order, INVOICE)
    assert decoded == (InvoiceStatus.PAID, None, 3)
    assert isinstance(decoded[0], InvoiceStatus)

    instant = dt.datetime(2026, 5, 1, 12, 30, 15, 123456, tzinfo=dt.UTC)
    by_creation = Order.parse(("-created_at",))
    decoded = decode_cursor(row_cursor(by_creation, SimpleNamespace(created_at=instant, id=9)), by_creation, ACCOUNT)
    assert decoded == (instant, 9)
    assert decoded[0].tzinfo is not None


def test_a_cursor_with_text_round_trips_any_text() -> None:
    order = Order.parse(("last_name", "first_name"))
    row = SimpleNamespace(last_name="Peña_100%", first_name="José \"Pepe\"", id=5)
    assert decode_cursor(row_cursor(order, row), order, Contact.__table__) == ("Peña_100%", "José \"Pepe\"", 5)


@pytest.mark.parametrize(
    "cursor",
    [
        "",
        "not base64 at all!",
        base64.urlsafe_b64encode(b"\xff\xfe").decode(),
        _cursor("just a string"),
        _cursor({"date:desc,id:desc": [1]}),
        _cursor([1, ["2026-01-01", 1]]),
        _cursor(["date:desc,id:desc", "2026-01-01"]),
        _cursor(["date:desc,id:desc", ["2026-01-01"]]),  # too few values
        _cursor(["date:desc,id:desc", ["2026-01-01", 1, 2]]),  # too many values
        _cursor(["date:desc,id:desc", ["yesterday", 1]]),
        _cursor(["date:desc,id:desc", ["2026-13-45", 1]]),
        _cursor(["date:desc,id:desc", [None, 1]]),  # NULL for a NOT NULL column
        _cursor(["date:desc,id:desc", ["2026-01-01", "1"]]),  # an id must be an integer
        _cursor(["date:desc,id:desc", ["2026-01-01", True]]),
        _cursor(["date:desc,id:desc", ["2026-01-01", 2**31]]),
        _cursor(["date:desc,id:desc", ["2026-01-01", 1.5]]),
        _cursor(["date:desc,id:desc", ["\ud800", 1]]),  # a lone surrogate: no text a database stores
    ],
)
def test_a_cursor_not_made_by_this_api_is_refused_clearly(cursor: str) -> None:
    with pytest.raises(UserInputError) as raised:
        decode_cursor(cursor, Order.parse(("-date",)), INVOICE)
    assert raised.value.message == "invalid cursor: it was not made by this API"
    assert raised.value.extensions == {"code": "BAD_USER_INPUT"}


@pytest.mark.parametrize(
    "value",
    ["1e-1000000", "NaN", "Infinity", "1_000", "٣", "10000000000000000.00", "1.005", " 1.00"],
)
def test_an_amount_a_cursor_never_writes_is_refused(value: str) -> None:
    order = Order.parse(("total",))
    with pytest.raises(UserInputError, match="not made by this API"):
        decode_cursor(_cursor([order.signature, [value, 1]]), order, INVOICE)


@pytest.mark.parametrize("value", ["2026-05-01T12:00:00", "9999-12-31T23:59:59-12:00", "2026-05-01Z"])
def test_an_instant_a_cursor_never_writes_is_refused(value: str) -> None:
    # Naive, beyond the calendar once in UTC, or not an instant at all.
    order = Order.parse(("created_at",))
    with pytest.raises(UserInputError, match="not made by this API"):
        decode_cursor(_cursor([order.signature, [value, 1]]), order, ACCOUNT)


def test_a_cursor_of_another_order_names_both_orders_as_the_client_does() -> None:
    made_for = Order.parse(("last_name",))
    cursor = row_cursor(made_for, SimpleNamespace(last_name="Pérez", id=1))
    with pytest.raises(UserInputError) as raised:
        decode_cursor(cursor, Order.parse(("-created_at",)), Contact.__table__)
    assert raised.value.message == (
        "invalid cursor: it was made for the order 'lastName:asc,id:asc', "
        "this list is ordered by 'createdAt:desc,id:desc'"
    )


def test_a_long_foreign_signature_is_cut_in_the_message() -> None:
    cursor = _cursor(["x" * 5000, [1]])
    with pytest.raises(UserInputError) as raised:
        decode_cursor(cursor, Order.parse(()), INVOICE)
    assert "x" * 200 + "..." in raised.value.message
    assert "x" * 201 not in raised.value.message


# --- PageArgs ---------------------------------------------------------------------------------


@pytest.mark.parametrize("first", [1, 2, MAX_PAGE])
def test_first_within_bounds_is_taken(first: int) -> None:
    assert page_args(first, None, Order.parse(("-date",)), INVOICE) == PageArgs(first)


@pytest.mark.parametrize("first", [0, -1, MAX_PAGE + 1, 10**9])
def test_first_out_of_bounds_is_refused(first: int) -> None:
    with pytest.raises(UserInputError) as raised:
        page_args(first, None, Order.parse(("-date",)), INVOICE)
    assert raised.value.message == f"first must be between 1 and {MAX_PAGE}, got {first}"


def test_page_args_decode_the_after_cursor() -> None:
    order = Order.parse(("-date",))
    cursor = row_cursor(order, SimpleNamespace(date=dt.date(2026, 1, 31), id=11))
    assert page_args(10, cursor, order, INVOICE) == PageArgs(10, (dt.date(2026, 1, 31), 11))


def test_page_args_refuse_a_bad_after_cursor() -> None:
    with pytest.raises(UserInputError, match="invalid cursor"):
        page_args(10, "garbage", Order.parse(("-date",)), INVOICE)
