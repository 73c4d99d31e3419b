"""The number of SQL statements of a query depends on its shape, never on how many parents it touches."""

from __future__ import annotations

import pytest

from models import Account, Contact, Invoice, PurchaseOrder, PurchaseOrderLine, SupportCase
from models.relations import ACCOUNT_TABS
from tests.client import gid

NESTED = """
query($ids: [ID!]!) {
  nodes(ids: $ids) {
    ... on Account {
      name
      invoices(first: 5) { totalCount nodes { total account { id } contact { id } } }
      products(first: 5) { totalCount nodes { name } }
      campaigns(first: 5) { edges { status node { name } } }
      contacts(first: 5) {
        totalCount
        nodes {
          lastName
          account { id }
          cases(first: 3) { totalCount nodes { title contact { lastName } } }
          purchaseOrders(first: 3) { nodes { number vendor { name } lines { position product { name } } } }
        }
      }
      tabs { field count }
    }
  }
}
"""


@pytest.fixture(scope="module")
async def fifty_accounts(factory) -> list[str]:
    """Fifty accounts, each with invoices, a product, a campaign and two contacts with cases and orders."""
    products = next(r for r in ACCOUNT_TABS if r.field == "products")
    campaigns = next(r for r in ACCOUNT_TABS if r.field == "campaigns")
    campaign = await factory.insert(campaigns.target)
    ids = []
    for _ in range(50):
        account = await factory.insert(Account)
        ids.append(gid("Account", account))
        product = await factory.related(products, account)
        await factory.link(campaigns, account, campaign)
        for _ in range(2):
            contact = await factory.insert(Contact, account_id=account)
            await factory.insert(Invoice, account_id=account, contact_id=contact)
            await factory.insert(SupportCase, contact_id=contact, account_id=account)
            order = await factory.insert(PurchaseOrder, contact_id=contact)
            await factory.insert(PurchaseOrderLine, purchase_order_id=order, product_id=product)
    return ids


@pytest.mark.parametrize("size", [1, 10, 50])
async def test_a_nested_query_makes_the_same_statements_for_1_or_50_accounts(gql, fifty_accounts, size) -> None:
    response = await gql(NESTED, {"ids": fifty_accounts[:size]})
    nodes = response.data["nodes"]
    assert len(nodes) == size
    assert all(len(n["contacts"]["nodes"]) == 2 for n in nodes)
    assert all(c["purchaseOrders"]["nodes"][0]["lines"] for n in nodes for c in n["contacts"]["nodes"])
    # accounts by id; invoices page + count; products page + count; campaigns page; contacts page + count;
    # cases page + count; contacts by id (of invoices and cases: one loader); purchase orders page; vendors
    # by id; lines; line products by id; tab counts. invoice.account and contact.account reuse loaded accounts.
    assert len(response.statements) == 16, "\n\n".join(response.statements)


@pytest.mark.parametrize("size", [1, 50])
async def test_root_lists_make_the_same_statements_for_1_or_50_accounts(gql, fifty_accounts, size) -> None:
    # Only the fixture's accounts: other tests' accounts (without contacts) would skip a statement.
    response = await gql(
        "query($n: Int!, $ids: [ID!]!) { accounts(first: $n, filter: {id: {in: $ids}}) { totalCount nodes { "
        "invoices(first: 2) { nodes { id } } contacts(first: 2) { nodes { cases(first: 2) { totalCount } } } } } }",
        {"n": size, "ids": fifty_accounts},
    )
    assert len(response.data["accounts"]["nodes"]) == size
    # the page, its count, invoices, contacts, case counts (no page of cases: none of their rows is asked)
    assert len(response.statements) == 5


async def test_counts_are_only_read_when_asked_for(gql, fifty_accounts) -> None:
    without = await gql("query($ids: [ID!]!) { nodes(ids: $ids) { ... on Account { invoices { nodes { id } } } } }",
                        {"ids": fifty_accounts})
    with_count = await gql("query($ids: [ID!]!) { nodes(ids: $ids) { ... on Account { invoices { totalCount } } } }",
                           {"ids": fifty_accounts})
    # the accounts, then their invoices page; or the accounts, then the counts (no page: no row is asked)
    assert len(without.statements) == 2 and not any("count(" in s for s in without.statements)
    assert len(with_count.statements) == 2 and "count(" in with_count.statements[1]
    assert {n["invoices"]["totalCount"] for n in with_count.data["nodes"]} == {2}


async def test_aliases_with_different_arguments_are_batched_apart(gql, fifty_accounts) -> None:
    response = await gql(
        "query($ids: [ID!]!) { nodes(ids: $ids) { ... on Account { "
        "one: invoices(first: 1) { nodes { id } } two: invoices(first: 2) { nodes { id } } } } }",
        {"ids": fifty_accounts},
    )
    assert len(response.statements) == 3
    assert all(len(n["one"]["nodes"]) == 1 and len(n["two"]["nodes"]) == 2 for n in response.data["nodes"])
