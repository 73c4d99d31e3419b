"""Reads on a real PostgreSQL streaming replica (CRMGRAPH_READ_DATABASE_URL): a query's snapshot is the
replica's, writes and the answers of requests that wrote are the primary's, and a replica that lags
or is down is skipped for the primary (or the next replica), counted, with the request unharmed.

The replica is a second cluster made by tests/pg_replica.py; which server served a read is proven
twice over: by the statements each engine ran, and by a row that only the primary has (the
replica's replay paused) being absent from, or present in, the answer.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import logging
from collections.abc import AsyncIterator, Iterator
from typing import Any

import httpx
import pytest
import sqlalchemy as sa
from prometheus_client import REGISTRY
from sqlalchemy import event
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine

from loaders.database import Reader
from loaders.errors import RetryableError
from models import Account, Scope
from service.app import create_app
from service.auth import create_token
from service.settings import Settings
from tests.client import GraphQLClient, gid, pk
from tests.conftest import scratch_database
from tests.factories import Factory
from tests.pg_replica import StreamingReplica, streaming_replica

ACCOUNT = "query($id: ID!) { account(id: $id) { id name } }"
SEARCH = "query($text: String!) { search(text: $text) { accounts { name } } }"
CREATE = """
mutation($input: CreateAccountInput!) {
  createAccount(input: $input) {
    errors { code }
    account { id name contacts(first: 5) { totalCount } }
  }
}
"""
#: One numbering for the rows of every test's factory: they share the module's database.
SEQUENCE = itertools.count(1)


def _new_account(name: str) -> dict[str, Any]:
    return {"input": {"name": name, "rfc": "EKU9003173C9", "taxRegime": "601", "cfdiUse": "G03"}}


@pytest.fixture(scope="module")
async def replica() -> AsyncIterator[StreamingReplica]:
    async with streaming_replica() as running:
        yield running


@pytest.fixture(scope="module")
def database(replica: StreamingReplica, tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, str]]:
    """A migrated database of its own on the primary, and its URL on the replica (it replicates)."""
    with scratch_database("postgresql", tmp_path_factory.mktemp("replicas"), "crmgraph_replicas") as url:
        yield url, replica.url(sa.make_url(url).database)


@pytest.fixture
async def replica_in_step(replica: StreamingReplica) -> AsyncIterator[StreamingReplica]:
    """The replica running, replaying, and caught up with the primary, before and after each test."""
    await replica.catch_up()
    yield replica
    if not await replica._in_recovery():
        await replica.start()
    await replica.resume_replay()
    await replica.catch_up()


class Served:
    """Statements run on each engine of an app during a block, but the token checks (always the primary's)."""

    def __init__(self, app: Any) -> None:
        self.engines = {"primary": app.state.engine,
                        **{f"replica{i}": r.engine for i, r in enumerate(app.state.replicas.replicas)}}
        self.statements: dict[str, list[str]] = {name: [] for name in self.engines}

    @contextlib.contextmanager
    def counting(self) -> Iterator[dict[str, list[str]]]:
        for statements in self.statements.values():
            statements.clear()
        listeners = []
        for name, engine in self.engines.items():
            def count(_conn: Any, _cursor: Any, statement: str, *_args: Any, into: list[str] = self.statements[name]) -> None:
                if "api_token" not in statement:
                    into.append(statement)
            event.listen(engine.sync_engine, "before_cursor_execute", count)
            listeners.append((engine, count))
        try:
            yield self.statements
        finally:
            for engine, count in listeners:
                event.remove(engine.sync_engine, "before_cursor_execute", count)

    def by(self) -> set[str]:
        """The engines that ran statements in the last block."""
        return {name for name, statements in self.statements.items() if statements}


@contextlib.asynccontextmanager
async def serving(primary_url: str, *replica_urls: str, max_lag_ms: int = 60_000) -> AsyncIterator[Any]:
    """An app on the primary whose reads may go to `replica_urls`, a client with a write token, and a
    factory writing on the primary."""
    app = create_app(Settings(database_url=primary_url, read_database_urls=replica_urls, max_replica_lag_ms=max_lag_ms))
    engine: AsyncEngine = app.state.engine
    try:
        token = await create_token(engine, f"replicas-{id(app)}", {Scope.WRITE})
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://crmgraph.test") as http:
            factory = Factory(engine)
            factory.sequence = SEQUENCE
            yield app, GraphQLClient(http, engine, {"write": token}), factory
    finally:
        await app.state.replicas.dispose()
        await engine.dispose()


def _metric(name: str, **labels: str) -> float:
    return REGISTRY.get_sample_value(name, labels) or 0.0


async def test_a_query_reads_its_snapshot_on_the_replica(database, replica_in_step) -> None:
    primary_url, replica_url = database
    async with serving(primary_url, replica_url) as (app, gql, factory):
        served = Served(app)
        on_both = await factory.insert(Account, name="Réplica Uno")
        await replica_in_step.catch_up()
        reads_before = _metric("crmgraph_replica_reads_total", server="replica")
        with served.counting():
            answer = await gql(ACCOUNT, {"id": gid("Account", on_both)})
        assert answer.data["account"]["name"] == "Réplica Uno"
        assert served.by() == {"replica0"}
        assert _metric("crmgraph_replica_reads_total", server="replica") == reads_before + 1

        # A row the replica has not replayed yet is not in its snapshot: the replica answered.
        await replica_in_step.pause_replay()
        only_on_primary = await factory.insert(Account, name="Solo en el primario")
        with served.counting():
            answer = await gql(ACCOUNT, {"id": gid("Account", only_on_primary)})
        assert answer.data["account"] is None
        assert served.by() == {"replica0"}
        assert await _primary_has(app, only_on_primary)


async def test_a_mutation_writes_and_answers_on_the_primary_while_the_replica_is_paused(database, replica_in_step) -> None:
    primary_url, replica_url = database
    async with serving(primary_url, replica_url) as (app, gql, _factory):
        served = Served(app)
        await replica_in_step.pause_replay()
        with served.counting():
            created = (await gql(CREATE, _new_account("Escrita en el primario"))).data["createAccount"]
        assert created["errors"] == []
        # The answer, connections included, comes from the write's own connection on the primary.
        assert created["account"]["name"] == "Escrita en el primario"
        assert created["account"]["contacts"] == {"totalCount": 0}
        assert served.by() == {"primary"}

        # A batch that writes, then queries: the query reads what the request wrote (read-your-writes),
        # though the replica has not replayed it.
        batch = [
            {"query": CREATE, "variables": _new_account("Lotes del Bajío")},
            {"query": SEARCH, "variables": {"text": "Lotes del Baj"}},
        ]
        with served.counting():
            reply = await gql.http.post("/graphql", json=batch, headers={"authorization": f"Bearer {gql.tokens['write']}"})
        write, read = reply.json()
        new_id = write["data"]["createAccount"]["account"]["id"]
        assert read["data"]["search"]["accounts"] == [{"name": "Lotes del Bajío"}]
        assert served.by() == {"primary"}
        assert not await _replica_has(replica_url, pk(new_id))


async def test_a_lagging_replica_is_skipped_for_the_primary(database, replica_in_step) -> None:
    primary_url, replica_url = database
    max_lag_ms = 300
    async with serving(primary_url, replica_url, max_lag_ms=max_lag_ms) as (app, gql, factory):
        served = Served(app)
        with served.counting():
            await gql(ACCOUNT, {"id": gid("Account", 1)})
        assert served.by() == {"replica0"}

        await replica_in_step.pause_replay()
        new = await factory.insert(Account, name="Después de la pausa")
        await asyncio.sleep(2 * max_lag_ms / 1000)
        lag_before = _metric("crmgraph_replica_fallbacks_total", reason="lag")
        with served.counting():
            answer = await gql(ACCOUNT, {"id": gid("Account", new)})
        assert answer.data["account"]["name"] == "Después de la pausa"  # the primary's snapshot
        assert served.by() == {"primary"}
        assert _metric("crmgraph_replica_fallbacks_total", reason="lag") == lag_before + 1
        (status,) = app.state.replicas.status()
        assert status["up"] and status["lag_seconds"] > max_lag_ms / 1000

        # Replay again, and the reads come back to the replica.
        await replica_in_step.resume_replay()
        await replica_in_step.catch_up()
        assert await _served_by_replica_within(served, gql, new, seconds=5)


async def test_an_idle_primary_is_not_lag(database, replica_in_step) -> None:
    """Minutes without a commit leave `now() - pg_last_xact_replay_timestamp()` large however caught up
    the replica is; the replayed WAL position says it is in step, and it keeps serving."""
    primary_url, replica_url = database
    async with serving(primary_url, replica_url, max_lag_ms=1_000) as (app, gql, _factory):
        served = Served(app)
        with served.counting():
            await gql(ACCOUNT, {"id": gid("Account", 1)})
        assert served.by() == {"replica0"}
        lag_before = _metric("crmgraph_replica_fallbacks_total", reason="lag")
        await asyncio.sleep(1.5)  # no commit in this database (other test runs may write elsewhere)
        with served.counting():
            await gql(ACCOUNT, {"id": gid("Account", 1)})
        assert served.by() == {"replica0"}
        assert _metric("crmgraph_replica_fallbacks_total", reason="lag") == lag_before


async def test_a_stopped_replica_is_skipped_and_the_request_succeeds(database, replica_in_step) -> None:
    primary_url, replica_url = database
    async with serving(primary_url, replica_url) as (app, gql, factory):
        served = Served(app)
        account = await factory.insert(Account, name="Sin réplica")
        await replica_in_step.catch_up()
        with served.counting():
            await gql(ACCOUNT, {"id": gid("Account", account)})
        assert served.by() == {"replica0"}  # and its pool now holds a connection to it

        replica_in_step.stop()
        down_before = _metric("crmgraph_replica_fallbacks_total", reason="down")
        for _ in range(2):  # found dead at checkout, then skipped as down until a check finds it back
            with served.counting():
                answer = await gql(ACCOUNT, {"id": gid("Account", account)})
            assert answer.status == 200 and answer.data["account"]["name"] == "Sin réplica"
            assert served.by() == {"primary"}
        assert _metric("crmgraph_replica_fallbacks_total", reason="down") == down_before + 2
        (status,) = app.state.replicas.status()
        assert not status["up"] and "unreachable" in status["trouble"]

        await replica_in_step.start()
        await replica_in_step.catch_up()
        assert await _served_by_replica_within(served, gql, account, seconds=5)


async def test_the_next_replica_serves_when_the_first_is_down(database, replica_in_step, unused_tcp_port) -> None:
    primary_url, replica_url = database
    nobody = str(sa.make_url(replica_url).set(port=unused_tcp_port).render_as_string(hide_password=False))
    async with serving(primary_url, nobody, replica_url) as (app, gql, _factory):
        served = Served(app)
        down_before = _metric("crmgraph_replica_fallbacks_total", reason="down")
        for _ in range(2):  # each replica in turn comes first
            with served.counting():
                await gql(ACCOUNT, {"id": gid("Account", 1)})
            assert served.by() == {"replica1"}
        assert _metric("crmgraph_replica_fallbacks_total", reason="down") == down_before + 1
        assert [s["up"] for s in app.state.replicas.status()] == [False, True]


async def test_a_read_the_replica_cancels_for_replay_is_retryable(database, replica_in_step) -> None:
    """A hot standby cancels a read whose snapshot needs rows that replay is removing (after
    max_standby_streaming_delay): the client is told to retry, not that its query ran too long."""
    primary_url, replica_url = database
    async with serving(primary_url, replica_url) as (app, _gql, factory):
        doomed = [await factory.insert(Account, name=f"Purga {n}") for n in range(3)]
        await replica_in_step.catch_up()
        reader = Reader(app.state.engine, read_from=app.state.replicas.read_from)
        try:
            slow = asyncio.create_task(reader.scalar((sa.text("SELECT count(*) FROM account, pg_sleep(5)"), {})))
            await asyncio.sleep(0.5)  # its snapshot, on the replica, still sees the doomed rows
            async with app.state.engine.begin() as connection:
                await connection.execute(sa.delete(Account.__table__).where(Account.id.in_(doomed)))
            async with app.state.engine.connect() as connection:
                await (await connection.execution_options(isolation_level="AUTOCOMMIT")).execute(sa.text("VACUUM account"))
            with pytest.raises(RetryableError) as cancelled:
                await slow
        finally:
            await reader.close()
    assert cancelled.value.extensions["code"] == "SERVICE_BUSY"
    assert "recovery conflict" in cancelled.value.message


@pytest.fixture
def sqlite_url(tmp_path) -> Iterator[str]:
    with scratch_database("sqlite", tmp_path, "replicas") as url:
        yield url


async def test_sqlite_ignores_read_replicas(sqlite_url, caplog) -> None:
    with caplog.at_level(logging.WARNING, logger="crmgraph.replicas"):
        app = create_app(Settings(database_url=sqlite_url, read_database_urls=("postgresql+asyncpg://postgres@127.0.0.1:1/x",)))
    try:
        assert app.state.replicas.replicas == [] and app.state.replicas.read_from is None
        assert "CRMGRAPH_READ_DATABASE_URL is ignored" in caplog.text
        token = await create_token(app.state.engine, "sqlite-replicas", {Scope.READ})
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://crmgraph.test") as http:
            gql = GraphQLClient(http, app.state.engine, {"read": token})
            answer = await gql(ACCOUNT, {"id": gid("Account", 1)}, scope="read")
        assert answer.data == {"account": None} and answer.statements  # read, on the one database there is
    finally:
        await app.state.engine.dispose()


async def _primary_has(app: Any, account_id: int) -> bool:
    async with app.state.engine.connect() as connection:
        return bool((await connection.execute(sa.select(Account.id).where(Account.id == account_id))).first())


async def _replica_has(replica_url: str, account_id: int) -> bool:
    engine = create_async_engine(replica_url)
    try:
        async with engine.connect() as connection:
            return bool((await connection.execute(sa.select(Account.id).where(Account.id == account_id))).first())
    finally:
        await engine.dispose()


async def _served_by_replica_within(served: Served, gql: GraphQLClient, account_id: int, *, seconds: float) -> bool:
    """Whether a read of the account goes to the replica again within `seconds` (the next check finds
    it in step); every answer along the way is right."""
    for _ in range(int(seconds / 0.1)):
        with served.counting():
            answer = await gql(ACCOUNT, {"id": gid("Account", account_id)})
        assert answer.data["account"]["id"] == gid("Account", account_id)
        if served.by() == {"replica0"}:
            return True
        await asyncio.sleep(0.1)
    return False
