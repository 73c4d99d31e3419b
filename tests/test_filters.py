"""Filters, ordering, aggregates, root lists and search: the same answers as SQL and Python give."""

from __future__ import annotations

import base64
import datetime as dt
import uuid
from decimal import Decimal

import pytest
import sqlalchemy as sa

from models import NODE_MODELS, Account, Address, Contact, Invoice
from resolvers.root import plural
from tests.client import gid

INVOICES = [  # folio, status, total, date, serie (nullable), due_date (nullable)
    ("F1", "ISSUED", "100.00", dt.date(2026, 1, 10), "A", dt.date(2026, 2, 10)),
    ("F2", "PAID", "2500.50", dt.date(2026, 1, 10), "A", None),
    ("F3", "OVERDUE", "10000.00", dt.date(2026, 2, 1), None, dt.date(2026, 3, 1)),
    ("F4", "ISSUED", "10000.01", dt.date(2026, 3, 5), "B", None),
    ("F5", "CANCELLED", "0.00", dt.date(2026, 3, 5), "B", dt.date(2026, 4, 5)),
    ("F6", "PARTIALLY_PAID", "55555.55", dt.date(2026, 3, 5), None, None),
]


def _pk(global_id: str) -> int:
    return int(base64.b64decode(global_id).decode().split(":")[1])


@pytest.fixture
async def invoices(factory) -> int:
    account = await factory.insert(Account)
    for folio, status, total, date, serie, due in INVOICES:
        await factory.insert(Invoice, account_id=account, folio=folio, status=status, total=Decimal(total),
                             balance=Decimal(total) / 2, date=date, serie=serie, due_date=due)
    return account


async def _folios(gql, account: int, where: dict, **arguments) -> list[str]:
    response = await gql(
        "query($id: ID!, $f: InvoiceFilter, $o: [InvoiceOrder!]) { account(id: $id) { "
        "invoices(first: 100, filter: $f, orderBy: $o) { totalCount nodes { folio } } } }",
        {"id": gid("Account", account), "f": where, "o": arguments.get("order")},
    )
    connection = response.data["account"]["invoices"]
    assert connection["totalCount"] == len(connection["nodes"])
    return [n["folio"] for n in connection["nodes"]]


def _expected(predicate) -> set[str]:  # noqa: ANN001
    return {row[0] for row in INVOICES if predicate(*row)}


@pytest.mark.parametrize(
    ("where", "predicate"),
    [
        ({"status": {"eq": "ISSUED"}}, lambda f, s, t, d, se, du: s == "ISSUED"),
        ({"status": {"ne": "ISSUED"}}, lambda f, s, t, d, se, du: s != "ISSUED"),
        ({"status": {"in": ["PAID", "OVERDUE"]}}, lambda f, s, t, d, se, du: s in ("PAID", "OVERDUE")),
        ({"total": {"gt": "10000"}}, lambda f, s, t, d, se, du: Decimal(t) > 10000),
        ({"total": {"gte": "10000"}}, lambda f, s, t, d, se, du: Decimal(t) >= 10000),
        ({"total": {"lt": "100"}}, lambda f, s, t, d, se, du: Decimal(t) < 100),
        ({"total": {"lte": "100", "gte": "0.01"}}, lambda f, s, t, d, se, du: Decimal("0.01") <= Decimal(t) <= 100),
        ({"total": {"eq": "2500.5"}}, lambda f, s, t, d, se, du: Decimal(t) == Decimal("2500.5")),
        ({"total": {"in": ["0", "100.00"]}}, lambda f, s, t, d, se, du: Decimal(t) in (0, 100)),
        ({"date": {"gte": "2026-02-01", "lt": "2026-03-05"}}, lambda f, s, t, d, se, du: dt.date(2026, 2, 1) <= d < dt.date(2026, 3, 5)),
        ({"date": {"eq": "2026-03-05"}}, lambda f, s, t, d, se, du: d == dt.date(2026, 3, 5)),
        ({"serie": {"isNull": True}}, lambda f, s, t, d, se, du: se is None),
        ({"serie": {"isNull": False}}, lambda f, s, t, d, se, du: se is not None),
        ({"serie": {"ne": "A"}}, lambda f, s, t, d, se, du: se != "A"),  # a NULL is "not equal" too
        ({"dueDate": {"isNull": True}, "serie": {"eq": "B"}}, lambda f, s, t, d, se, du: du is None and se == "B"),
        ({"folio": {"in": ["F1", "F6", "nope"]}}, lambda f, s, t, d, se, du: f in ("F1", "F6")),
        ({"folio": {"startsWith": "f"}}, lambda f, s, t, d, se, du: True),
        ({"or": [{"status": {"eq": "PAID"}}, {"total": {"gt": "50000"}}]}, lambda f, s, t, d, se, du: s == "PAID" or Decimal(t) > 50000),
        ({"not": {"status": {"in": ["ISSUED", "PAID"]}}}, lambda f, s, t, d, se, du: s not in ("ISSUED", "PAID")),
        ({"and": [{"date": {"eq": "2026-03-05"}}, {"not": {"serie": {"isNull": True}}}], "total": {"gt": "1"}},
         lambda f, s, t, d, se, du: d == dt.date(2026, 3, 5) and se is not None and Decimal(t) > 1),
        ({}, lambda f, s, t, d, se, du: True),
        ({"or": []}, lambda f, s, t, d, se, du: False),
    ],
)
async def test_each_operator_keeps_exactly_the_rows_it_means(gql, invoices, where, predicate) -> None:
    assert set(await _folios(gql, invoices, where)) == _expected(predicate)


async def test_id_filters_take_global_ids_of_their_type(gql, invoices) -> None:
    nodes = (await gql("query($id: ID!) { account(id: $id) { invoices(first: 100) { nodes { id folio } } } }",
                       {"id": gid("Account", invoices)})).data["account"]["invoices"]["nodes"]
    some = [n["id"] for n in nodes[:2]]
    assert set(await _folios(gql, invoices, {"id": {"in": some}})) == {n["folio"] for n in nodes[:2]}
    assert set(await _folios(gql, invoices, {"id": {"ne": some[0]}})) == {n["folio"] for n in nodes[1:]}
    wrong = await gql("query($f: InvoiceFilter) { invoices(filter: $f) { totalCount } }", {"f": {"id": {"eq": gid("Account", 1)}}})
    assert "not an id of a Invoice" in wrong.errors[0]["message"]


async def test_ordering_by_any_column_pages_through_ties_once_in_order(gql, invoices) -> None:
    for order, key in (
        ([{"field": "DATE", "direction": "ASC"}], lambda r: (r[3], 0)),
        ([{"field": "DATE", "direction": "DESC"}, {"field": "TOTAL", "direction": "ASC"}], lambda r: (-r[3].toordinal(), Decimal(r[2]))),
        ([{"field": "SERIE", "direction": "DESC"}], None),
    ):
        seen, after = [], None
        for _ in range(10):
            page = (await gql(
                "query($id: ID!, $o: [InvoiceOrder!], $after: String) { account(id: $id) { "
                "invoices(first: 2, orderBy: $o, after: $after) { nodes { folio serie } pageInfo { hasNextPage endCursor } } } }",
                {"id": gid("Account", invoices), "o": order, "after": after},
            )).data["account"]["invoices"]
            seen += page["nodes"]
            if not page["pageInfo"]["hasNextPage"]:
                break
            after = page["pageInfo"]["endCursor"]
        folios = [n["folio"] for n in seen]
        assert sorted(folios) == sorted(r[0] for r in INVOICES)  # every row exactly once
        if key is not None:
            assert [key(next(r for r in INVOICES if r[0] == f)) for f in folios] == sorted(key(r) for r in INVOICES)
        else:  # DESC, NULLs last, ties by id (descending, as the first key)
            series = [n["serie"] for n in seen]
            assert series == ["B", "B", "A", "A", None, None]


async def test_a_cursor_of_another_order_is_refused(gql, invoices) -> None:
    query = ("query($id: ID!, $o: [InvoiceOrder!], $after: String) { account(id: $id) { "
             "invoices(first: 1, orderBy: $o, after: $after) { pageInfo { endCursor } } } }")
    cursor = (await gql(query, {"id": gid("Account", invoices), "o": [{"field": "TOTAL"}]})).data["account"]["invoices"]["pageInfo"]["endCursor"]
    error = (await gql(query, {"id": gid("Account", invoices), "after": cursor})).errors[0]
    assert error["message"].startswith("invalid cursor: it was made for the order 'total:asc,id:asc'")


async def test_aggregates_match_sql_written_by_hand(gql, invoices) -> None:
    data = (await gql(
        "query($id: ID!) { account(id: $id) { invoices(filter: {status: {ne: CANCELLED}}) { aggregate { count "
        "sum { total balance } min { total } max { total } avg { total } } } } }", {"id": gid("Account", invoices)},
    )).data["account"]["invoices"]["aggregate"]
    async with gql.engine.connect() as connection:
        row = (await connection.execute(sa.text(
            "SELECT count(*), sum(total), min(total), max(total), avg(total), sum(balance) FROM invoice "
            "WHERE account_id = :account AND status <> 'CANCELLED'"), {"account": invoices})).one()
    count, total, low, high, average, balance = row
    if gql.engine.dialect.name == "sqlite":  # SQLite keeps whole cents (models/exact.py)
        total, low, high, balance = (Decimal(v).scaleb(-2) for v in (total, low, high, balance))
        average = Decimal(str(average)) / 100
    assert data["count"] == count == 5
    assert Decimal(data["sum"]["total"]) == Decimal(str(total)).quantize(Decimal("0.01"))
    assert Decimal(data["sum"]["balance"]) == Decimal(str(balance)).quantize(Decimal("0.01"))
    assert (Decimal(data["min"]["total"]), Decimal(data["max"]["total"])) == (Decimal(str(low)), Decimal(str(high)))
    assert abs(Decimal(data["avg"]["total"]) - Decimal(str(average))) < Decimal("0.01")


async def test_avg_is_rounded_half_up_from_exact_sums(gql, factory) -> None:
    account = await factory.insert(Account)
    for total in ("594.74", "4596.79"):
        await factory.insert(Invoice, account_id=account, total=Decimal(total))
    data = (await gql("query($id: ID!) { account(id: $id) { invoices { aggregate { avg { total } } } } }",
                      {"id": gid("Account", account)})).data
    assert data["account"]["invoices"]["aggregate"]["avg"]["total"] == "2595.77"  # 2595.765, half-up


async def test_related_filters_reach_across_relations(gql, factory) -> None:
    marker = uuid.uuid4().hex[:10]
    jalisco, sonora = await factory.insert(Account, industry=marker), await factory.insert(Account, industry=marker)
    await factory.insert(Address, account_id=jalisco, state="Jalisco", kind="FISCAL")
    await factory.insert(Address, account_id=sonora, state="Sonora", kind="FISCAL")
    big = await factory.insert(Invoice, account_id=jalisco, status="ISSUED", total=Decimal("20000"))
    await factory.insert(Invoice, account_id=jalisco, status="ISSUED", total=Decimal("20"))
    await factory.insert(Invoice, account_id=sonora, status="ISSUED", total=Decimal("90000"))
    ana = await factory.insert(Contact, account_id=jalisco, first_name="Ana", last_name="Núñez")
    await factory.insert(Contact, account_id=sonora, first_name="Ana", last_name="Nunez")

    invoices = (await gql(
        'query($m: String!) { invoices(filter: {status: {in: [ISSUED, OVERDUE]}, total: {gt: "10000"}, '
        'account: {industry: {eq: $m}, addresses: {state: {eq: "Jalisco"}}}}, orderBy: [{field: DATE, direction: DESC}]) '
        '{ nodes { id } } }', {"m": marker},
    )).data["invoices"]["nodes"]
    assert invoices == [{"id": gid("Invoice", big)}]
    accounts = (await gql(
        'query($m: String!) { accounts(filter: {industry: {eq: $m}, invoices: {total: {gt: "50000"}}}) { nodes { id } } }', {"m": marker},
    )).data["accounts"]["nodes"]
    assert accounts == [{"id": gid("Account", sonora)}]
    contacts = (await gql(
        'query($m: String!) { contacts(filter: {account: {industry: {eq: $m}, addresses: {state: {startsWith: "JAL"}}}}) { nodes { id } } }',
        {"m": marker},
    )).data["contacts"]["nodes"]
    assert contacts == [{"id": gid("Contact", ana)}]
    by_id = (await gql('query($a: ID!) { contacts(filter: {account: {id: {eq: $a}}}) { nodes { id } } }', {"a": gid("Account", jalisco)})).data
    assert by_id["contacts"]["nodes"] == [{"id": gid("Contact", ana)}]


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


async def test_text_matching_ignores_case_and_accents_and_takes_like_characters_literally(gql, factory) -> None:
    marker = uuid.uuid4().hex[:10]
    names = {"Pérez": None, "PEREZ": None, "perezoso": None, "Ramírez": None, "50%_off": None, "500 off": None}
    for name in names:
        names[name] = await factory.insert(Contact, last_name=name, title=marker)

    async def matching(where: dict) -> set[str]:
        nodes = (await gql("query($f: ContactFilter) { contacts(first: 100, filter: $f) { nodes { lastName } } }",
                           {"f": {"title": {"eq": marker}, **where}})).data["contacts"]["nodes"]
        return {n["lastName"] for n in nodes}

    assert await matching({"lastName": {"contains": "pérez"}}) == {"Pérez", "PEREZ", "perezoso"}
    assert await matching({"lastName": {"startsWith": "PEREZ"}}) == {"Pérez", "PEREZ", "perezoso"}
    assert await matching({"lastName": {"contains": "IREZ"}}) == {"Ramírez"}
    assert await matching({"lastName": {"eq": "Pérez"}}) == {"Pérez"}
    assert await matching({"lastName": {"contains": "%_"}}) == {"50%_off"}
    assert await matching({"lastName": {"contains": "0_o"}}) == set()
    assert await matching({"lastName": {"contains": "'; DROP TABLE contact; --"}}) == set()


async def test_every_type_has_a_root_list_that_filters_by_id(gql, factory) -> None:
    for type_name, model in NODE_MODELS.items():
        pk = await factory.insert(model)
        field = plural(type_name)
        data = (await gql(
            "query($f: %sFilter) { %s(first: 5, filter: $f) { totalCount nodes { id } } }" % (type_name, field),
            {"f": {"id": {"eq": gid(type_name, pk)}}},
        )).data[field]
        assert data == {"totalCount": 1, "nodes": [{"id": gid(type_name, pk)}]}, type_name


async def test_search_finds_accounts_and_contacts_by_name_rfc_or_email(gql, factory) -> None:
    marker = uuid.uuid4().hex[:8]
    account = await factory.insert(Account, name=f"Ñandú Comercial {marker}", rfc="EKU9003173C9")
    contact = await factory.insert(Contact, first_name="José", last_name=f"Álvarez {marker}", email=f"jose.{marker}@example.mx")
    by_name = (await gql('query($t: String!) { search(text: $t) { accounts { id } contacts { id } } }', {"t": f"nandu comercial {marker}"})).data["search"]
    assert by_name == {"accounts": [{"id": gid("Account", account)}], "contacts": []}
    by_full_name = (await gql('query($t: String!) { search(text: $t) { contacts { id } } }', {"t": f"jose alvarez {marker}"})).data["search"]
    assert by_full_name == {"contacts": [{"id": gid("Contact", contact)}]}
    by_email = (await gql('query($t: String!) { search(text: $t) { contacts { id } } }', {"t": f"JOSE.{marker}@"})).data["search"]
    assert by_email == {"contacts": [{"id": gid("Contact", contact)}]}
    short = await gql('{ search(text: " a ") { accounts { id } } }')
    assert short.errors[0]["message"] == "search text needs at least 2 characters"


@pytest.mark.parametrize(
    ("literal", "expected"),
    [
        ('{total: {gt: "abc"}}', "Expected value of type 'Decimal'"),
        ('{date: {gt: "2026-13-45"}}', "Expected value of type 'Date'"),
        ("{status: {eq: NOPE}}", "Value 'NOPE' does not exist in 'InvoiceStatus' enum"),
        ("{nope: {eq: 1}}", "Expected value of type 'InvoiceFilter' not to include unknown field 'nope'"),
        ('{total: {gt: "NaN"}}', "is not a finite number"),
    ],
)
async def test_a_bad_filter_value_is_a_clear_error_with_its_location(gql, literal, expected) -> None:
    response = await gql("{ invoices(filter: %s) { totalCount } }" % literal)
    (error,) = response.errors
    assert expected in error["message"] and error["locations"], error
    assert response.statements == []


@pytest.mark.parametrize("value", ["10000000000000000", "1e20", "-1e17"])
async def test_an_amount_beyond_its_column_is_a_clear_filter_error(gql, value) -> None:
    response = await gql("query($v: Decimal) { invoices(filter: {total: {gt: $v}}) { totalCount } }", {"v": value})
    assert response.errors[0]["message"].startswith("filter on total: a value is out of range")
    assert response.errors[0]["extensions"]["code"] == "BAD_USER_INPUT"


async def test_a_date_must_be_written_yyyy_mm_dd(gql) -> None:
    error = (await gql('{ invoices(filter: {date: {gt: "20260101"}}) { totalCount } }')).errors[0]
    assert "YYYY-MM-DD" in error["message"]


async def test_filters_orders_and_aggregates_keep_statements_constant(gql, factory) -> None:
    accounts = []
    for _ in range(30):
        account = await factory.insert(Account)
        accounts.append(gid("Account", account))
        for status in ("ISSUED", "PAID"):
            await factory.insert(Invoice, account_id=account, status=status)
    query = (
        "query($ids: [ID!]!) { nodes(ids: $ids) { ... on Account { "
        'invoices(first: 3, filter: {status: {eq: ISSUED}, total: {gte: "0"}}, orderBy: [{field: TOTAL, direction: DESC}]) '
        "{ totalCount aggregate { count sum { total } } nodes { id } } } } }"
    )
    one, thirty = await gql(query, {"ids": accounts[:1]}), await gql(query, {"ids": accounts})
    assert len(one.statements) == len(thirty.statements) == 4  # accounts, page, count, aggregates
    assert {n["invoices"]["aggregate"]["count"] for n in thirty.data["nodes"]} == {1}


async def test_a_refused_filter_value_is_named_by_its_api_field_not_its_column(gql) -> None:
    cases = {
        '{ accounts(filter: {tradeName: {eq: "a\\u0000b"}}) { totalCount } }': "filter on tradeName: text cannot",
        '{ invoices(filter: {dueDate: {gt: "2026-01-01"}, total: {gt: "1e20"}}) { totalCount } }':
            "filter on total: a value is out of range",
    }
    for query, start in cases.items():
        message = (await gql(query)).errors[0]["message"]
        assert message.startswith(start) and "trade_name" not in message and "due_date" not in message, message
