"""loaders/sql.py on its own: the statements a relation page, counts, aggregates and root lists compile to
on SQLite (a window over the parents, ids as a JSON array) and PostgreSQL (LATERAL per parent, ids as an
array), the parameters that travel with them, and one statement per shape whatever the parents."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel import SQLModel

from loaders import sql
from loaders.filters import SQLITE_FOLD, AnyOf, Compare, Op, sqlite_fold
from loaders.paging import Order, PageArgs
from models import RELATIONS, Account, Contact, Invoice, Vendor

RELATION = {relation.key: relation for relation in RELATIONS}
INVOICES = RELATION["Account.invoices"]
CAMPAIGNS = RELATION["Account.campaigns"]  # through the link table account_campaign, with link fields
BY_DATE = Order.parse(Invoice.default_order)
BY_NAME = Order.parse(("name",))
DIALECTS = {"sqlite": sqlite.dialect(), "postgresql": postgresql.dialect()}


def _sql(statement: Any, dialect: str) -> str:
    """The statement's SQL on one line."""
    return " ".join(str(statement.compile(dialect=DIALECTS[dialect])).split())


# --- relation pages ---------------------------------------------------------------------------


def test_a_page_on_sqlite_numbers_rows_with_a_window_per_parent() -> None:
    statement, params = sql.related_page(INVOICES, [3, 1], BY_DATE, PageArgs(2), "sqlite", columns=("id", "total"))
    assert _sql(statement, "sqlite") == (
        "SELECT ranked.id, ranked.total, ranked.rel_parent, ranked.rel_rank FROM "
        "(SELECT invoice.id AS id, invoice.total AS total, invoice.account_id AS rel_parent, "
        "row_number() OVER (PARTITION BY invoice.account_id ORDER BY invoice.date DESC, invoice.id DESC) AS rel_rank "
        "FROM invoice WHERE invoice.account_id IN (SELECT anon_1.value FROM json_each(?) AS anon_1)) AS ranked "
        "WHERE ranked.rel_rank <= ? ORDER BY ranked.rel_parent, ranked.rel_rank"
    )
    # first + 1 rows: the extra one answers hasNextPage. SQLite takes the ids as one JSON text.
    assert params == {"ids": "[3, 1]", "limit": 3}


def test_a_page_on_postgresql_reads_each_parent_through_lateral() -> None:
    statement, params = sql.related_page(INVOICES, [3, 1], BY_DATE, PageArgs(2), "postgresql", columns=("id", "total"))
    text = _sql(statement, "postgresql")
    assert text == (
        "SELECT page.id, page.total, parents.id AS rel_parent, page.rel_rank "
        "FROM unnest(%(ids)s::INTEGER[]) WITH ORDINALITY AS parents(id, ord) JOIN LATERAL "
        "(SELECT invoice.id AS id, invoice.total AS total, "
        "row_number() OVER (ORDER BY invoice.date DESC, invoice.id DESC) AS rel_rank "
        "FROM invoice WHERE invoice.account_id = parents.id ORDER BY invoice.date DESC, invoice.id DESC "
        "LIMIT %(limit)s::INTEGER) AS page ON true ORDER BY parents.ord, page.rel_rank"
    )
    assert "PARTITION BY" not in text
    assert params == {"ids": [3, 1], "limit": 3}


@pytest.mark.parametrize("dialect", DIALECTS)
def test_a_page_through_a_link_table_carries_the_link_fields(dialect: str) -> None:
    statement, _ = sql.related_page(CAMPAIGNS, [1], Order.parse(("name",)), PageArgs(5), dialect)
    text = _sql(statement, dialect)
    assert "FROM campaign JOIN account_campaign ON account_campaign.campaign_id = campaign.id" in text
    assert "account_campaign.status AS link_status" in text
    assert "account_campaign.added_at AS link_added_at" in text
    assert [c.name for c in statement.selected_columns][-4:] == ["rel_parent", "link_status", "link_added_at", "rel_rank"]


@pytest.mark.parametrize("dialect", DIALECTS)
def test_a_page_after_a_cursor_binds_the_cursor_values(dialect: str) -> None:
    page = PageArgs(2, (dt.date(2026, 1, 1), 5))
    statement, params = sql.related_page(INVOICES, [3], BY_DATE, page, dialect, columns=("id",))
    assert params["after_0"] == dt.date(2026, 1, 1) and params["after_1"] == 5
    placeholder = "?" if dialect == "sqlite" else "%(after_0)s::DATE"
    assert f"invoice.date < {placeholder}" in _sql(statement, dialect)


def test_a_null_in_the_cursor_changes_the_sql_and_is_not_bound() -> None:
    order = Order.parse(("due_date",))
    statement, params = sql.related_page(INVOICES, [3], order, PageArgs(2, (None, 5)), "sqlite", columns=("id",))
    assert "after_0" not in params and params["after_1"] == 5
    assert "invoice.due_date IS NULL AND invoice.id > ?" in _sql(statement, "sqlite")
    other, _ = sql.related_page(INVOICES, [3], order, PageArgs(2, (dt.date(2026, 1, 1), 5)), "sqlite", columns=("id",))
    assert other is not statement


@pytest.mark.parametrize("dialect", DIALECTS)
def test_one_statement_per_shape_whatever_the_parents(dialect: str) -> None:
    few, _ = sql.related_page(INVOICES, [1], BY_DATE, PageArgs(10), dialect)
    many, params = sql.related_page(INVOICES, list(range(1, 501)), BY_DATE, PageArgs(99), dialect)
    assert many is few  # built once, reused: the SQL text does not grow with the parents
    assert len(params["ids"] if dialect == "postgresql" else params["ids"].split(",")) == 500


def test_a_small_filter_is_cached_and_a_large_one_is_built_afresh() -> None:
    # The caches key on the filter's values: a stream of large distinct filters must not pin memory.
    small = Compare("name", Op.EQ, "x")
    assert sql.related_page(CAMPAIGNS, [1], BY_NAME, PageArgs(5), "sqlite", small)[0] is (
        sql.related_page(CAMPAIGNS, [2], BY_NAME, PageArgs(5), "sqlite", small)[0]
    )
    large = AnyOf(tuple(Compare("name", Op.EQ, f"n{i}") for i in range(sql.CACHED_FILTER_PARTS)))
    assert sql.related_page(CAMPAIGNS, [1], BY_NAME, PageArgs(5), "sqlite", large)[0] is not (
        sql.related_page(CAMPAIGNS, [1], BY_NAME, PageArgs(5), "sqlite", large)[0]
    )


# --- counts and aggregates --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("dialect", "ids_sql", "ids"),
    [
        ("sqlite", "invoice.account_id IN (SELECT anon_1.value FROM json_each(?) AS anon_1)", "[3, 1]"),
        ("postgresql", "invoice.account_id = ANY (%(ids)s::INTEGER[])", [3, 1]),
    ],
)
def test_related_counts_group_by_parent(dialect: str, ids_sql: str, ids: Any) -> None:
    statement, params = sql.related_counts(INVOICES, [3, 1], dialect)
    index = "?" if dialect == "sqlite" else "%(param_1)s::INTEGER"
    assert _sql(statement, dialect) == (
        f"SELECT {index} AS rel_index, invoice.account_id AS rel_parent, count(*) AS n "
        f"FROM invoice WHERE {ids_sql} GROUP BY invoice.account_id"
    )
    assert params == {"ids": ids}


@pytest.mark.parametrize("dialect", DIALECTS)
def test_tab_counts_are_one_union_with_the_tab_index(dialect: str) -> None:
    contacts = RELATION["Account.contacts"]
    statement, params = sql.tab_counts((INVOICES, contacts), [7], dialect)
    compiled = statement.compile(dialect=DIALECTS[dialect])
    assert " UNION ALL " in str(compiled)
    assert "FROM invoice" in str(compiled) and "FROM contact" in str(compiled)
    assert sorted(v for k, v in compiled.params.items() if k.startswith("param_")) == [0, 1]
    assert params == {"ids": [7] if dialect == "postgresql" else "[7]"}


@pytest.mark.parametrize("dialect", DIALECTS)
def test_folded_counts_keep_each_filter_on_its_own_count(dialect: str) -> None:
    paid = Compare("status", Op.EQ, "PAID")
    one, _ = sql.folded_counts(((INVOICES, paid),), [1], dialect)
    assert " UNION ALL " not in _sql(one, dialect)
    both, _ = sql.folded_counts(((INVOICES, None), (INVOICES, paid)), [1], dialect)
    first, second = _sql(both, dialect).split(" UNION ALL ")
    assert "invoice.status" not in first and "invoice.status" in second


def test_aggregate_columns_are_the_amounts_not_the_keys() -> None:
    assert sql.aggregate_columns(Invoice) == ["subtotal", "discount_total", "tax_total", "total", "balance"]


@pytest.mark.parametrize("dialect", DIALECTS)
def test_related_aggregates_sum_bound_and_count_every_amount(dialect: str) -> None:
    statement, params = sql.related_aggregates(INVOICES, [1, 2], dialect, None)
    names = [c.name for c in statement.selected_columns]
    assert names[:2] == ["rel_parent", "count"]
    for column in sql.aggregate_columns(Invoice):
        assert {f"sum_{column}", f"min_{column}", f"max_{column}", f"present_{column}"} <= set(names)
    assert "GROUP BY invoice.account_id" in _sql(statement, dialect)
    assert params == {"ids": [1, 2] if dialect == "postgresql" else "[1, 2]"}


@pytest.mark.parametrize("dialect", DIALECTS)
def test_table_aggregates_and_count_take_the_filter(dialect: str) -> None:
    where = Compare("currency", Op.EQ, "USD")
    statement, params = sql.table_aggregates(Invoice, dialect, where)
    assert params == {}
    assert "WHERE invoice.currency = " in _sql(statement, dialect)
    statement, params = sql.table_count(Account, dialect, Compare("name", Op.EQ, "x"))
    compiled = statement.compile(dialect=DIALECTS[dialect])
    assert " ".join(str(compiled).split()).startswith("SELECT count(*) AS count_1 FROM account WHERE account.name = ")
    assert compiled.params == {"name_1": "x"} and params == {}


# --- root lists, rows, search -----------------------------------------------------------------


def test_a_table_page_orders_limits_and_resumes_after_the_cursor() -> None:
    statement, params = sql.table_page(Contact, Order.parse(("last_name",)), PageArgs(5, (None, 4)), "postgresql",
                                       columns=("id", "last_name"))
    assert _sql(statement, "postgresql") == (
        "SELECT contact.id, contact.last_name FROM contact "
        "WHERE contact.last_name IS NULL AND contact.id > %(after_1)s::INTEGER "
        "ORDER BY contact.last_name ASC, contact.id ASC LIMIT %(limit)s::INTEGER"
    )
    assert params == {"limit": 6, "after_1": 4}


@pytest.mark.parametrize("dialect", DIALECTS)
def test_child_rows_always_select_the_parent_and_keep_line_order(dialect: str) -> None:
    statement, _ = sql.child_rows(RELATION["Invoice.lines"], [1], dialect, columns=("id", "quantity"))
    assert [c.name for c in statement.selected_columns] == ["id", "quantity", "invoice_id"]
    assert _sql(statement, dialect).endswith(
        "ORDER BY invoice_line.invoice_id, invoice_line.position ASC, invoice_line.id ASC"
    )


@pytest.mark.parametrize("dialect", DIALECTS)
def test_rows_by_id_take_every_id_in_one_parameter(dialect: str) -> None:
    statement, params = sql.rows_by_id(Account, [5, 2, 9], dialect, columns=("id", "name"))
    assert _sql(statement, dialect).startswith("SELECT account.id, account.name FROM account WHERE account.id ")
    assert params == {"ids": [5, 2, 9] if dialect == "postgresql" else "[5, 2, 9]"}


def test_search_folds_every_searched_column_and_escapes_the_text() -> None:
    compiled = sql.search(Contact, "Pé%", 5, "sqlite")[0].compile(dialect=sqlite.dialect())
    text = " ".join(str(compiled).split())
    assert f"{SQLITE_FOLD}(contact.first_name || ? || contact.last_name) LIKE ? ESCAPE '\\'" in text
    assert f"{SQLITE_FOLD}(contact.email) LIKE ?" in text
    assert [v for k, v in compiled.params.items() if k.startswith(SQLITE_FOLD)] == ["%pe\\%%"] * 3
    postgres = _sql(sql.search(Vendor, "x", 5, "postgresql")[0], "postgresql")
    assert postgres.count("lower(translate(") == 3  # name, rfc, email


def test_search_refuses_a_model_it_does_not_search() -> None:
    with pytest.raises(ValueError, match="Invoice is not searched"):
        sql.search(Invoice, "x", 5, "sqlite")


# --- the SQLite form, run -----------------------------------------------------------------------


def test_the_sqlite_statements_return_pages_and_counts_per_parent() -> None:
    """The window form run on an in-memory SQLite: every parent's first page, in page order."""
    engine = sa.create_engine("sqlite://")
    SQLModel.metadata.create_all(engine)
    zero = Decimal(0)
    rows = [(1, 1), (1, 3), (1, 2), (2, 5), (1, 4), (3, 1)]  # (account, day of January)
    with engine.begin() as connection:
        connection.connection.driver_connection.create_function(SQLITE_FOLD, 1, sqlite_fold)
        for pk, (account, day) in enumerate(rows, start=1):
            connection.execute(sa.insert(Invoice.__table__).values(
                id=pk, currency="USD" if pk == 2 else "MXN", subtotal=zero, discount_total=zero, tax_total=zero, total=zero, balance=zero,
                account_id=account, date=dt.date(2026, 1, day), status="DRAFT", payment_method="PUE",
            ))
        statement, params = sql.related_page(INVOICES, [2, 1, 9], BY_DATE, PageArgs(2), "sqlite", columns=("id",))
        page = connection.execute(statement, params).all()
        # first=2 gives 3 rows per parent (the third says there is a next page); parent 9 has none.
        assert [tuple(row) for row in page] == [(5, 1, 1), (2, 1, 2), (3, 1, 3), (4, 2, 1)]
        statement, params = sql.related_counts(INVOICES, [2, 1, 9], "sqlite")
        assert sorted(tuple(row) for row in connection.execute(statement, params)) == [(0, 1, 4), (0, 2, 1)]
        statement, params = sql.related_counts(INVOICES, [2, 1, 9], "sqlite", Compare("currency", Op.CONTAINS, "sD"))
        assert [tuple(row) for row in connection.execute(statement, params)] == [(0, 1, 1)]
    engine.dispose()
