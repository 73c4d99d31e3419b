"""The limits a request must keep, checked before anything runs where they can be: depth, aliases, tokens,
the node budget, batch and body sizes; and a statement over the timeout stopped with a precise error."""

from __future__ import annotations

import asyncio
import json

import pytest
import sqlalchemy as sa

from service.db import create_engine
from tests.client import bearer


async def test_a_query_deeper_than_the_limit_is_refused(gql) -> None:
    level = "contacts(first: 1) { nodes { account { %s } } }"
    deep = "{ accounts(first: 1) { nodes { " + level % (level % (level % (level % "id"))) + " } } }"
    response = await gql(deep)
    assert "exceeds maximum operation depth of 10" in response.errors[0]["message"]
    assert response.statements == []


async def test_too_many_aliases_or_tokens_are_refused(gql) -> None:
    aliases = "{ " + " ".join(f"a{i}: accounts(first: 1) {{ totalCount }}" for i in range(31)) + " }"
    assert "aliases found. Allowed: 30" in (await gql(aliases)).errors[0]["message"]
    tokens = "{ accounts { nodes { " + " ".join(["id"] * 6000) + " } } }"
    assert "more than 5000 tokens" in (await gql(tokens)).errors[0]["message"]


async def test_the_node_budget_is_checked_before_anything_runs_and_reported(gql) -> None:
    costly = "{ accounts(first: 100) { nodes { contacts(first: 100) { nodes { cases(first: 10) { totalCount } } } } } }"
    response = await gql(costly)
    (error,) = response.errors
    assert error["extensions"] == {"code": "QUERY_TOO_COSTLY", "cost": 110_100, "budget": 50_000}
    assert "node budget is 50000" in error["message"] and response.statements == []
    variables = await gql("query($n: Int!) { accounts(first: $n) { nodes { invoices { totalCount } } } }", {"n": 7})
    assert variables.body["extensions"]["cost"] == {"requestedNodes": 7 + 7 * 20, "nodeBudget": 50_000}
    ids = await gql('{ nodes(ids: ["a", "b", "c"]) { id } }')
    assert ids.body["extensions"]["cost"]["requestedNodes"] == 3


async def test_a_variable_default_cannot_slip_past_the_node_budget(gql) -> None:
    query = "query($f: Int = 100) { accounts(first: $f) { nodes { contacts(first: $f) { nodes { cases(first: $f) { totalCount } } } } } }"
    response = await gql(query)
    assert response.errors[0]["extensions"]["code"] == "QUERY_TOO_COSTLY" and response.statements == []
    unset = await gql("query($f: Int) { accounts(first: $f) { totalCount } }")
    assert unset.body["extensions"]["cost"]["requestedNodes"] == 20  # the argument's default


async def test_batches_are_capped(gql) -> None:
    one = {"query": "{ accounts(first: 1) { totalCount } }"}
    assert (await gql.http.post("/graphql", json=[one] * 10, headers=bearer(gql.tokens["read"]))).status_code == 200
    reply = await gql.http.post("/graphql", json=[one] * 11, headers=bearer(gql.tokens["read"]))
    assert reply.status_code == 400 and "11 in one batch; the limit is 10 (CRMGRAPH_MAX_BATCH)" in reply.text


async def test_request_bodies_over_the_limit_are_refused_declared_or_streamed(gql) -> None:
    huge = json.dumps({"query": "{ accounts { totalCount } }", "variables": {"x": "a" * 1_100_000}})
    declared = await gql.http.post("/graphql", content=huge, headers={"content-type": "application/json", **bearer(gql.tokens["read"])})
    assert declared.status_code == 413 and declared.json()["errors"][0]["extensions"]["code"] == "PAYLOAD_TOO_LARGE"

    async def chunks():  # noqa: ANN202 - no Content-Length: the limit counts what arrives
        for _ in range(30):
            yield b"a" * 50_000

    streamed = await gql.http.post("/graphql", content=chunks(), headers={"content-type": "application/json", **bearer(gql.tokens["read"])})
    assert streamed.status_code == 413


async def test_a_statement_over_the_timeout_is_stopped_with_a_precise_error(database_url) -> None:
    from loaders.database import Reader
    from loaders.errors import UserInputError

    engine = create_engine(database_url, statement_timeout_ms=200)
    reader = Reader(engine, timeout_ms=200)
    slow = "SELECT pg_sleep(2)" if engine.dialect.name == "postgresql" else \
        "WITH RECURSIVE r(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM r) SELECT count(*) FROM r"
    try:
        with pytest.raises(UserInputError) as raised:
            await asyncio.wait_for(reader.rows((sa.text(slow), {})), timeout=10)
        assert raised.value.extensions == {"code": "TIMEOUT"} and "200 ms" in raised.value.message
    finally:
        await reader.close()
        await engine.dispose()
