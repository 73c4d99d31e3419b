"""Relay ids: node/nodes for every type, null for what does not exist, clear errors for what is malformed."""

from __future__ import annotations

import base64

import pytest
import sqlalchemy as sa

from models import NODE_MODELS, Account, Contact, Invoice
from tests.client import gid


@pytest.mark.parametrize("type_name", sorted(NODE_MODELS))
async def test_every_type_is_reachable_by_its_global_id(gql, factory, type_name) -> None:
    pk = await factory.insert(NODE_MODELS[type_name])
    data = (await gql("query($id: ID!) { node(id: $id) { __typename id } }", {"id": gid(type_name, pk)})).data
    assert data["node"] == {"__typename": type_name, "id": gid(type_name, pk)}


async def test_nodes_keeps_the_order_asked_and_puts_null_for_missing_or_deleted_rows(gql, factory) -> None:
    account = await factory.insert(Account)
    contact = await factory.insert(Contact)
    doomed = await factory.insert(Invoice)
    async with gql.engine.begin() as connection:
        await connection.execute(sa.delete(Invoice.__table__).where(Invoice.__table__.c.id == doomed))
    ids = [gid("Contact", contact), gid("Invoice", doomed), gid("Account", account), gid("Account", 999_999_999), gid("Nope", 1)]
    response = await gql("query($ids: [ID!]!) { nodes(ids: $ids) { id } }", {"ids": ids})
    assert response.data["nodes"] == [{"id": ids[0]}, None, {"id": ids[2]}, None, None]
    single = await gql("query($id: ID!) { node(id: $id) { id } }", {"id": ids[1]})
    assert single.data == {"node": None}


@pytest.mark.parametrize(
    "bad_id",
    [
        "zzz",
        "",
        "%%%",
        base64.b64encode(b"Account:abc").decode(),
        base64.b64encode(b"Account:-1").decode(),
        base64.b64encode(b"Account:0").decode(),
        base64.b64encode(b"Account").decode(),
        base64.b64encode(b"\xff\xfe:1").decode(),
        "A" * 10_000,
    ],
)
async def test_a_malformed_id_is_a_clear_error_never_a_server_error(gql, bad_id) -> None:
    for query in ("query($id: ID!) { node(id: $id) { id } }", "query($id: ID!) { account(id: $id) { id } }"):
        response = await gql(query, {"id": bad_id})
        assert response.status == 200
        (error,) = response.errors
        assert error["message"].startswith("invalid id"), error
        assert error["extensions"]["code"] == "BAD_USER_INPUT"
        assert len(error["message"]) < 200


async def test_account_and_contact_refuse_an_id_of_another_type_and_give_null_for_an_unknown_one(gql, factory) -> None:
    contact = await factory.insert(Contact)
    wrong = await gql("query($id: ID!) { account(id: $id) { id } }", {"id": gid("Contact", contact)})
    assert "not an id of a Account" in wrong.errors[0]["message"]
    missing = await gql("query($id: ID!) { contact(id: $id) { id } }", {"id": gid("Contact", 999_999_999)})
    assert missing.data == {"contact": None}


@pytest.mark.parametrize("first", [0, -1, 101, 10_000])
async def test_first_outside_1_to_100_is_a_clear_error(gql, factory, first) -> None:
    account = await factory.insert(Account)
    for query in (
        "query($id: ID!, $first: Int!) { account(id: $id) { invoices(first: $first) { totalCount } } }",
        "query($first: Int!) { accounts(first: $first) { totalCount } }",
    ):
        response = await gql(query, {"id": gid("Account", account), "first": first})
        assert response.errors[0]["message"] == f"first must be between 1 and 100, got {first}"
        # A refused page reads nothing: only the account itself is read for the tab query.
        assert len(response.statements) == (1 if "invoices" in query else 0)


async def test_a_malformed_cursor_or_one_of_another_list_is_a_clear_error(gql, factory) -> None:
    account = await factory.insert(Account)
    for _ in range(2):
        await factory.insert(Invoice, account_id=account)
        await factory.insert(Contact, account_id=account)
    query = "query($id: ID!, $after: String) { account(id: $id) { %s(first: 1, after: $after) { pageInfo { endCursor } } } }"
    contact_cursor = (await gql(query % "contacts", {"id": gid("Account", account)})).data["account"]["contacts"]["pageInfo"]["endCursor"]
    for bad in ["abc", "!!!", base64.urlsafe_b64encode(b'["date:desc,id:desc",[1]]').decode(),
                base64.urlsafe_b64encode(b'["date:desc,id:desc",["not a date",1]]').decode(),
                base64.urlsafe_b64encode(b'["date:desc,id:desc",["2026-01-01","1"]]').decode(), "x" * 5000]:
        error = (await gql(query % "invoices", {"id": gid("Account", account), "after": bad})).errors[0]
        assert error["message"] == "invalid cursor: it was not made by this API", bad
    error = (await gql(query % "invoices", {"id": gid("Account", account), "after": contact_cursor})).errors[0]
    assert error["message"].startswith("invalid cursor: it was made for the order 'lastName:asc,firstName:asc,id:asc'")


async def test_root_lists_page_through_every_account_once(gql, factory) -> None:
    await factory.insert(Account)
    query = "query($after: String) { accounts(first: 100, after: $after) { totalCount nodes { id } pageInfo { hasNextPage endCursor } } }"
    seen, after = [], None
    for _ in range(100):
        page = (await gql(query, {"after": after})).data["accounts"]
        seen += [n["id"] for n in page["nodes"]]
        if not page["pageInfo"]["hasNextPage"]:
            break
        after = page["pageInfo"]["endCursor"]
    async with gql.engine.connect() as connection:
        ids = (await connection.execute(sa.select(Account.__table__.c.id))).scalars().all()
    assert sorted(seen) == sorted(gid("Account", i) for i in ids)
    assert len(seen) == len(set(seen)) == page["totalCount"]


async def test_a_failing_field_leaves_the_siblings_that_share_its_rows_their_answer(gql, factory) -> None:
    """graphql-core cancels the sibling fields of a field that fails. The contact's `account` is
    cancelled there, while the invoice's `account` waits for the same row: it must still get it."""
    account = await factory.insert(Account)
    contact = await factory.insert(Contact, account_id=account)
    invoice = await factory.insert(Invoice, account_id=account)
    response = await gql(
        """query($invoice: ID!, $contact: ID!, $wrong: ID!) {
             node(id: $invoice) { ... on Invoice { account { name } } }
             nodes(ids: [$contact]) {
               ... on Contact { account { name } emails(filter: {id: {eq: $wrong}}) { totalCount } }
             }
           }""",
        {"invoice": gid("Invoice", invoice), "contact": gid("Contact", contact), "wrong": gid("Account", account)},
    )
    assert response.status == 200
    assert response.body["data"]["node"]["account"]["name"]
    assert response.body["data"]["nodes"] == [None]
    (error,) = response.errors
    assert error["extensions"]["code"] == "BAD_USER_INPUT" and "not an id of a Email" in error["message"]
