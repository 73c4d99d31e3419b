"""Input a hostile client sends: huge filters, cursors and numbers that no row could have, digits of
other scripts. Each is a BAD_USER_INPUT naming its cause, found before any statement runs; the
largest filter the limits allow runs on both databases."""

from __future__ import annotations

import base64
import json
import time

import sqlalchemy as sa

from models import Account, PurchaseOrder, PurchaseOrderLine
from schema.filters import MAX_FILTER_SIZE, MAX_LIST_ITEMS
from schema.scalars import MAX_DECIMAL_DIGITS, MAX_DECIMAL_EXPONENT
from tests.client import gid

ACCOUNTS = "query($f: AccountFilter) { accounts(first: 1, filter: $f) { totalCount nodes { id } } }"
AFTER = "query($c: String, $o: [AccountOrder!]) { accounts(after: $c, orderBy: $o) { nodes { id } } }"
BIG = "1" + "0" * 30


def _refused(response, *fragments: str) -> str:
    """The one error of a refused request: BAD_USER_INPUT, naming its cause, nothing run."""
    assert response.status == 200, response.body
    (error,) = response.errors
    assert error["extensions"]["code"] == "BAD_USER_INPUT", error
    for fragment in fragments:
        assert fragment in error["message"], (fragment, error["message"])
    assert response.statements == []
    return error["message"]


def _cursor(signature: str, values: list) -> str:
    return base64.urlsafe_b64encode(json.dumps([signature, values]).encode()).decode()


def _parts(value: object) -> int:
    """The size of a filter as its limit counts it: every object and every value (a list is its items)."""
    if isinstance(value, dict):
        return 1 + sum(_parts(v) for v in value.values())
    if isinstance(value, list):
        return sum(_parts(v) for v in value)
    return value is not None


def _arabic(number: int) -> str:
    return "".join(chr(0x660 + int(digit)) for digit in str(number))


async def test_a_huge_filter_is_refused_before_any_work(gql) -> None:
    """20,000 items in `or` (500 KB of variables) kept a worker busy for 5-9 s: graphql-core coerced
    them twice and Strawberry built 40,000 input objects before our resolver could count them."""
    huge = {"or": [{"name": {"eq": f"n{i}"}} for i in range(20_000)]}
    started = time.perf_counter()
    response = await gql(ACCOUNTS, {"f": huge}, scope="read")
    assert time.perf_counter() - started < 1.0
    _refused(response, f"`or` takes at most {MAX_LIST_ITEMS} filters, got 20000")

    # Short lists, too many parts in all: a variable, then the same within a literal.
    wide = {"or": [{"name": {"in": [f"n{i}-{j}" for j in range(10)]}} for i in range(MAX_LIST_ITEMS)]}
    assert _parts(wide) > MAX_FILTER_SIZE
    _refused(await gql(ACCOUNTS, {"f": wide}, scope="read"), f"filter too large: a filter holds at most {MAX_FILTER_SIZE} parts")
    names = json.dumps([f"n{j}" for j in range(10)])
    literal = "{ accounts(filter: {or: [%s]}) { totalCount } }" % ", ".join([f"{{name: {{in: {names}}}}}"] * MAX_LIST_ITEMS)
    response = await gql(literal, scope="read")
    assert response.errors[0]["extensions"]["code"] == "BAD_USER_INPUT" and response.statements == []
    assert response.errors[0]["message"].startswith(f"filter too large: a filter holds at most {MAX_FILTER_SIZE} parts")
    literal = "{ accounts(filter: {and: [%s]}) { totalCount } }" % ", ".join(["{}"] * (MAX_LIST_ITEMS + 1))
    message = (await gql(literal, scope="read")).errors[0]["message"]
    assert message == f"filter too large: `and` takes at most {MAX_LIST_ITEMS} filters, got {MAX_LIST_ITEMS + 1}"


def _largest_filters() -> dict[str, dict]:
    """Filters of exactly MAX_FILTER_SIZE parts that the test account matches: the most bound
    parameters (contains and startsWith bind 3 each on PostgreSQL), the longest `in` lists, and the
    deepest SQL (chains of 100 nested three levels, each under a `not`)."""
    text = {"contains": "zz", "startsWith": "qq"}
    item = {"name": text, "tradeName": text, "industry": {"eq": "x", "ne": "y"}}  # 10 parts, 14 parameters
    parameters = {"or": [item] * (MAX_LIST_ITEMS - 1) + [{**item, "industry": {"eq": "x"}}]}
    values = {"or": [{"name": {"in": [f"v{i}" for i in range(497)]}}, {"rfc": {"in": [f"r{i}" for i in range(495)]}},
                     {"industry": {"eq": "x"}}]}
    leaf = {"not": {"name": {"ne": "w"}}}  # 4 parts, false for the account
    deep: dict = {"industry": {"eq": "x"}}
    while _parts(deep) + 1 + 4 * (MAX_LIST_ITEMS - 1) <= MAX_FILTER_SIZE:
        deep = {"or": [deep] + [leaf] * (MAX_LIST_ITEMS - 1)}
    deep = {"or": [deep] + [leaf] * ((MAX_FILTER_SIZE - _parts(deep) - 1) // 4)}
    for column in ("phone", "email", "website")[: MAX_FILTER_SIZE - _parts(deep)]:
        deep[column] = {}  # one part each, true for every row
    return {"parameters": parameters, "values": values, "deep": deep}


async def test_the_largest_allowed_filters_run_on_both_databases(gql, factory) -> None:
    """At the limit: no asyncpg "too many parameters" (32,767), no SQLite "Expression tree is too
    large" (depth 1,000), and one part more is refused."""
    account = await factory.insert(Account, industry="x", name="qq-largest-zz", trade_name="qq-largest-zz")
    for shape, where in _largest_filters().items():
        assert _parts(where) == MAX_FILTER_SIZE, shape
        response = await gql(
            "query($f: AccountFilter) { accounts(first: 100, filter: $f) { totalCount nodes { id } } }", {"f": where}, scope="read",
        )
        assert gid("Account", account) in [node["id"] for node in response.data["accounts"]["nodes"]], shape
        _refused(await gql(ACCOUNTS, {"f": {**where, "taxRegime": {}}}, scope="read"), f"at most {MAX_FILTER_SIZE} parts")


async def test_a_cursor_holding_a_lone_surrogate_is_a_bad_cursor(gql) -> None:
    for cursor in ('["name:asc,id:asc",["\\ud800",1]]', '["name:asc\\ud800,id:asc",["a",1]]'):
        response = await gql(AFTER, {"c": base64.urlsafe_b64encode(cursor.encode()).decode()}, scope="read")
        assert _refused(response) == "invalid cursor: it was not made by this API"


async def test_absurd_decimals_are_refused_in_filters_and_cursors(gql) -> None:
    limit = f"at most {MAX_DECIMAL_DIGITS} digits, with an exponent between -{MAX_DECIMAL_EXPONENT} and {MAX_DECIMAL_EXPONENT}"
    for number in ("1e-1000000", "1E+999999999999999999", "1" * (MAX_DECIMAL_DIGITS + 1), f"1e{MAX_DECIMAL_EXPONENT + 1}"):
        for where in ({"creditLimit": {"gt": number}}, {"creditLimit": {"in": ["1", number]}}):
            _refused(await gql(ACCOUNTS, {"f": where}, scope="read"), "out of range for a Decimal", limit)
    money = [{"field": "CREDIT_LIMIT"}]
    for number in ("1e-1000000", "1E+999999999999999999", "Infinity", "NaN", 5):
        response = await gql(AFTER, {"c": _cursor("credit_limit:asc,id:asc", [number, 1]), "o": money}, scope="read")
        assert _refused(response) == "invalid cursor: it was not made by this API", number
    # At the edge of the scalar, and of any row: a clear answer, not an error.
    for number in (f"1e-{MAX_DECIMAL_EXPONENT}", "9999999999999999.99", "1" + "0" * 15 + "." + "0" * (MAX_DECIMAL_DIGITS - 16)):
        assert "errors" not in (await gql(ACCOUNTS, {"f": {"creditLimit": {"lt": number}}}, scope="read")).body


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


async def test_instants_beyond_the_calendar_in_utc_are_refused(gql, factory) -> None:
    await factory.insert(Account)
    for instant in ("9999-12-31T23:59:59-14:00", "0001-01-01T00:00:00+14:00", "9999-12-31T23:00:00-01:00"):
        for where in ({"createdAt": {"lt": instant}}, {"createdAt": {"in": [instant]}}):
            _refused(await gql(ACCOUNTS, {"f": where}, scope="read"), "lies outside what this API keeps")
        cursor = _cursor("created_at:asc,id:asc", [instant, 1])
        response = await gql(AFTER, {"c": cursor, "o": [{"field": "CREATED_AT"}]}, scope="read")
        assert _refused(response) == "invalid cursor: it was not made by this API"
    # The first and the last instant in UTC are instants like any other.
    first, last = "0001-01-01T00:00:00+00:00", "9999-12-31T23:59:59.999999+00:00"
    for where, count in (({"createdAt": {"gt": first}}, 1), ({"createdAt": {"gte": last}}, 0), ({"createdAt": {"lt": last}}, 1)):
        response = await gql(ACCOUNTS, {"f": {**where, "id": {"isNull": False}}}, scope="read")
        assert response.data["accounts"]["totalCount"] >= count
    cursor = _cursor("created_at:asc,id:asc", [last, 2**31 - 1])
    assert (await gql(AFTER, {"c": cursor, "o": [{"field": "CREATED_AT"}]}, scope="read")).data["accounts"]["nodes"] == []


async def test_only_ascii_digits_are_numbers(gql, factory) -> None:
    account = await factory.insert(Account, credit_limit=3)
    for text in (f"Account:{_arabic(account)}", f"Account:0{account}", f"Account:{account} "):
        foreign = base64.b64encode(text.encode()).decode()
        for query in ("query($id: ID!) { node(id: $id) { id } }", "query($id: ID!) { account(id: $id) { id } }"):
            assert _refused(await gql(query, {"id": foreign}, scope="read")) == f"invalid id {foreign!r}: not an id of this API"
        _refused(await gql(ACCOUNTS, {"f": {"id": {"eq": foreign}}}, scope="read"), "invalid id")
    for where in ({"creditLimit": {"eq": "٣"}}, {"creditLimit": {"gte": "3_000"}}, {"creditLimit": {"lt": "３"}}):
        _refused(await gql(ACCOUNTS, {"f": where}, scope="read"), "is not a decimal number in ASCII digits")
    _refused(await gql(ACCOUNTS, {"f": {"createdAt": {"lt": "٢٠٢٦-01-01T00:00:00Z"}}}, scope="read"), "not written in ASCII digits")
    _refused(await gql("query($f: InvoiceFilter) { invoices(filter: $f) { totalCount } }", {"f": {"date": {"gt": "٢٠٢٦-01-01"}}},
                       scope="read"), "give a date as a string YYYY-MM-DD, in ASCII digits")
    response = await gql(AFTER, {"c": _cursor("credit_limit:asc,id:asc", ["٣", account]), "o": [{"field": "CREDIT_LIMIT"}]}, scope="read")
    assert _refused(response) == "invalid cursor: it was not made by this API"
    # The mutation: a quantity of "٣" is refused before anything is written.
    before = await _rows(gql.engine)
    line = {"productId": gid("Product", 1), "quantity": "٣", "unitPrice": "10"}
    response = await gql(
        "mutation($i: AddPurchaseOrderInput!) { addPurchaseOrder(input: $i) { errors { field } purchaseOrder { id } } }",
        {"i": {"contactId": gid("Contact", 1), "subject": "S", "date": "2026-11-23", "vendorId": gid("Vendor", 1), "lines": [line]}},
    )
    _refused(response, "is not a decimal number in ASCII digits")
    assert await _rows(gql.engine) == before


async def _rows(engine) -> tuple[int, int]:
    async with engine.connect() as connection:
        return tuple([
            (await connection.execute(sa.select(sa.func.count()).select_from(model.__table__))).scalar_one()
            for model in (PurchaseOrder, PurchaseOrderLine)
        ])


async def test_large_filters_are_not_kept_in_the_statement_caches(gql, factory) -> None:
    """The statement caches key on a filter's values: a large filter is built afresh each time, so
    a stream of distinct large filters cannot pin memory (small ones still hit the cache)."""
    from loaders import sql

    name = f"cache-{time.perf_counter_ns()}"
    await factory.insert(Account, name=name)
    # Counted as hits and misses, not entries: the cache may be full from earlier tests, and then a
    # new entry evicts an old one and its size stays the same.
    before = sql._table_page.cache_info()
    for round_ in range(3):
        large = {"or": [{"name": {"eq": f"{name}-{round_}-{i}"}} for i in range(99)] + [{"name": {"eq": name}}]}
        assert (await gql(ACCOUNTS, {"f": large}, scope="read")).data["accounts"]["totalCount"] == 1
    after_large = sql._table_page.cache_info()
    assert (after_large.hits, after_large.misses) == (before.hits, before.misses)
    small = {"name": {"eq": name}}
    for _ in range(2):
        assert (await gql(ACCOUNTS, {"f": small}, scope="read")).data["accounts"]["totalCount"] == 1
    after_small = sql._table_page.cache_info()
    assert (after_small.hits, after_small.misses) == (before.hits + 1, before.misses + 1)
