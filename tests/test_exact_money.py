"""Money and quantities are exact on both databases: the largest accepted amounts round-trip, order
totals, filters, ordering and aggregates agree with Decimal arithmetic, and migration 0004 turns
the REALs an older SQLite database holds into exact units."""

from __future__ import annotations

import asyncio
import base64
import json
import random
import uuid
from decimal import ROUND_DOWN, ROUND_HALF_UP, Decimal
from pathlib import Path

import httpx
import pytest
import sqlalchemy as sa
from alembic import command
from alembic.config import Config
from sqlmodel import SQLModel

from models import Account, Contact, Invoice, Product, Scope, Vendor
from models.enums import Tax
from models.exact import ExactNumeric
from models.totals import document_totals, line_amounts
from models.types import CENT
from resolvers.accounts import MAX_CREDIT
from resolvers.add_purchase_order import MAX_LINE_GROSS, MAX_LINES, MAX_QUANTITY
from service.app import create_app
from service.auth import create_token
from service.migrate import migrate
from service.settings import PROJECT_DIR, Settings
from tests.client import GraphQLClient, gid
from tests.factories import Factory

#: Amounts a REAL cannot tell apart, or puts in the wrong order: 17 and 18 significant digits.
LARGEST = Decimal("9999999999999999.99")  # the largest NUMERIC(18,2)
TOTALS = [
    "-9999999999999999.99", "-90071992547409.93", "-0.01", "0.00", "0.01", "0.02",
    "90071992547409.92", "90071992547409.93", "90071992547409.94",
    "9999999999999999.97", "9999999999999999.98", "9999999999999999.99",
]  # fmt: skip


def _pk(global_id: str) -> int:
    return int(base64.b64decode(global_id).decode().split(":")[1])


# ---------------------------------------------------------------------------------------- round trips

DUPLICATE = """
mutation($input: DuplicateAccountInput!) {
  duplicateAccount(input: $input) { errors { field code message } account { id creditLimit } }
}
"""


async def test_the_largest_accepted_credit_limit_round_trips(gql, factory) -> None:
    source = await factory.insert(
        Account, rfc="EKU9003173C9", tax_regime="601", cfdi_use="G03", payment_form="99", payment_method="PPD",
    )
    largest = str(MAX_CREDIT.quantize(CENT))  # validation's own limit: "1000000000000000.00"
    for limit in (largest, str(MAX_CREDIT - CENT), "123456789012345.67", "0.01"):
        payload = (await gql(DUPLICATE, {"input": {"sourceId": gid("Account", source), "name": f"Copia {limit}",
                                                   "rfc": "ABC680524P73", "creditLimit": limit}})).data["duplicateAccount"]
        assert payload["errors"] == []
        assert payload["account"]["creditLimit"] == limit
        read = await gql("query($id: ID!) { node(id: $id) { ... on Account { creditLimit } } }", {"id": payload["account"]["id"]})
        assert read.data["node"]["creditLimit"] == limit
        for neighbour, count in ((Decimal(limit) - CENT, 0), (Decimal(limit), 1), (Decimal(limit) + CENT, 0)):
            found = await gql("query($id: ID!, $v: Decimal!) { accounts(filter: {id: {eq: $id}, creditLimit: {eq: $v}}) { totalCount } }",
                              {"id": payload["account"]["id"], "v": str(neighbour)}, scope="read")
            assert found.data["accounts"]["totalCount"] == count, (limit, neighbour)

    beyond = (await gql(DUPLICATE, {"input": {"sourceId": gid("Account", source), "name": "Demasiado", "rfc": "ABC680524P73",
                                              "creditLimit": str(MAX_CREDIT + CENT)}})).data["duplicateAccount"]
    assert [(e["field"], e["code"]) for e in beyond["errors"]] == [(["creditLimit"], "OUT_OF_RANGE")]


ORDER = """
mutation($input: AddPurchaseOrderInput!) {
  addPurchaseOrder(input: $input) {
    errors { field code message }
    purchaseOrder { id subtotal discountTotal taxTotal total lines { quantity unitPrice gross discount net taxAmount total } }
  }
}
"""
READ_ORDER = """
query($id: ID!) { node(id: $id) { ... on PurchaseOrder {
  subtotal discountTotal taxTotal total lines { quantity unitPrice gross discount net taxAmount total } } } }
"""


def _large_lines(product: int) -> list[dict]:
    """MAX_LINES lines at the limits validation accepts, most with odd cents, one per kind of extreme."""
    rng = random.Random(9)
    lines = [
        {"quantity": f"{MAX_QUANTITY:f}", "unitPrice": "1.00"},  # the largest quantity, and gross
        {"quantity": f"{MAX_QUANTITY - Decimal('0.0001'):f}", "unitPrice": "0.01", "tax": "IVA_16"},
        {"quantity": "1", "unitPrice": str(MAX_LINE_GROSS - CENT), "tax": "IVA_16", "discountPercent": "12.5"},
        {"quantity": "3", "unitPrice": "3333333333333.33", "tax": "IVA_8", "discountAmount": "0.01"},
    ]
    while len(lines) < MAX_LINES:
        quantity = Decimal(rng.randint(10_000, 99_999_999)).scaleb(-4)  # at least 1: the price stays <= the gross
        price = (MAX_LINE_GROSS / quantity).quantize(CENT, rounding=ROUND_DOWN) - Decimal(rng.randint(0, 99)) * CENT
        lines.append({"quantity": str(quantity), "unitPrice": str(price), "tax": rng.choice(["IVA_16", "IVA_8", "EXENTO"])})
    return [{"productId": gid("Product", product), **line} for line in lines]


def _expected_order(lines: list[dict]) -> tuple[dict, list[dict]]:
    amounts = [
        line_amounts(Decimal(x["quantity"]), Decimal(x["unitPrice"]),
                     discount_percent=Decimal(x["discountPercent"]) if "discountPercent" in x else None,
                     discount_amount=Decimal(x["discountAmount"]) if "discountAmount" in x else None,
                     tax=Tax(x["tax"]) if "tax" in x else None)
        for x in lines
    ]
    totals = document_totals(amounts)
    header = {"subtotal": str(totals.subtotal), "discountTotal": str(totals.discount_total),
              "taxTotal": str(totals.tax_total), "total": str(totals.total)}
    stored = [
        {"quantity": str(Decimal(x["quantity"]).quantize(Decimal("0.0001"))), "unitPrice": str(Decimal(x["unitPrice"]).quantize(CENT)),
         "gross": str(a.gross), "discount": str(a.discount), "net": str(a.net), "taxAmount": str(a.tax_amount), "total": str(a.total)}
        for x, a in zip(lines, amounts, strict=True)
    ]
    return header, stored


async def test_a_purchase_order_of_the_largest_lines_has_exact_totals(gql, factory) -> None:
    account = await factory.insert(Account)
    contact = await factory.insert(Contact, account_id=account)
    vendor, product = await factory.insert(Vendor), await factory.insert(Product)
    lines = _large_lines(product)
    header, stored = _expected_order(lines)
    assert len(header["total"].replace("-", "").replace(".", "")) > 17  # more digits than a REAL holds

    payload = (await gql(ORDER, {"input": {"contactId": gid("Contact", contact), "vendorId": gid("Vendor", vendor),
                                           "subject": "Obra", "date": "2026-11-24", "lines": lines}})).data["addPurchaseOrder"]
    assert payload["errors"] == []
    order = payload["purchaseOrder"]
    assert {k: order[k] for k in header} == header  # in the mutation's own answer
    assert order["lines"] == stored
    read = (await gql(READ_ORDER, {"id": order["id"]}, scope="read")).data["node"]
    assert {k: read[k] for k in header} == header and read["lines"] == stored  # and in a later read


# -------------------------------------------------------------------------------- filters and order

@pytest.fixture
async def ledger(factory) -> int:
    """An account whose invoices have TOTALS, inserted in shuffled order."""
    account = await factory.insert(Account)
    totals = list(TOTALS)
    random.Random(4).shuffle(totals)
    for total in totals:
        await factory.insert(Invoice, account_id=account, total=Decimal(total), balance=Decimal(total))
    return account


async def _totals(gql, account: int, condition: dict | None = None, order: list | None = None) -> list[str]:
    data = (await gql(
        "query($f: InvoiceFilter, $o: [InvoiceOrder!]) { invoices(first: 100, filter: $f, orderBy: $o) { nodes { total } } }",
        {"f": {"account": {"id": {"eq": gid("Account", account)}}, **(condition or {})}, "o": order}, scope="read",
    )).data["invoices"]["nodes"]
    return [n["total"] for n in data]


@pytest.mark.parametrize(
    ("operator", "value"),
    [
        ("gte", "0.001"), ("gt", "0.001"), ("lte", "0.009"), ("lt", "0.009"), ("lt", "-0.001"), ("lte", "-0.001"),
        ("gte", "-0.011"), ("eq", "0.005"), ("ne", "0.005"), ("eq", "0.010"), ("in", ["0.01", "0.015", "0.02"]),
        ("gt", "9999999999999999.98"), ("gte", "9999999999999999.985"), ("lt", "9999999999999999.98"),
        ("eq", "9999999999999999.98"), ("ne", "9999999999999999.98"), ("gt", "9999999999999999.995"),
        ("lte", "-9999999999999999.985"), ("gt", "90071992547409.925"), ("lt", "90071992547409.93"),
        ("eq", "90071992547409.93"), ("gte", "0.0000000001"),
    ],
)  # fmt: skip
async def test_filters_on_money_compare_exactly(gql, ledger, operator, value) -> None:
    compare = {"gt": Decimal.__gt__, "gte": Decimal.__ge__, "lt": Decimal.__lt__, "lte": Decimal.__le__,
               "eq": Decimal.__eq__, "ne": Decimal.__ne__}
    if operator == "in":
        expected = [t for t in TOTALS if Decimal(t) in {Decimal(v) for v in value}]
    else:
        expected = [t for t in TOTALS if compare[operator](Decimal(t), Decimal(value))]
    found = await _totals(gql, ledger, {"total": {operator: value}}, [{"field": "TOTAL"}])
    assert found == expected


@pytest.mark.parametrize("direction", ["ASC", "DESC"])
async def test_ordering_and_paging_by_money_are_exact(gql, ledger, direction) -> None:
    expected = sorted(TOTALS, key=Decimal, reverse=direction == "DESC")
    assert await _totals(gql, ledger, order=[{"field": "TOTAL", "direction": direction}]) == expected

    query = ("query($id: ID!, $o: [InvoiceOrder!], $after: String) { account(id: $id) { "
             "invoices(first: 2, orderBy: $o, after: $after) { nodes { total } pageInfo { hasNextPage endCursor } } } }")
    seen, after = [], None
    while True:
        page = (await gql(query, {"id": gid("Account", ledger), "o": [{"field": "TOTAL", "direction": direction}],
                                  "after": after}, scope="read")).data["account"]["invoices"]
        seen += [n["total"] for n in page["nodes"]]
        if not page["pageInfo"]["hasNextPage"]:
            break
        after = page["pageInfo"]["endCursor"]
    assert seen == expected  # each row once, in exact order: no two neighbours collapse into one


async def test_a_cursor_with_more_decimals_than_the_column_is_refused(gql, ledger) -> None:
    query = ("query($id: ID!, $after: String) { account(id: $id) { "
             "invoices(first: 100, orderBy: [{field: TOTAL}], after: $after) { edges { cursor node { total } } } } }")
    edges = (await gql(query, {"id": gid("Account", ledger)}, scope="read")).data["account"]["invoices"]["edges"]
    cursor = next(e["cursor"] for e in edges if e["node"]["total"] == "0.01")
    signature, (total, pk) = json.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
    assert total == "0.01"

    def forged(value: str) -> str:
        raw = json.dumps([signature, [value, pk]], separators=(",", ":")).encode()
        return base64.urlsafe_b64encode(raw).decode().rstrip("=")

    same = await gql(query, {"id": gid("Account", ledger), "after": forged("0.010")}, scope="read")
    assert same.data["account"]["invoices"]["edges"][0]["node"]["total"] == "0.02"  # the same value, written longer
    for value in ("0.005", "0.011", "1e-1000000"):
        error = (await gql(query, {"id": gid("Account", ledger), "after": forged(value)}, scope="read")).errors[0]
        assert (error["message"], error["extensions"]["code"]) == ("invalid cursor: it was not made by this API", "BAD_USER_INPUT")


# ---------------------------------------------------------------------------------------- aggregates

AGGREGATE = "aggregate { count sum { total balance } min { total balance } max { total balance } avg { total balance } }"


def _figures(values: dict[str, list[Decimal]]) -> dict:
    """What `aggregate` must answer, computed with Decimal."""

    def each(function) -> dict:  # noqa: ANN001
        return {column: str(function(v)) if v else None for column, v in values.items()}

    count = len(values["total"])
    return {
        "count": count,
        "sum": each(sum),
        "min": each(min),
        "max": each(max),
        "avg": each(lambda v: (sum(v) / len(v)).quantize(CENT, rounding=ROUND_HALF_UP)),
    }


async def test_aggregates_are_exact_past_sqlites_integer_limit(gql, factory) -> None:
    account = await factory.insert(Account)
    totals = [LARGEST] * 10 + [Decimal(t) for t in TOTALS] + [Decimal("-1234567.89"), Decimal("0.07")]
    balances = [LARGEST - Decimal(i) * CENT for i in range(len(totals))]
    for total, balance in zip(totals, balances, strict=True):
        await factory.insert(Invoice, account_id=account, total=total, balance=balance)
    assert sum(totals) * 100 > 2**63  # SQLite's own sum() would stop with "integer overflow"
    expected = _figures({"total": totals, "balance": balances})

    related = await gql(f"query($id: ID!) {{ account(id: $id) {{ invoices {{ {AGGREGATE} }} }} }}", {"id": gid("Account", account)}, scope="read")
    assert related.data["account"]["invoices"]["aggregate"] == expected
    root = await gql(f"query($f: InvoiceFilter) {{ invoices(filter: $f) {{ {AGGREGATE} }} }}",
                     {"f": {"account": {"id": {"eq": gid("Account", account)}}}}, scope="read")
    assert root.data["invoices"]["aggregate"] == expected
    # negative sums, and a filter inside the aggregate
    negative = await gql(f"query($f: InvoiceFilter) {{ invoices(filter: $f) {{ {AGGREGATE} }} }}",
                         {"f": {"account": {"id": {"eq": gid("Account", account)}}, "total": {"lt": "0"}}}, scope="read")
    below = [t for t in totals if t < 0]
    assert negative.data["invoices"]["aggregate"] == _figures(
        {"total": below, "balance": [b for t, b in zip(totals, balances, strict=True) if t < 0]}
    )
    empty = await gql(f"query($f: InvoiceFilter) {{ invoices(filter: $f) {{ {AGGREGATE} }} }}",
                      {"f": {"account": {"id": {"eq": gid("Account", account)}}, "total": {"gt": str(LARGEST)}}}, scope="read")
    assert empty.data["invoices"]["aggregate"] == _figures({"total": [], "balance": []})


async def test_quantities_keep_four_decimals_in_aggregates(gql, factory) -> None:
    marker = uuid.uuid4().hex[:12]
    stocks = [Decimal("99999999999999.9999"), Decimal("99999999999999.9998"), Decimal("0.0001"), Decimal("-0.0003")]
    prices = [LARGEST, Decimal("0.01"), Decimal("0.00"), Decimal("1234567890123456.78")]
    for stock, price in zip(stocks, prices, strict=True):
        await factory.insert(Product, name=marker, stock=stock, price=price)
    data = (await gql(
        "query($m: String!) { products(filter: {name: {eq: $m}}, orderBy: [{field: STOCK}]) { nodes { stock price } "
        "aggregate { count sum { stock price } min { stock } max { stock } } } }", {"m": marker}, scope="read",
    )).data["products"]
    assert [n["stock"] for n in data["nodes"]] == [str(s) for s in sorted(stocks)]
    aggregate = data["aggregate"]
    assert (aggregate["count"], aggregate["sum"]) == (4, {"stock": str(sum(stocks)), "price": str(sum(prices))})
    assert (aggregate["min"]["stock"], aggregate["max"]["stock"]) == (str(min(stocks)), str(max(stocks)))


# ------------------------------------------------------------------------------------------ migration

def _alembic(url: str) -> Config:
    config = Config(str(PROJECT_DIR / "alembic.ini"))
    config.set_main_option("script_location", str(PROJECT_DIR / "migrations"))
    config.set_main_option("sqlalchemy.url", url)
    config.attributes["skip_logging"] = True
    return config


def _as_revision_0003_wrote(table: sa.Table, **values: object) -> dict:
    """A full row of `table` (the factory's plain values), to insert with the types of revision 0003."""
    plain = Factory(None)  # type: ignore[arg-type]  # only its values: no database
    row = {c.name: plain.value(c) for c in table.columns
           if c.name != "id" and not c.foreign_keys and (not c.nullable or c.unique)}
    return {**row, **values}


def _insert_reals(path: Path) -> dict[str, int]:
    """Rows written as revision 0003 wrote them: NUMERIC bound as a float, kept by SQLite as a REAL
    (or as an INTEGER when the float is whole: NUMERIC affinity)."""
    metadata = sa.MetaData()
    tables = {name: SQLModel.metadata.tables[name].to_metadata(metadata) for name in ("account", "invoice", "product")}
    # invoice.discount_total came with revision 0008: the copy of 0003's table leaves it out.
    invoice = tables["invoice"]
    tables["invoice"] = sa.Table("invoice", sa.MetaData(), *(
        column._copy() for column in invoice.columns if column.name != "discount_total"))
    for table in tables.values():
        for column in table.columns:
            if isinstance(column.type, ExactNumeric):
                column.type = sa.Numeric(column.type.precision, column.type.scale)
    engine = sa.create_engine(f"sqlite:///{path}")
    ids = {}
    with engine.begin() as connection:
        def insert(name: str, **values: object) -> int:
            statement = sa.insert(tables[name]).values(_as_revision_0003_wrote(tables[name], **values))
            return connection.execute(statement.returning(tables[name].c.id)).scalar_one()

        ids["account"] = insert("account", credit_limit=Decimal("150000.29"))
        ids["invoice"] = insert("invoice", account_id=ids["account"], subtotal=Decimal("0.29"), tax_total=Decimal("100"),
                                total=Decimal("1234567.89"), balance=Decimal("-12.34"))
        ids["product"] = insert("product", price=Decimal("19.99"), stock=Decimal("1.0005"))
        kinds = connection.execute(sa.text("SELECT typeof(credit_limit) FROM account")).scalar_one()
        assert kinds == "real"  # what the migration finds
    engine.dispose()
    return ids


MIGRATED = """
query($account: ID!, $product: ID!) {
  account: node(id: $account) { ... on Account { creditLimit
    invoices { nodes { subtotal taxTotal total balance } aggregate { sum { total balance } } } } }
  product: node(id: $product) { ... on Product { price stock } }
}
"""


async def _read_through_the_api(url: str, ids: dict[str, int]) -> dict:
    app = create_app(Settings(database_url=url))
    try:
        token = await create_token(app.state.engine, f"reader-{uuid.uuid4().hex[:8]}", {Scope.READ})
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://crmgraph.test") as http:
            client = GraphQLClient(http, app.state.engine, {"read": token})
            response = await client(MIGRATED, {"account": gid("Account", ids["account"]), "product": gid("Product", ids["product"])},
                                    scope="read")
            return response.data
    finally:
        await app.state.engine.dispose()


async def test_migration_0004_turns_sqlite_reals_into_exact_units(tmp_path) -> None:
    path = tmp_path / "old.db"
    url = f"sqlite+aiosqlite:///{path}"
    await asyncio.to_thread(migrate, url, "0003")
    ids = await asyncio.to_thread(_insert_reals, path)
    await asyncio.to_thread(migrate, url)

    expected = {
        "account": {"creditLimit": "150000.29", "invoices": {
            "nodes": [{"subtotal": "0.29", "taxTotal": "100.00", "total": "1234567.89", "balance": "-12.34"}],
            "aggregate": {"sum": {"total": "1234567.89", "balance": "-12.34"}}}},
        "product": {"price": "19.99", "stock": "1.0005"},
    }
    assert await _read_through_the_api(url, ids) == expected
    engine = sa.create_engine(f"sqlite:///{path}")
    with engine.connect() as connection:
        stored = connection.execute(sa.text(
            "SELECT typeof(credit_limit), credit_limit, (SELECT balance FROM invoice), (SELECT stock FROM product) FROM account"
        )).one()
        assert tuple(stored) == ("integer", 15000029, -1234, 10005)

    # Downgrade gives back the REALs revision 0003 reads; upgrading again gives the same units.
    await asyncio.to_thread(command.downgrade, _alembic(url), "0003")
    with engine.connect() as connection:
        stored = connection.execute(sa.text("SELECT typeof(credit_limit), credit_limit, (SELECT stock FROM product) FROM account")).one()
        assert tuple(stored) == ("real", 150000.29, 1.0005)
    engine.dispose()
    await asyncio.to_thread(migrate, url)
    assert await _read_through_the_api(url, ids) == expected
