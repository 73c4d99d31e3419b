"""Defects an independent review found, each pinned by the request that showed it."""

from __future__ import annotations

import base64
import json

import pytest
import sqlalchemy as sa

from models import Account, Address, Contact, Invoice, Product, PurchaseOrder, Vendor
from tests.client import gid

BIG = "1" + "0" * 30


@pytest.mark.parametrize("value", ["10000000000000000", "1e20", "-1e17"])
async def test_an_amount_beyond_its_column_is_a_clear_filter_error(gql, value) -> None:
    response = await gql("query($v: Decimal) { invoices(filter: {total: {gt: $v}}) { totalCount } }", {"v": value})
    assert response.errors[0]["message"].startswith("filter on total: a value is out of range")
    assert response.errors[0]["extensions"]["code"] == "BAD_USER_INPUT"


@pytest.mark.parametrize(
    ("line", "field", "code"),
    [
        ({"quantity": "1234567890123456789012345678.12345", "unitPrice": "1"}, "quantity", "OUT_OF_RANGE"),
        ({"quantity": "1e20", "unitPrice": "0"}, "quantity", "OUT_OF_RANGE"),
        ({"quantity": "0.0001", "unitPrice": "100000000000000000"}, "unitPrice", "OUT_OF_RANGE"),
        ({"quantity": "1", "unitPrice": "1", "discountAmount": "1e40"}, "discountAmount", "OUT_OF_RANGE"),
    ],
)
async def test_amounts_too_large_for_their_columns_are_user_errors_and_nothing_is_written(gql, factory, line, field, code) -> None:
    contact, vendor, product = await factory.insert(Contact), await factory.insert(Vendor), await factory.insert(Product)
    async with gql.engine.connect() as connection:
        before = (await connection.execute(sa.select(sa.func.count()).select_from(PurchaseOrder.__table__))).scalar_one()
    payload = (await gql(
        "mutation($i: AddPurchaseOrderInput!) { addPurchaseOrder(input: $i) { purchaseOrder { id } errors { field code } } }",
        {"i": {"contactId": gid("Contact", contact), "vendorId": gid("Vendor", vendor), "subject": "x", "date": "2026-01-01",
               "lines": [{"productId": gid("Product", product), **line}]}},
    )).data["addPurchaseOrder"]
    assert {"field": ["lines", "0", field], "code": code} in payload["errors"] and payload["purchaseOrder"] is None
    async with gql.engine.connect() as connection:
        assert (await connection.execute(sa.select(sa.func.count()).select_from(PurchaseOrder.__table__))).scalar_one() == before


async def test_a_credit_limit_of_many_digits_is_a_user_error(gql, factory) -> None:
    source = await factory.insert(Account)
    payload = (await gql(
        "mutation($i: DuplicateAccountInput!) { duplicateAccount(input: $i) { errors { field code } } }",
        {"i": {"sourceId": gid("Account", source), "name": "N", "rfc": "XAXX010101000", "taxRegime": "616", "cfdiUse": "S01",
               "creditLimit": "1234567890123456789012345678.123"}},
    )).data["duplicateAccount"]
    assert payload["errors"] == [{"field": ["creditLimit"], "code": "OUT_OF_RANGE"}]


async def test_ids_and_cursors_with_numbers_out_of_range_are_invalid(gql, factory) -> None:
    huge = base64.b64encode(f"Account:{BIG}".encode()).decode()
    for query in ("query($id: ID!) { node(id: $id) { id } }", "query($id: ID!) { account(id: $id) { id } }"):
        assert (await gql(query, {"id": huge})).errors[0]["message"].startswith("invalid id")
    payload = (await gql("mutation($i: DuplicateAccountInput!) { duplicateAccount(input: $i) { errors { field code } } }",
                         {"i": {"sourceId": huge, "name": "N", "rfc": "XAXX010101000"}})).data["duplicateAccount"]
    assert {"field": ["sourceId"], "code": "INVALID"} in payload["errors"]
    account = await factory.insert(Account)
    for values in (["A", int(BIG)], ["A", "1"], ["A\x00", 1]):
        cursor = base64.urlsafe_b64encode(json.dumps(["name:asc,id:asc", values]).encode()).decode()
        error = (await gql("query($c: String) { accounts(after: $c) { totalCount } }", {"c": cursor})).errors[0]
        assert error["message"] == "invalid cursor: it was not made by this API", values
    money = base64.urlsafe_b64encode(json.dumps(["date:desc,id:desc", ["2026-01-01", 1]]).encode()).decode()
    assert "errors" not in (await gql("query($id: ID!, $c: String) { account(id: $id) { invoices(after: $c) { totalCount } } }",
                                      {"id": gid("Account", account), "c": money})).body
    deep = base64.urlsafe_b64encode(("[" * 50_000 + "]" * 50_000).encode()).decode()
    assert (await gql("query($c: String) { accounts(after: $c) { totalCount } }", {"c": deep})).errors[0]["message"].startswith("invalid cursor")


async def test_is_null_on_a_foreign_key_and_not_are_consistent_with_ne(gql, factory) -> None:
    account = await factory.insert(Account, industry="fk-null-test")
    other = await factory.insert(Account)
    mine = await factory.insert(Contact, account_id=account, title="fk-null-test")
    theirs = await factory.insert(Contact, account_id=other, title="fk-null-test")
    orphan = await factory.insert(Contact, title="fk-null-test")

    async def ids(where: dict) -> set[str]:
        nodes = (await gql("query($f: ContactFilter) { contacts(first: 100, filter: $f) { nodes { id } } }",
                           {"f": {"title": {"eq": "fk-null-test"}, **where}})).data["contacts"]["nodes"]
        return {n["id"] for n in nodes}

    assert await ids({"account": {"id": {"isNull": True}}}) == {gid("Contact", orphan)}
    assert await ids({"account": {"id": {"isNull": False}}}) == {gid("Contact", mine), gid("Contact", theirs)}
    expected = {gid("Contact", theirs), gid("Contact", orphan)}
    assert await ids({"account": {"id": {"ne": gid("Account", account)}}}) == expected
    assert await ids({"not": {"account": {"id": {"eq": gid("Account", account)}}}}) == expected
    await factory.insert(Invoice, account_id=account, serie=None, folio="fk-null-a")
    await factory.insert(Invoice, account_id=account, serie="A", folio="fk-null-b")
    nodes = (await gql("query($id: ID!) { account(id: $id) { invoices(filter: {not: {serie: {eq: \"A\"}}}) { nodes { folio } } } }",
                       {"id": gid("Account", account)})).data["account"]["invoices"]["nodes"]
    assert nodes == [{"folio": "fk-null-a"}]
    addresses = (await gql("{ addresses(filter: {contact: {id: {isNull: true}}}) { totalCount } }")).data["addresses"]["totalCount"]
    async with gql.engine.connect() as connection:
        table = Address.__table__
        assert addresses == (await connection.execute(
            sa.select(sa.func.count()).select_from(table).where(table.c.contact_id.is_(None)))).scalar_one()


async def test_a_generic_rfc_needs_its_regime_and_clearing_it_is_refused(gql, factory) -> None:
    source = await factory.insert(Account, tax_regime="601", cfdi_use="G03")
    payload = (await gql(
        "mutation($i: DuplicateAccountInput!) { duplicateAccount(input: $i) { errors { field code message } } }",
        {"i": {"sourceId": gid("Account", source), "name": "G", "rfc": "XAXX010101000", "taxRegime": None, "cfdiUse": "S01"}},
    )).data["duplicateAccount"]
    assert [e["field"] for e in payload["errors"]] == [["taxRegime"]]  # one reason per field
    assert "taxRegime cannot be null" in payload["errors"][0]["message"]
    omitted = (await gql(
        "mutation($i: DuplicateAccountInput!) { duplicateAccount(input: $i) { errors { field code message } } }",
        {"i": {"sourceId": gid("Account", source), "name": "G", "rfc": "XAXX010101000", "cfdiUse": "S01"}},
    )).data["duplicateAccount"]
    assert [e["field"] for e in omitted["errors"]] == [["taxRegime"]]
    assert "goes with régimen 616 and uso S01" in omitted["errors"][0]["message"]


async def test_a_lone_surrogate_is_refused_as_a_bad_body(gql) -> None:
    body = '{"query": "query($t: String!) { search(text: $t) { accounts { id } } }", "variables": {"t": "ab\\ud800"}}'
    reply = await gql.http.post("/graphql", content=body, headers={"content-type": "application/json",
                                                                    "authorization": f"Bearer {gql.tokens['read']}"})
    assert reply.status_code == 400 and "lone surrogate" in reply.text


async def test_avg_is_rounded_half_up_from_exact_sums(gql, factory) -> None:
    from decimal import Decimal

    account = await factory.insert(Account)
    for total in ("594.74", "4596.79"):
        await factory.insert(Invoice, account_id=account, total=Decimal(total))
    data = (await gql("query($id: ID!) { account(id: $id) { invoices { aggregate { avg { total } } } } }",
                      {"id": gid("Account", account)})).data
    assert data["account"]["invoices"]["aggregate"]["avg"]["total"] == "2595.77"  # 2595.765, half-up


async def test_a_date_must_be_written_yyyy_mm_dd(gql) -> None:
    error = (await gql('{ invoices(filter: {date: {gt: "20260101"}}) { totalCount } }')).errors[0]
    assert "YYYY-MM-DD" in error["message"]
