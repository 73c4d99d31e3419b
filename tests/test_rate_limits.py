"""Rate limits per token (service/ratelimit.py): a bucket of cost points a minute, each operation
charged its node-budget figure, 429 when it cannot pay; one worker's own buckets, and buckets shared
by two workers through a Redis started by the test, which also stops it."""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import logging
import math
import time
import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any

import httpx
from starlette.applications import Starlette

from models import Scope
from service.app import GRAPHQL_RESPONSE, create_app
from service.auth import create_token
from service.ratelimit import REDIS_RETRY_SECONDS
from service.settings import Settings
from tests.client import GraphQLClient
from tests.redis_server import RedisServer, redis_server  # noqa: F401 - the fixture

#: costs `first` points: one connection of `first` rows
ACCOUNTS = "query Accounts($first: Int) { accounts(first: $first) { nodes { id } } }"
#: a mid-2027 instant, in ms: where a test stops the clock of a worker's own buckets
FROZEN_MS = 1_814_000_000_000


@dataclass
class Worker:
    """One app (one worker) and an HTTP client to it."""

    app: Starlette
    http: httpx.AsyncClient

    async def ask(self, token: str, first: int = 1, *, query: str = ACCOUNTS, accept: str | None = None) -> httpx.Response:
        headers = {"authorization": f"Bearer {token}", **({"accept": accept} if accept else {})}
        return await self.http.post("/graphql", json={"query": query, "variables": {"first": first}}, headers=headers)

    async def token(self) -> str:
        """A new read token: a bucket of its own."""
        return await create_token(self.app.state.engine, f"rate-{uuid.uuid4().hex[:12]}", {Scope.READ})

    def freeze_clock(self) -> list[int]:
        """Stop the clock of this worker's own buckets (no refill while the test runs); set [0] to move it."""
        now = [FROZEN_MS]
        self.app.state.rate_limits.local.clock = lambda: now[0]
        return now


@contextlib.asynccontextmanager
async def worker(database_url: str, **settings: Any) -> AsyncIterator[Worker]:
    app = create_app(Settings(database_url=database_url, **settings))
    try:
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://crmgraph.test") as http:
            yield Worker(app, http)
    finally:
        await app.state.rate_limits.close()
        await app.state.engine.dispose()


def rate(reply: httpx.Response) -> dict[str, Any]:
    return reply.json()["extensions"]["rateLimit"]


def iso(ms: int) -> str:
    """`resetAt` for an instant in ms: ISO 8601 in UTC, rounded up to the second (the bucket is full by then)."""
    return dt.datetime.fromtimestamp(math.ceil(ms / 1000), dt.UTC).isoformat()


async def test_each_answer_reports_the_bucket_and_remaining_falls_by_each_cost(database_url) -> None:
    async with worker(database_url, rate_limit=100) as one:
        one.freeze_clock()
        token = await one.token()
        first = await one.ask(token, 7)
        assert first.status_code == 200 and "errors" not in first.json()
        # 7 points are back after 7 x 0.6 s: the bucket refills 100 points a minute
        assert rate(first) == {"limit": 100, "remaining": 93, "resetAt": iso(FROZEN_MS + 4_200), "cost": 7}
        assert first.json()["extensions"]["cost"]["requestedNodes"] == 7
        assert rate(await one.ask(token, 20))["remaining"] == 73
        # Introspection has no figure: it costs 1. An unset `first` costs its default, 20.
        assert rate(await one.ask(token, query="{ __schema { queryType { name } } }")) == {
            "limit": 100, "remaining": 72, "resetAt": iso(FROZEN_MS + 16_800), "cost": 1}
        assert rate(await one.ask(token, query="{ accounts { totalCount } }"))["cost"] == 20
        # A document that does not parse runs nothing and costs 1; its answer reports the bucket too
        broken = await one.ask(token, query="{ accounts(")
        assert "data" not in broken.json() and rate(broken)["cost"] == 1 and rate(broken)["remaining"] == 51


async def test_an_operation_over_the_budget_is_429_with_retry_after_and_runs_no_sql(database_url) -> None:
    async with worker(database_url, rate_limit=10) as one:
        now = one.freeze_clock()
        token = await one.token()
        assert (await one.ask(token, 8)).status_code == 200
        client = GraphQLClient(one.http, one.app.state.engine, {"read": token})
        refused = await client("query($first: Int) { accounts(first: $first) { nodes { id name } } }", {"first": 5},
                               scope="read")
        assert refused.status == 429 and refused.statements == []  # the token check aside, nothing ran
        assert "data" not in refused.body
        [error] = refused.errors
        # 3 more points are needed: 18 s of refill at 10 a minute
        assert error["extensions"] == {"code": "RATE_LIMITED", "retryAfter": 18}
        assert "costs 5 points" in error["message"] and "CRMGRAPH_RATE_LIMIT" in error["message"]
        assert refused.body["extensions"]["rateLimit"] == {"limit": 10, "remaining": 2, "resetAt": iso(FROZEN_MS + 48_000),
                                                           "cost": 5}
        for accept in (GRAPHQL_RESPONSE, "application/json"):  # a GraphQL body in the media type asked for
            reply = await one.ask(token, 5, accept=accept)
            assert reply.status_code == 429 and reply.headers["retry-after"] == "18"
            assert reply.headers["content-type"].startswith(accept)
            assert reply.json()["errors"][0]["extensions"]["code"] == "RATE_LIMITED"
        # Refusals took nothing: after Retry-After, the bucket pays exactly
        now[0] += 18_000
        again = await one.ask(token, 5)
        assert again.status_code == 200 and "errors" not in again.json() and rate(again)["remaining"] == 0
        # An operation that costs more than the whole budget can never pass: no Retry-After
        whole = await one.ask(token, 11)
        assert whole.status_code == 429 and "retry-after" not in whole.headers
        assert "more than the whole budget of 10 points" in whole.json()["errors"][0]["message"]


async def test_a_batch_is_charged_operation_by_operation(database_url) -> None:
    async with worker(database_url, rate_limit=10) as one:
        one.freeze_clock()
        token = await one.token()
        batch = [{"query": ACCOUNTS, "variables": {"first": first}} for first in (6, 5, 1)]
        reply = await one.http.post("/graphql", json=batch, headers={"authorization": f"Bearer {token}"})
        first, second, third = (answer["extensions"]["rateLimit"] for answer in reply.json())
        assert reply.status_code == 200  # the first one ran
        assert "errors" not in reply.json()[0] and first == {**first, "cost": 6, "remaining": 4}
        assert [answer["errors"][0]["extensions"]["code"] for answer in reply.json()[1:]] == ["RATE_LIMITED"] * 2
        assert second == {**second, "cost": 5, "remaining": 4}
        # The third would fit, but a batch stops at its first refusal: a later operation may depend on it
        assert third == {**third, "cost": 1, "remaining": 4}
        nothing = await one.http.post("/graphql", json=batch[1:], headers={"authorization": f"Bearer {token}"})
        assert nothing.status_code == 429 and nothing.headers["retry-after"] == "6"  # 1 point short: 6 s
        assert all("data" not in answer for answer in nothing.json())


async def test_tokens_have_separate_buckets(database_url) -> None:
    async with worker(database_url, rate_limit=10) as one:
        one.freeze_clock()
        spender, other = await one.token(), await one.token()
        assert (await one.ask(spender, 10)).status_code == 200
        assert (await one.ask(spender, 1)).status_code == 429
        untouched = await one.ask(other, 4)
        assert untouched.status_code == 200 and rate(untouched)["remaining"] == 6


async def test_rate_limit_0_turns_it_off(database_url, monkeypatch) -> None:
    monkeypatch.setenv("CRMGRAPH_DATABASE_URL", database_url)
    monkeypatch.setenv("CRMGRAPH_RATE_LIMIT", "0")
    settings = Settings.from_env()
    assert settings.rate_limit == 0
    async with worker(database_url, rate_limit=settings.rate_limit) as one:
        token = await one.token()
        for _ in range(3):
            reply = await one.ask(token, 100)
            assert reply.status_code == 200 and "errors" not in reply.json()
            assert "rateLimit" not in reply.json()["extensions"]  # no limit, and nothing to report


async def test_without_redis_each_worker_keeps_its_own_buckets(database_url) -> None:
    async with worker(database_url, rate_limit=10) as one, worker(database_url, rate_limit=10) as two:
        one.freeze_clock(), two.freeze_clock()
        token = await one.token()
        assert (await one.ask(token, 10)).status_code == 200 and (await one.ask(token, 1)).status_code == 429
        assert (await two.ask(token, 10)).status_code == 200  # the other worker's bucket was full


async def test_two_workers_share_one_redis_budget_exactly(database_url, redis_server: RedisServer) -> None:  # noqa: F811
    limit, cost, requests = 100, 7, 40
    async with (worker(database_url, rate_limit=limit, redis_url=redis_server.url) as one,
                worker(database_url, rate_limit=limit, redis_url=redis_server.url) as two):
        token = await one.token()
        started = time.monotonic()
        replies = await asyncio.gather(*(
            (one if i % 2 else two).ask(token, cost) for i in range(requests)
        ))
        elapsed = time.monotonic() - started
    allowed = [r for r in replies if r.status_code == 200]
    refused = [r for r in replies if r.status_code == 429]
    assert len(allowed) + len(refused) == requests
    assert all("errors" not in r.json() for r in allowed)
    assert all(r.json()["errors"][0]["extensions"]["code"] == "RATE_LIMITED" for r in refused)
    # The bucket refills 100 points a minute: over the test's few seconds, at most `refill` more points
    refill = elapsed * limit / 60
    assert limit // cost <= len(allowed) <= (limit + refill) // cost, (len(allowed), elapsed)
    # Every allowed request saw the bucket after its own take, never one another worker took too
    remaining = [rate(r)["remaining"] for r in allowed]
    assert len(set(remaining)) == len(remaining), sorted(remaining)
    assert {rate(r)["limit"] for r in replies} == {limit}
    assert {rate(r)["resetAt"][-6:] for r in replies} == {"+00:00"}  # ISO 8601, UTC


async def test_redis_down_serves_requests_with_one_warning_then_limits_return(
    database_url, redis_server: RedisServer, caplog  # noqa: F811
) -> None:
    caplog.set_level(logging.WARNING, logger="crmgraph.ratelimit")
    async with worker(database_url, rate_limit=10, redis_url=redis_server.url) as one:
        token = await one.token()
        assert rate(await one.ask(token, 8))["remaining"] == 2
        redis_server.stop()
        for _ in range(3):
            reply = await one.ask(token, 8)  # far over what is left: served all the same
            assert reply.status_code == 200 and "errors" not in reply.json()
            assert rate(reply) == {"limit": 10, "remaining": None, "resetAt": None, "cost": 8}
        warnings = [r for r in caplog.records if r.name == "crmgraph.ratelimit"]
        assert len(warnings) == 1 and "does not answer" in warnings[0].getMessage(), warnings
        assert "rate limits not enforced" in warnings[0].getMessage() and redis_server.url.split("/")[2] in warnings[0].getMessage()

        redis_server.start()  # empty: every bucket full again
        deadline = time.monotonic() + 10 * REDIS_RETRY_SECONDS
        while rate(reply := await one.ask(token, 1))["remaining"] is None:
            assert time.monotonic() < deadline, "rate limits did not come back with Redis"
            await asyncio.sleep(REDIS_RETRY_SECONDS / 5)
        assert rate(reply)["remaining"] == 9
        assert (await one.ask(token, 8)).status_code == 200
        assert (await one.ask(token, 8)).status_code == 429
        messages = [r.getMessage() for r in caplog.records if r.name == "crmgraph.ratelimit"]
        assert len(messages) == 2 and "rate limits enforced again" in messages[1], messages
