"""Writes under pressure: a small pool, many mutations at once, a locked or absent database, a
request past its time limit. A committed write is always acknowledged; a refused one wrote nothing."""

from __future__ import annotations

import asyncio
import sqlite3
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import httpx
import pytest
import sqlalchemy as sa

from loaders.database import Deadline, Reader
from loaders.errors import UserInputError
from models import Account, Contact, Product, PurchaseOrder, Vendor
from service.app import create_app
from service.db import WRITE, create_engine
from service.settings import Settings
from tests.client import gid

TWO_ORDERS = """
mutation($a: AddPurchaseOrderInput!, $b: AddPurchaseOrderInput!) {
  a: addPurchaseOrder(input: $a) { errors { code } purchaseOrder { id number total lines { total } vendor { name } contact { lastName } } }
  b: addPurchaseOrder(input: $b) { errors { code } purchaseOrder { id number total lines { total } vendor { name } contact { lastName } } }
}
"""


@asynccontextmanager
async def _client(database_url: str, token: str, **settings: object) -> AsyncIterator[httpx.AsyncClient]:
    """The real app over the test database, with its own settings (pool, timeouts)."""
    app = create_app(Settings(database_url=database_url, **settings))
    try:
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://crmgraph.test",
                                     headers={"authorization": f"Bearer {token}"}) as http:
            yield http
    finally:
        await app.state.engine.dispose()


@pytest.fixture
async def order_input(factory) -> dict:
    contact = await factory.insert(Contact, account_id=await factory.insert(Account), last_name="Pressure")
    return {"contactId": gid("Contact", contact), "subject": "Bajo presión", "date": "2026-11-23",
            "vendorId": gid("Vendor", await factory.insert(Vendor, name="Proveedora")),
            "lines": [{"productId": gid("Product", await factory.insert(Product)), "quantity": "2", "unitPrice": "10.50"}]}


async def _stored_orders(engine, subject: str) -> set[str]:
    async with engine.connect() as connection:
        rows = await connection.execute(sa.select(PurchaseOrder.__table__.c.id).where(PurchaseOrder.__table__.c.subject == subject))
        return {gid("PurchaseOrder", pk) for (pk,) in rows}


async def test_two_mutations_in_one_request_need_one_connection_at_a_time(gql, database_url, order_input) -> None:
    """With a pool of one connection, a request that reads, writes, answers from what it wrote and
    writes again must not wait for a second connection (it used to time out holding its reader)."""
    order_input["subject"] = "one connection"
    async with _client(database_url, gql.tokens["write"], pool_size=1, pool_overflow=0, pool_timeout_ms=2000) as http:
        reply = await http.post("/graphql", json={"query": TWO_ORDERS, "variables": {"a": order_input, "b": order_input}})
    body = reply.json()
    assert reply.status_code == 200 and "errors" not in body, body
    a, b = body["data"]["a"]["purchaseOrder"], body["data"]["b"]["purchaseOrder"]
    assert a["id"] != b["id"] and a["total"] == b["total"] == "21.00"
    assert a["lines"] == [{"total": "21.00"}] and a["vendor"]["name"] == "Proveedora" and a["contact"]["lastName"] == "Pressure"
    assert await _stored_orders(gql.engine, "one connection") == {a["id"], b["id"]}


async def test_every_stored_order_is_acknowledged_when_the_pool_is_short(gql, database_url, order_input) -> None:
    """Many two-order requests on a pool of two: each answer is either both orders, or a retryable
    SERVICE_BUSY (503 when nothing came back); the orders stored are exactly the ones acknowledged."""
    order_input["subject"] = "short pool"
    variables = {"a": order_input, "b": order_input}
    async with _client(database_url, gql.tokens["write"], pool_size=2, pool_overflow=0, pool_timeout_ms=3000) as http:
        replies = await asyncio.gather(*(http.post("/graphql", json={"query": TWO_ORDERS, "variables": variables})
                                         for _ in range(12)))
    acknowledged: set[str] = set()
    for reply in replies:
        body = reply.json()
        for error in body.get("errors", []):
            assert error["extensions"]["code"] == "SERVICE_BUSY", body
        for alias in ("a", "b"):
            order = ((body.get("data") or {}).get(alias) or {}).get("purchaseOrder")
            if order:
                acknowledged.add(order["id"])
        if reply.status_code == 503:
            assert reply.headers["retry-after"] == "1" and body["data"] is None
    assert acknowledged, "no request got through"
    assert await _stored_orders(gql.engine, "short pool") == acknowledged


async def test_an_unreachable_database_is_a_retryable_503_not_a_masked_500(tokens) -> None:
    # Nothing listens on port 1 of the loopback: the database is "down".
    async with _client("postgresql+asyncpg://postgres@127.0.0.1:1/none", tokens["read"]) as http:
        reply = await http.post("/graphql", json={"query": "{ accounts(first: 1) { totalCount } }"})
    assert reply.status_code == 503 and reply.headers["retry-after"] == "1"
    (error,) = reply.json()["errors"]
    assert error["extensions"]["code"] == "SERVICE_UNAVAILABLE" and "unreachable" in error["message"]
    assert "asyncpg" not in reply.text and "Traceback" not in reply.text


@pytest.fixture
def sqlite_only(database_url: str) -> str:
    if not database_url.startswith("sqlite"):
        pytest.skip("SQLite's file lock; PostgreSQL writes concurrently")
    return database_url.split("///", 1)[1]


@asynccontextmanager
async def _locked(path: str, seconds: float | None) -> AsyncIterator[None]:
    """Another process's writer: holds SQLite's write lock (for `seconds`, or the whole block)."""
    other = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
    other.execute("BEGIN IMMEDIATE")
    release = asyncio.get_running_loop().call_later(seconds, other.rollback) if seconds is not None else None
    try:
        yield
    finally:
        if release is not None:
            release.cancel()
        other.rollback() if other.in_transaction else None
        other.close()


async def test_a_locked_sqlite_database_is_retried_then_written(gql, sqlite_only, order_input) -> None:
    order_input["subject"] = "locked a while"
    settings = {"sqlite_busy_timeout_ms": 100, "busy_retries": 4}
    async with _client(f"sqlite+aiosqlite:///{sqlite_only}", gql.tokens["write"], **settings) as http:
        async with _locked(sqlite_only, 0.3):
            reply = await http.post("/graphql", json={"query": TWO_ORDERS, "variables": {"a": order_input, "b": order_input}})
    body = reply.json()
    assert reply.status_code == 200 and "errors" not in body, body
    assert len(await _stored_orders(gql.engine, "locked a while")) == 2


async def test_a_database_locked_past_the_retries_is_service_busy_and_nothing_is_written(gql, sqlite_only, order_input) -> None:
    order_input["subject"] = "locked for good"
    settings = {"sqlite_busy_timeout_ms": 50, "busy_retries": 2}
    async with _client(f"sqlite+aiosqlite:///{sqlite_only}", gql.tokens["write"], **settings) as http:
        async with _locked(sqlite_only, None):
            reply = await http.post("/graphql", json={"query": TWO_ORDERS, "variables": {"a": order_input, "b": order_input}})
    assert reply.status_code == 503 and reply.headers["retry-after"] == "1", reply.text
    errors = reply.json()["errors"]
    assert {e["extensions"]["code"] for e in errors} == {"SERVICE_BUSY"} and "retry" in errors[0]["message"]
    assert await _stored_orders(gql.engine, "locked for good") == set()


async def test_many_writers_at_once_on_one_worker_all_succeed(gql, order_input) -> None:
    order_input["subject"] = "thirty writers"
    single = "mutation($a: AddPurchaseOrderInput!) { addPurchaseOrder(input: $a) { purchaseOrder { id } errors { code } } }"
    replies = await asyncio.gather(*(gql(single, {"a": order_input}) for _ in range(30)))
    ids = {reply.data["addPurchaseOrder"]["purchaseOrder"]["id"] for reply in replies}
    assert len(ids) == 30 and await _stored_orders(gql.engine, "thirty writers") == ids


# --- the whole request's time limit ----------------------------------------------------------------

def _forever(dialect: str) -> sa.TextClause:
    if dialect == "postgresql":
        return sa.text("SELECT pg_sleep(100)")
    return sa.text("WITH RECURSIVE r(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM r) SELECT count(*) FROM r")


async def test_the_request_deadline_cuts_statements_that_each_stay_under_their_own_timeout(database_url) -> None:
    """Statements of 1 s each (their timeout) would run 4 s; a 2.5 s deadline ends the request at
    2.5 s: the third is cancelled on the database, the fourth never starts."""
    engine = create_engine(database_url, statement_timeout_ms=1000)
    reader = Reader(engine, timeout_ms=1000, deadline=Deadline(2500))
    started = time.perf_counter()
    messages = []
    try:
        for _ in range(4):
            with pytest.raises(UserInputError) as raised:
                await asyncio.wait_for(reader.rows((_forever(engine.dialect.name), {})), timeout=10)
            assert raised.value.extensions["code"] == "TIMEOUT"
            messages.append(raised.value.message)
        elapsed = time.perf_counter() - started
        # The connection is still usable for the next request once the deadline's work was cancelled.
        fresh = Reader(engine, timeout_ms=1000)
        assert (await fresh.rows((sa.text("SELECT 1"), {}))) == [(1,)]
        await fresh.close()
    finally:
        await reader.close()
        await engine.dispose()
    assert [("statement timeout" in m, "CRMGRAPH_REQUEST_TIMEOUT_MS" in m) for m in messages] == [
        (True, False), (True, False), (False, True), (False, True)]
    assert 2.3 < elapsed < 3.5, elapsed


async def test_a_request_past_its_deadline_is_answered_timeout(gql, database_url) -> None:
    async with _client(database_url, gql.tokens["read"], request_timeout_ms=1) as http:
        await asyncio.sleep(0)
        reply = await http.post("/graphql", json={"query": "{ accounts(first: 1) { totalCount } }"})
    (error,) = reply.json()["errors"]
    assert error["extensions"]["code"] == "TIMEOUT" and "1 ms (CRMGRAPH_REQUEST_TIMEOUT_MS)" in error["message"]


# --- what a client sends that is no request --------------------------------------------------------

async def test_a_body_that_is_not_utf8_is_a_400(gql) -> None:
    reply = await gql.http.post("/graphql", content=b'{"query": "{ __typename }", "x": "\xff\xfe"}',
                                headers={"content-type": "application/json", "authorization": f"Bearer {gql.tokens['read']}"})
    assert reply.status_code == 400 and "not valid UTF-8" in reply.text


@pytest.mark.parametrize("number", ["18446744073709551616", "-9223372036854775809", "1" + "0" * 40])
async def test_an_integer_beyond_64_bits_is_named_as_such(gql, number) -> None:
    body = '{"query": "{ __typename }", "variables": {"n": %s}}' % number
    reply = await gql.http.post("/graphql", content=body.encode(),
                                headers={"content-type": "application/json", "authorization": f"Bearer {gql.tokens['read']}"})
    assert reply.status_code == 400 and "integer too large" in reply.text and "surrogate" not in reply.text


# --- what the log never holds ------------------------------------------------------------------------

async def test_a_failing_token_check_logs_neither_the_token_nor_its_hash(tmp_path, caplog) -> None:
    """The database fails under the token check (here: a file without the token table); the log
    says so without the statement's parameters, which hold the token's hash."""
    from service.auth import token_hash

    token = "crm_" + "s" * 43
    async with _client(f"sqlite+aiosqlite:///{tmp_path / 'empty.db'}", token) as http:
        with caplog.at_level("DEBUG"):
            reply = await http.post("/graphql", json={"query": "{ __typename }"})
    assert reply.status_code == 500 and reply.json()["errors"][0]["extensions"]["code"] == "INTERNAL_SERVER_ERROR"
    logged = caplog.text + "".join(str(r.exc_info[1]) for r in caplog.records if r.exc_info)
    assert "token check failed" in logged and "api_token" in logged
    assert token_hash(token) not in logged and token not in logged


# --- a committed write stays acknowledged when a later one fails -------------------------------------

DUPLICATE_THEN_ORDER = """
mutation($d: DuplicateAccountInput!, $o: AddPurchaseOrderInput!) {
  a: duplicateAccount(input: $d) { errors { code } account { id name } }
  b: addPurchaseOrder(input: $o) { errors { code } purchaseOrder { id } }
}
"""


@asynccontextmanager
async def _second_write_blocked(database_url: str, app_engine, gql) -> AsyncIterator[None]:
    """The request's second mutation cannot get its lock. On PostgreSQL another transaction holds
    purchase_order (the first mutation touches only account). On SQLite another process takes the
    database's write lock just before the third write transaction begins (the idempotency claim,
    `a`, then `b`) and lets it go before the fourth (storing the answer)."""
    if not database_url.startswith("sqlite"):
        async with gql.engine.connect() as other:
            await other.execute(sa.text("LOCK TABLE purchase_order IN SHARE MODE"))
            yield
            await other.rollback()
        return
    other = sqlite3.connect(database_url.split("///", 1)[1], isolation_level=None, check_same_thread=False)
    writes = 0

    def before_begin(connection: sa.engine.Connection) -> None:
        nonlocal writes
        if connection.get_execution_options().get(WRITE):
            writes += 1
            if writes == 3:
                other.execute("BEGIN IMMEDIATE")
            elif other.in_transaction:
                other.rollback()

    sa.event.listen(app_engine.sync_engine, "begin", before_begin, insert=True)
    try:
        yield
    finally:
        sa.event.remove(app_engine.sync_engine, "begin", before_begin)
        other.rollback() if other.in_transaction else None
        other.close()


async def test_a_committed_mutation_is_acknowledged_when_the_next_one_in_the_request_fails(
    gql, database_url, factory, order_input
) -> None:
    """`a` commits, then `b` cannot write: the answer keeps `a` (payloads are nullable, so `b`'s null
    does not wipe it out) and is no 503, which would tell the client that nothing was written."""
    source = await factory.insert(Account, rfc="EKU9003173C9", tax_regime="601", cfdi_use="G03")
    name = f"Reconocida {time.perf_counter_ns()} SA"
    key = f"both-{time.perf_counter_ns()}"
    variables = {"d": {"sourceId": gid("Account", source), "name": name, "rfc": "EKU9003173C9"}, "o": order_input}
    order_input["subject"] = "after a committed duplicate"
    app = create_app(Settings(database_url=database_url, statement_timeout_ms=300, busy_retries=0,
                              sqlite_busy_timeout_ms=50))
    try:
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://crmgraph.test",
                                     headers={"authorization": f"Bearer {gql.tokens['write']}"}) as http:
            async with _second_write_blocked(database_url, app.state.engine, gql):
                reply = await http.post("/graphql", json={"query": DUPLICATE_THEN_ORDER, "variables": variables},
                                        headers={"idempotency-key": key})
            again = await http.post("/graphql", json={"query": DUPLICATE_THEN_ORDER, "variables": variables},
                                    headers={"idempotency-key": key})
    finally:
        await app.state.engine.dispose()
    body = reply.json()
    assert reply.status_code == 200 and "retry-after" not in reply.headers, reply.text
    assert body["data"]["a"]["account"]["name"] == name and body["data"]["b"] is None
    (error,) = body["errors"]
    assert error["path"] == ["b"] and error["extensions"]["code"] == "SERVICE_BUSY"
    async with gql.engine.connect() as connection:
        table = Account.__table__
        assert (await connection.execute(sa.select(sa.func.count()).where(table.c.name == name))).scalar_one() == 1
    # The key keeps that answer: a retry neither duplicates `a` nor pretends it did not happen.
    assert again.headers["idempotent-replayed"] == "true" and again.content == reply.content
    assert await _stored_orders(gql.engine, "after a committed duplicate") == set()


# --- heavy queries take turns; cheap ones never wait for them -------------------------------------

async def test_heavy_queries_take_turns_while_cheap_ones_pass(gql, database_url) -> None:
    """Over CRMGRAPH_HEAVY_COST a query waits its turn among CRMGRAPH_HEAVY_CONCURRENCY of its worker;
    a cheap one never waits: here every heavy turn is taken, and the cheap query is answered anyway."""
    heavy = "{ accounts(first: 100) { nodes { invoices(first: 50) { totalCount } } } }"  # cost 5,100
    cheap = "{ accounts(first: 1) { totalCount } }"
    app = create_app(Settings(database_url=database_url, heavy_cost=1000, heavy_concurrency=1))
    gate = next(route.endpoint for route in app.routes if route.path == "/graphql").schema.heavy_gate
    try:
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://crmgraph.test",
                                     headers={"authorization": f"Bearer {gql.tokens['read']}"}) as http:
            await gate.acquire()  # the worker's only heavy turn, taken
            waiting = asyncio.ensure_future(http.post("/graphql", json={"query": heavy}))
            answered = await asyncio.wait_for(http.post("/graphql", json={"query": cheap}), timeout=10)
            assert answered.status_code == 200 and "errors" not in answered.json()
            await asyncio.sleep(0.2)
            assert not waiting.done()  # the heavy one waits for its turn...
            gate.release()
            reply = await asyncio.wait_for(waiting, timeout=10)  # ...and runs once it has it
            assert "errors" not in reply.json() and reply.json()["extensions"]["cost"]["requestedNodes"] == 5100
    finally:
        await app.state.engine.dispose()
