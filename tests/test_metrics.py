"""GET /metrics: what a known sequence of requests adds, two workers reporting as one, who may read
them, and operation names that a client cannot use to grow the series."""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
import sqlalchemy as sa
from prometheus_client.parser import text_string_to_metric_families
from sqlalchemy import event

from models import Account, Contact, Scope
from service import metrics
from service.app import create_app
from service.auth import create_token
from service.settings import Settings
from tests.broken_database import BROKEN_QUERY, database_without_vendors
from tests.client import gid

ROOT = Path(__file__).resolve().parent.parent
Samples = dict[tuple[str, frozenset[tuple[str, str]]], float]

ACCOUNT_PAGE = "query MetricsAccountPage { accounts(first: 2) { totalCount nodes { id } } }"
BAD_ACCOUNT = """mutation MetricsBadAccount {
  createAccount(input: {name: " ", rfc: "EKU9003173C9", taxRegime: "601", cfdiUse: "G03"}) { errors { code } account { id } }
}"""
_LEVEL = "contacts(first: 1) { nodes { account { %s } } }"
TOO_DEEP = "query MetricsTooDeep { accounts(first: 1) { nodes { " + _LEVEL % (_LEVEL % (_LEVEL % (_LEVEL % "id"))) + " } } }"


def samples(text: str) -> Samples:
    """Every sample of an exposition, by name and labels."""
    return {
        (sample.name, frozenset(sample.labels.items())): sample.value
        for family in text_string_to_metric_families(text) for sample in family.samples
    }


def value(scraped: Samples, name: str, **labels: str) -> float:
    return scraped.get((name, frozenset(labels.items())), 0.0)


async def scrape(http: httpx.AsyncClient, token: str | None) -> Samples:
    headers = {"authorization": f"Bearer {token}"} if token else {}
    reply = await http.get("/metrics", headers=headers)
    assert reply.status_code == 200, reply.text
    assert reply.headers["content-type"].startswith("text/plain; version=")
    return samples(reply.text)


def delta(before: Samples, after: Samples, name: str, **labels: str) -> float:
    return value(after, name, **labels) - value(before, name, **labels)


@pytest.fixture(autouse=True)
def _room_for_this_tests_names(monkeypatch: pytest.MonkeyPatch) -> None:
    """The operation names of this process keep their label up to a cap: a test that looks for its
    names must not find the cap filled by the tests before it (the flood test fills it on purpose)."""
    monkeypatch.setattr(metrics, "OPERATION_NAMES", metrics.LabelCap(metrics.MAX_OPERATION_NAMES))


@contextlib.contextmanager
def statements_of(engine: object) -> Iterator[list[str]]:
    """Every statement the engine sends while the block runs, the token check's too."""
    seen: list[str] = []

    def count(_conn, _cursor, statement, *_args) -> None:  # noqa: ANN001
        seen.append(statement)

    event.listen(engine.sync_engine, "before_cursor_execute", count)
    try:
        yield seen
    finally:
        event.remove(engine.sync_engine, "before_cursor_execute", count)


@pytest.fixture(scope="module")
def broken_database(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    with database_without_vendors(tmp_path_factory.mktemp("broken")) as url:
        yield url


@pytest.fixture(scope="module")
def admin_token(broken_database: str) -> str:
    """An ADMIN token of `broken_database`, for the servers of the tests of several workers (what they
    show does not depend on the database: they run once, on it)."""
    async def make() -> str:
        from service.db import create_engine

        engine = create_engine(broken_database)
        try:
            return await create_token(engine, "workers-admin", {Scope.ADMIN})
        finally:
            await engine.dispose()

    return asyncio.run(make())


async def internal_error(database_url: str) -> dict:
    """One query that fails with an error of ours (see `broken_database`): its answer."""
    app = create_app(Settings(database_url=database_url))
    try:
        token = await create_token(app.state.engine, f"broken-{uuid.uuid4().hex[:8]}", {Scope.READ})
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://crmgraph.test") as http:
            reply = await http.post("/graphql", json={"query": BROKEN_QUERY},
                                    headers={"authorization": f"Bearer {token}"})
    finally:
        await app.state.engine.dispose()
    return reply.json()


async def test_a_known_sequence_of_requests_adds_what_it_did(gql, broken_database) -> None:
    admin = gql.tokens["admin"]
    before = await scrape(gql.http, admin)
    assert (await gql(ACCOUNT_PAGE)).status == 200
    assert [e["code"] for e in (await gql(BAD_ACCOUNT)).data["createAccount"]["errors"]] == ["REQUIRED"]
    assert "exceeds maximum operation depth" in (await gql(TOO_DEEP)).errors[0]["message"]
    assert (await gql.http.post("/graphql", json={"query": "{ __typename }"})).status_code == 401
    assert (await gql("{ __typename }")).data == {"__typename": "Query"}
    broken = await internal_error(broken_database)
    assert broken["errors"][0]["extensions"]["code"] == "INTERNAL_SERVER_ERROR"
    after = await scrape(gql.http, admin)

    requests = "crmgraph_requests_total"
    assert delta(before, after, requests, operation="MetricsAccountPage", type="query", outcome="ok") == 1
    assert delta(before, after, requests, operation="MetricsBadAccount", type="mutation", outcome="user_error") == 1
    assert delta(before, after, requests, operation="MetricsTooDeep", type="query", outcome="refused") == 1
    assert delta(before, after, requests, operation="(none)", type="none", outcome="refused") == 1  # no token
    assert delta(before, after, requests, operation="(anonymous)", type="query", outcome="ok") == 1
    assert delta(before, after, requests, operation="Broken", type="query", outcome="internal_error") == 1
    for name in ("MetricsAccountPage", "MetricsBadAccount", "MetricsTooDeep", "Broken"):
        assert delta(before, after, "crmgraph_request_duration_seconds_count", operation=name) == 1
        assert delta(before, after, "crmgraph_request_duration_seconds_sum", operation=name) > 0
    assert delta(before, after, "crmgraph_errors_total", code="REQUIRED") == 1
    assert delta(before, after, "crmgraph_errors_total", code="GRAPHQL_VALIDATION_FAILED") == 1
    assert delta(before, after, "crmgraph_errors_total", code="UNAUTHENTICATED") == 1
    assert delta(before, after, "crmgraph_errors_total", code="INTERNAL_SERVER_ERROR") == 1
    assert delta(before, after, "crmgraph_rate_limited_total") == 0
    # The scrape itself is not a GraphQL request: 6 requests, 6 observations of each per-request figure.
    for histogram in ("crmgraph_request_statements", "crmgraph_request_rows", "crmgraph_request_cost"):
        assert delta(before, after, f"{histogram}_count") == 6


async def test_statements_rows_and_cost_are_those_the_request_ran(gql, factory) -> None:
    """Counted once each, on both read paths (SQLAlchemy's, and asyncpg's own on PostgreSQL) and the ORM's writes."""
    account = await factory.insert(Account)
    for _ in range(3):
        await factory.insert(Contact, account_id=account)
    query = "query MetricsContacts($id: ID!) { account(id: $id) { name contacts(first: 10) { nodes { id } } } }"
    admin = gql.tokens["admin"]
    before = await scrape(gql.http, admin)
    with statements_of(gql.engine) as ran:
        response = await gql(query, {"id": gid("Account", account)})
    after = await scrape(gql.http, admin)
    assert len(response.data["account"]["contacts"]["nodes"]) == 3
    assert delta(before, after, "crmgraph_request_statements_count") == 1
    assert delta(before, after, "crmgraph_request_statements_sum") == len(ran) >= 2
    assert delta(before, after, "crmgraph_request_rows_sum") == 1 + 3  # the account, its three contacts
    assert delta(before, after, "crmgraph_request_cost_sum") == response.body["extensions"]["cost"]["requestedNodes"] == 10

    create = 'mutation MetricsCreate { createAccount(input: {name: "Aceros Metricos", rfc: "EKU9003173C9", ' \
             'taxRegime: "601", cfdiUse: "G03"}) { errors { code } account { id } } }'
    before = await scrape(gql.http, admin)
    with statements_of(gql.engine) as ran:
        response = await gql(create)
    after = await scrape(gql.http, admin)
    assert response.data["createAccount"]["errors"] == []
    assert any(statement.startswith("INSERT") for statement in ran)
    assert delta(before, after, "crmgraph_request_statements_sum") == len(ran)
    assert delta(before, after, "crmgraph_requests_total", operation="MetricsCreate", type="mutation", outcome="ok") == 1


async def test_the_metrics_are_for_an_admin_token_unless_public(gql, database_url) -> None:
    reply = await gql.http.get("/metrics")
    assert reply.status_code == 401 and reply.json()["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"
    assert reply.headers["www-authenticate"].startswith("Bearer")
    assert (await gql.http.get("/metrics", headers={"authorization": "Bearer crm_nope"})).status_code == 401
    for scope in ("read", "write"):
        reply = await gql.http.get("/metrics", headers={"authorization": f"Bearer {gql.tokens[scope]}"})
        assert reply.status_code == 403 and reply.json()["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    assert "crmgraph_requests_total" in (await gql.http.get("/metrics", headers={"authorization": f"Bearer {gql.tokens['admin']}"})).text

    public = create_app(Settings(database_url=database_url, metrics_public=True))
    try:
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=public), base_url="http://crmgraph.test") as http:
            reply = await http.get("/metrics")
    finally:
        await public.state.engine.dispose()
    assert reply.status_code == 200 and "# TYPE crmgraph_request_duration_seconds histogram" in reply.text


async def test_a_flood_of_random_operation_names_cannot_grow_the_series(gql) -> None:
    async def flood(names: list[str]) -> None:
        for start in range(0, len(names), 10):  # batches of 10: CRMGRAPH_MAX_BATCH
            batch = [{"query": f"query {name} {{ __typename }}"} for name in names[start:start + 10]]
            reply = await gql.http.post("/graphql", json=batch, headers={"authorization": f"Bearer {gql.tokens['read']}"})
            assert reply.status_code == 200

    def series(scraped: Samples) -> set[frozenset[tuple[str, str]]]:
        return {labels for name, labels in scraped if name == "crmgraph_requests_total"}

    admin = gql.tokens["admin"]
    start = await scrape(gql.http, admin)
    await flood([f"Flood{uuid.uuid4().hex}" for _ in range(500)])  # the first 200 keep their label
    before = await scrape(gql.http, admin)
    named = {dict(labels)["operation"] for labels in series(before) - series(start)} - {"(other)"}
    assert len(named) == metrics.MAX_OPERATION_NAMES and all(name.startswith("Flood") for name in named)
    await flood([f"Flood{uuid.uuid4().hex}" for _ in range(500)])
    after = await scrape(gql.http, admin)
    assert series(after) == series(before) and len(metrics.OPERATION_NAMES) == metrics.MAX_OPERATION_NAMES
    assert delta(before, after, "crmgraph_requests_total", operation="(other)", type="query", outcome="ok") == 500


def test_a_label_is_cut_short_and_the_names_past_the_cap_share_one() -> None:
    cap = metrics.LabelCap(2)
    assert cap("A" * 10_000) == "A" * metrics.MAX_LABEL_LENGTH
    assert (cap("B"), cap("C"), cap("A" * 70), cap("B")) == ("B", "(other)", "A" * metrics.MAX_LABEL_LENGTH, "B")
    assert len(cap) == 2
    assert metrics.operation_label(None) == "(anonymous)"


async def test_the_pool_gauges_show_connections_in_use_and_requests_waiting(database_url, tokens) -> None:
    app = create_app(Settings(database_url=database_url, metrics_public=True, pool_size=1, pool_overflow=0))
    try:
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://crmgraph.test") as http:
            async def pool() -> tuple[float, float]:
                scraped = await scrape(http, None)
                return (value(scraped, "crmgraph_db_pool_in_use", pool="primary"),
                        value(scraped, "crmgraph_db_pool_waiting", pool="primary"))

            idle = await pool()
            async with app.state.engine.connect() as held:  # the pool's only connection
                await held.execute(sa.text("SELECT 1"))
                waiting = asyncio.create_task(http.post(
                    "/graphql", json={"query": "{ __typename }"}, headers={"authorization": f"Bearer {tokens['read']}"}))
                for _ in range(100):  # the request's token check waits for the connection
                    await asyncio.sleep(0.01)
                    if (busy := await pool())[1] >= 1:
                        break
                assert busy == (idle[0] + 1, idle[1] + 1)
            assert (await waiting).status_code == 200
            assert await pool() == idle
    finally:
        await app.state.engine.dispose()


async def test_requests_refused_by_the_rate_limit_are_counted(database_url, tokens) -> None:
    app = create_app(Settings(database_url=database_url, metrics_public=True, rate_limit=5))
    try:
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://crmgraph.test") as http:
            before = await scrape(http, None)
            reply = await http.post("/graphql", json={"query": "query MetricsTooMuch { accounts(first: 50) { totalCount } }"},
                                    headers={"authorization": f"Bearer {tokens['read']}"})
            after = await scrape(http, None)
    finally:
        await app.state.engine.dispose()
    assert reply.status_code == 429 and reply.json()["errors"][0]["extensions"]["code"] == "RATE_LIMITED"
    assert delta(before, after, "crmgraph_rate_limited_total") == 1
    assert delta(before, after, "crmgraph_errors_total", code="RATE_LIMITED") == 1
    assert delta(before, after, "crmgraph_requests_total", operation="MetricsTooMuch", type="query", outcome="refused") == 1


# --- several workers ---------------------------------------------------------------------------------

def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@contextlib.contextmanager
def serving(database_url: str, *args: str, **env: str) -> Iterator[tuple[httpx.Client, subprocess.Popen]]:
    """`crmgraph serve` on a free port of 127.0.0.1, until the block ends."""
    port = _free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "service.cli", "serve", "--host", "127.0.0.1", "--port", str(port), *args],
        cwd=ROOT, env={**os.environ, "CRMGRAPH_DATABASE_URL": database_url, **env},
        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
    )
    try:
        with httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=10) as http:
            deadline = time.monotonic() + 30
            while True:
                try:
                    if http.get("/health").status_code == 200:
                        break
                except httpx.TransportError:
                    pass
                assert time.monotonic() < deadline and server.poll() is None, server.stderr.read() if server.poll() else "no start"
                time.sleep(0.1)
            yield http, server
    finally:
        stop(server)


def stop(server: subprocess.Popen) -> None:
    if server.poll() is None:
        server.send_signal(signal.SIGINT)
        try:
            server.wait(timeout=15)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()


def _scrape(http: httpx.Client, token: str) -> Samples:
    reply = http.get("/metrics", headers={"authorization": f"Bearer {token}"})
    assert reply.status_code == 200, reply.text
    return samples(reply.text)


def _query(http: httpx.Client, token: str, name: str) -> None:
    reply = http.post("/graphql", json={"query": f"query {name} {{ accounts(first: 1) {{ totalCount }} }}"},
                      headers={"authorization": f"Bearer {token}"})
    assert reply.status_code == 200, reply.text


def test_two_workers_sharing_a_directory_report_as_one(broken_database, admin_token, tmp_path) -> None:
    shared = str(tmp_path / "metrics")
    os.mkdir(shared)
    name = f"TwoWorkers{uuid.uuid4().hex[:8]}"
    admin = admin_token
    with serving(broken_database, PROMETHEUS_MULTIPROC_DIR=shared) as (first, _), \
            serving(broken_database, PROMETHEUS_MULTIPROC_DIR=shared) as (second, second_server):
        for _ in range(3):
            _query(first, admin, name)
        for _ in range(2):
            _query(second, admin, name)
        for http in (first, second):  # either worker answers for both
            scraped = _scrape(http, admin)
            assert value(scraped, "crmgraph_requests_total", operation=name, type="query", outcome="ok") == 5
            assert value(scraped, "crmgraph_request_duration_seconds_count", operation=name) == 5
            assert value(scraped, "crmgraph_db_pool_in_use", pool="primary") == 0
        assert len([f for f in os.listdir(shared) if f.startswith("counter_")]) == 2
        stop(second_server)
        # A worker that stopped keeps what it counted; its live gauges leave the sum.
        scraped = _scrape(first, admin)
        assert value(scraped, "crmgraph_requests_total", operation=name, type="query", outcome="ok") == 5
        assert len([f for f in os.listdir(shared) if f.startswith("gauge_livesum_")]) == 1


def test_serve_with_workers_shares_the_metrics_of_its_workers(broken_database, admin_token, monkeypatch) -> None:
    """Without PROMETHEUS_MULTIPROC_DIR, `serve --workers 2` makes one: whichever worker answers a
    scrape, it counts every request, whichever worker served it."""
    monkeypatch.delenv(metrics.MULTIPROCESS_DIR, raising=False)
    name = f"Workers{uuid.uuid4().hex[:8]}"
    with serving(broken_database, "--workers", "2") as (http, _):
        for _ in range(20):
            with httpx.Client(base_url=http.base_url, timeout=10) as fresh:  # a new connection: any worker
                _query(fresh, admin_token, name)
        for _ in range(6):
            with httpx.Client(base_url=http.base_url, timeout=10) as fresh:
                scraped = _scrape(fresh, admin_token)
            assert value(scraped, "crmgraph_requests_total", operation=name, type="query", outcome="ok") == 20


def test_prepare_multiprocess_keeps_the_operators_directory_or_makes_a_fresh_one(monkeypatch, tmp_path) -> None:
    monkeypatch.delenv(metrics.MULTIPROCESS_DIR, raising=False)
    assert metrics.prepare_multiprocess(1) is None and metrics.MULTIPROCESS_DIR not in os.environ
    made = metrics.prepare_multiprocess(2)
    assert made and os.environ[metrics.MULTIPROCESS_DIR] == made and os.path.isdir(made) and not os.listdir(made)
    given = str(tmp_path / "given")
    monkeypatch.setenv(metrics.MULTIPROCESS_DIR, given)
    assert metrics.prepare_multiprocess(4) == given and os.path.isdir(given)
