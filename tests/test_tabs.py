"""Every tab of Account and Contact: the rows of the database, in order, each exactly once, with counts."""

from __future__ import annotations

import datetime as dt
import itertools
from pathlib import Path

import pytest
import sqlalchemy as sa

from models import RELATIONS, Account, Contact, Invoice, Relation
from models.relations import ACCOUNT_TABS, CONTACT_TABS
from tests.client import gid
from tests.expect import as_json, related_rows, scalar_columns, selection

TABS = [r for r in RELATIONS if r.paged]
PAGE_QUERY = """
query Page($id: ID!, $first: Int!, $after: String) {
  node(id: $id) {
    ... on %(parent)s {
      %(field)s(first: $first, after: $after) {
        totalCount
        edges { cursor node { id %(fields)s } %(edge_fields)s }
        nodes { id }
        pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
      }
    }
  }
}
"""


#: The product documents (docs/product/, copies of the seeds): each screen opens on "Detalles", then
#: each tab is a one-line label followed by a paragraph whose first line is its subtitle; the action
#: (Duplicar, Agregar Compra) ends the list.
PRODUCT_DOCS = Path(__file__).parent.parent / "docs" / "product"
SCREENS = {Account: ("cliente.txt", "Duplicar"), Contact: ("contacto.txt", "Agregar Compra")}


def documented_tabs(parent: type) -> list[tuple[str, str | None]]:
    """(label, subtitle) of every tab of the screen, in the order the document gives them."""
    name, action = SCREENS[parent]
    paragraphs = [p.strip() for p in (PRODUCT_DOCS / name).read_text(encoding="utf-8").split("\n\n") if p.strip()]
    tabs: list[tuple[str, str | None]] = [(paragraphs[0], None)]  # Detalles: the record's own fields
    for label, body in itertools.pairwise(paragraphs[1:]):
        if label == action:
            return tabs
        if "\n" not in label and "\n" in body:
            tabs.append((label, body.splitlines()[0]))
    raise AssertionError(f"{name} has no {action!r}")


@pytest.mark.parametrize("parent", [Account, Contact], ids=lambda m: m.__name__)
def test_the_registry_holds_every_tab_of_the_product_documents_in_order(parent) -> None:
    documented = documented_tabs(parent)
    assert documented[0] == ("Detalles", None) and len(documented) > 1
    registry = ACCOUNT_TABS if parent is Account else CONTACT_TABS
    assert [(r.label, r.summary) for r in registry] == documented[1:]


async def _page_through(gql, relation: Relation, parent_id: int, first: int) -> tuple[list[dict], int]:
    query = PAGE_QUERY % {
        "parent": relation.parent.__name__,
        "field": relation.field,
        "fields": selection(relation.target),
        "edge_fields": " ".join(_camel(f) for f in relation.link_fields),
    }
    edges, after, total = [], None, None
    for page_number in range(50):  # bounded: far more pages than any test makes
        data = (await gql(query, {"id": gid(relation.parent.__name__, parent_id), "first": first, "after": after})).data
        connection = data["node"][relation.field]
        total = connection["totalCount"]
        assert [e["node"]["id"] for e in connection["edges"]] == [n["id"] for n in connection["nodes"]]
        assert connection["pageInfo"]["hasPreviousPage"] is (page_number > 0)
        if connection["edges"]:
            assert connection["pageInfo"]["startCursor"] == connection["edges"][0]["cursor"]
            assert connection["pageInfo"]["endCursor"] == connection["edges"][-1]["cursor"]
            assert len(connection["edges"]) <= first
        edges += connection["edges"]
        if not connection["pageInfo"]["hasNextPage"]:
            return edges, total
        after = connection["pageInfo"]["endCursor"]
    raise AssertionError("paging did not end")


def _camel(name: str) -> str:
    head, *rest = name.split("_")
    return head + "".join(part.title() for part in rest)


@pytest.mark.parametrize("relation", TABS, ids=lambda r: r.key)
async def test_a_tab_pages_through_every_row_of_its_parent_once(gql, factory, relation: Relation) -> None:
    parent, other = await factory.insert(relation.parent), await factory.insert(relation.parent)
    order_column = relation.target.__table__.c[relation.target.default_order[0].lstrip("-")]
    tied = {} if order_column.unique else {order_column.name: factory.value(order_column)}
    for i in range(7):  # four rows share their first order value (unless unique): the id breaks the tie
        await factory.related(relation, parent, **(tied if i % 2 == 0 else {}))
    for _ in range(2):
        await factory.related(relation, other)

    expected = await related_rows(gql.engine, relation, parent)
    edges, total = await _page_through(gql, relation, parent, first=3)

    assert total == len(expected) == 7
    assert [e["node"]["id"] for e in edges] == [gid(relation.target.graphql_name or relation.target.__name__, r["id"]) for r in expected]
    for edge, row in zip(edges, expected, strict=True):
        for column in scalar_columns(relation.target):
            assert edge["node"][_camel(column)] == as_json(row[column]), column
    assert len({e["cursor"] for e in edges}) == 7


async def test_an_empty_tab_is_an_empty_page(gql, factory) -> None:
    account = await factory.insert(Account)
    data = (await gql(
        "query($id: ID!) { account(id: $id) { invoices { totalCount edges { cursor } nodes { id } "
        "pageInfo { hasNextPage hasPreviousPage startCursor endCursor } } } }",
        {"id": gid("Account", account)},
    )).data
    assert data["account"]["invoices"] == {
        "totalCount": 0,
        "edges": [],
        "nodes": [],
        "pageInfo": {"hasNextPage": False, "hasPreviousPage": False, "startCursor": None, "endCursor": None},
    }


async def test_paging_is_stable_while_rows_are_inserted(gql, factory) -> None:
    account = await factory.insert(Account)
    days = [dt.date(2026, 3, d) for d in (20, 18, 16, 14, 12, 10)]
    original = [await factory.insert(Invoice, account_id=account, date=day) for day in days]
    query = (
        "query($id: ID!, $after: String) { account(id: $id) { invoices(first: 2, after: $after) "
        "{ nodes { id date } pageInfo { hasNextPage endCursor } } } }"
    )
    seen: list[str] = []
    after = None
    for step in range(10):
        page = (await gql(query, {"id": gid("Account", account), "after": after})).data["account"]["invoices"]
        seen += [n["id"] for n in page["nodes"]]
        if step == 0:
            # One newer than everything (before the cursor) and one in the middle (after it).
            await factory.insert(Invoice, account_id=account, date=dt.date(2026, 3, 25))
            late = await factory.insert(Invoice, account_id=account, date=dt.date(2026, 3, 13))
        if not page["pageInfo"]["hasNextPage"]:
            break
        after = page["pageInfo"]["endCursor"]
    assert len(seen) == len(set(seen))
    expected = original[:4] + [late] + original[4:]  # 20, 18, 16, 14, 13 (inserted), 12, 10 March
    assert seen == [gid("Invoice", i) for i in expected]


async def test_campaign_edges_carry_the_status_of_the_link(gql, factory) -> None:
    relation = next(r for r in ACCOUNT_TABS if r.field == "campaigns")
    account = await factory.insert(Account)
    opened = await factory.insert(relation.target)
    converted = await factory.insert(relation.target)
    await factory.link(relation, account, opened, status="OPENED")
    await factory.link(relation, account, converted, status="CONVERTED")
    data = (await gql(
        "query($id: ID!) { account(id: $id) { campaigns { edges { status addedAt node { id } } } } }",
        {"id": gid("Account", account)},
    )).data
    statuses = {e["node"]["id"]: e["status"] for e in data["account"]["campaigns"]["edges"]}
    assert statuses == {gid("Campaign", opened): "OPENED", gid("Campaign", converted): "CONVERTED"}


@pytest.mark.parametrize("parent", [Account, Contact], ids=lambda m: m.__name__)
async def test_tabs_draw_the_whole_bar_detalles_first_then_counts_in_one_statement(gql, factory, parent) -> None:
    tabs = ACCOUNT_TABS if parent is Account else CONTACT_TABS
    ids = [await factory.insert(parent) for _ in range(3)]
    for n, relation in enumerate(tabs):  # tab n gets n % 4 rows on the first parent, 1 on the second
        for _ in range(n % 4):
            await factory.related(relation, ids[0])
        await factory.related(relation, ids[1])
    response = await gql(
        "query($ids: [ID!]!) { nodes(ids: $ids) { ... on %s { tabs { kind field label description count } } } }"
        % parent.__name__,
        {"ids": [gid(parent.__name__, i) for i in ids]},
    )
    first, second, third = (node["tabs"] for node in response.data["nodes"])
    documented = documented_tabs(parent)
    for bar in (first, second, third):
        assert [(t["label"], t["description"]) for t in bar] == documented
        assert bar[0] == {"kind": "DETAILS", "field": None, "label": "Detalles", "description": None, "count": None}
        assert {t["kind"] for t in bar[1:]} == {"RELATED"}
        assert [t["field"] for t in bar[1:]] == [r.field for r in tabs]
    assert [t["count"] for t in first[1:]] == [n % 4 for n in range(len(tabs))]
    assert [t["count"] for t in second[1:]] == [1] * len(tabs)
    assert [t["count"] for t in third[1:]] == [0] * len(tabs)
    assert len(response.statements) == 2  # the parents by id, then every count of every tab

    # Every badge is its list's totalCount, on every parent.
    totals = " ".join(f"{r.field} {{ totalCount }}" for r in tabs)
    lists = await gql(
        "query($ids: [ID!]!) { nodes(ids: $ids) { ... on %s { %s } } }" % (parent.__name__, totals),
        {"ids": [gid(parent.__name__, i) for i in ids]},
    )
    for bar, node in zip((first, second, third), lists.data["nodes"], strict=True):
        assert {t["field"]: t["count"] for t in bar[1:]} == {f: c["totalCount"] for f, c in node.items()}


async def test_back_links_reach_the_parent_and_the_lines(gql, factory) -> None:
    from models import PurchaseOrder, PurchaseOrderLine, Quote, QuoteLine, SalesOrder, SalesOrderLine, Vendor
    from models.parties import AccountRelation

    account = await factory.insert(Account)
    sister = await factory.insert(Account, name="Hermana SA de CV")
    contact = await factory.insert(Contact, account_id=account)
    vendor = await factory.insert(Vendor, name="Proveedora del Norte")
    order = await factory.insert(PurchaseOrder, contact_id=contact, vendor_id=vendor)
    lines = [await factory.insert(PurchaseOrderLine, purchase_order_id=order, position=p) for p in (2, 1, 3)]
    quote = await factory.insert(Quote, account_id=account, contact_id=contact)
    quote_line = await factory.insert(QuoteLine, quote_id=quote)
    sale = await factory.insert(SalesOrder, account_id=account)
    sale_line = await factory.insert(SalesOrderLine, sales_order_id=sale)
    await factory.insert(AccountRelation, account_id=account, related_account_id=sister, kind="AFFILIATE")
    await factory.insert(Invoice, account_id=account, contact_id=contact)

    data = (await gql(
        """query($id: ID!) { contact(id: $id) {
             account { id name
               relatedAccounts { nodes { kind account { id } relatedAccount { id name } } }
               invoices { nodes { account { id } contact { id } } }
               quotes { nodes { lines { id quote { id } } contact { id } } }
               salesOrders { nodes { lines { id salesOrder { id } } } } }
             purchaseOrders { nodes { vendor { id name } contact { id } lines { id position purchaseOrder { id } } } } } }""",
        {"id": gid("Contact", contact)},
    )).data["contact"]
    assert data["account"]["id"] == gid("Account", account)
    relation = data["account"]["relatedAccounts"]["nodes"][0]
    assert relation == {"kind": "AFFILIATE", "account": {"id": gid("Account", account)},
                        "relatedAccount": {"id": gid("Account", sister), "name": "Hermana SA de CV"}}
    assert data["account"]["invoices"]["nodes"] == [{"account": {"id": gid("Account", account)}, "contact": {"id": gid("Contact", contact)}}]
    assert data["account"]["quotes"]["nodes"] == [{"lines": [{"id": gid("QuoteLine", quote_line), "quote": {"id": gid("Quote", quote)}}], "contact": {"id": gid("Contact", contact)}}]
    assert data["account"]["salesOrders"]["nodes"][0]["lines"] == [{"id": gid("SalesOrderLine", sale_line), "salesOrder": {"id": gid("SalesOrder", sale)}}]
    (purchase,) = data["purchaseOrders"]["nodes"]
    assert purchase["vendor"] == {"id": gid("Vendor", vendor), "name": "Proveedora del Norte"}
    assert purchase["contact"] == {"id": gid("Contact", contact)}
    assert [line["id"] for line in purchase["lines"]] == [gid("PurchaseOrderLine", lines[i]) for i in (1, 0, 2)]
    assert {line["purchaseOrder"]["id"] for line in purchase["lines"]} == {gid("PurchaseOrder", order)}


async def test_a_row_of_another_parent_never_leaks_into_a_page(gql, factory) -> None:
    a, b = await factory.insert(Account), await factory.insert(Account)
    await factory.insert(Invoice, account_id=b)
    data = (await gql("query($id: ID!) { account(id: $id) { invoices { totalCount nodes { id } } } }", {"id": gid("Account", a)})).data
    assert data["account"]["invoices"] == {"totalCount": 0, "nodes": []}
    async with gql.engine.connect() as connection:
        assert (await connection.execute(sa.select(sa.func.count()).select_from(Invoice.__table__).where(Invoice.__table__.c.account_id == b))).scalar_one() == 1
