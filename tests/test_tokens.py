"""Bearer tokens: a precise 401 without a valid one, revocation and expiry seen on time (the token cache
too), the `crmgraph token` command, and a read token that can run no mutation and writes nothing."""

from __future__ import annotations

import asyncio
import datetime as dt
import os
import subprocess
import sys
from pathlib import Path

import httpx
import pytest
from graphql import (
    GraphQLEnumType,
    GraphQLInputObjectType,
    GraphQLList,
    GraphQLNonNull,
    Undefined,
    get_named_type,
)
from starlette.testclient import TestClient

from models import Account, Scope
from service.app import create_app
from service.auth import create_token, revoke_tokens
from service.schema import schema
from service.settings import Settings
from tests.client import bearer, fingerprint, gid

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.parametrize(
    "headers",
    [{}, {"authorization": "Bearer"}, {"authorization": "Basic dXNlcjpwYXNz"}, {"authorization": "Bearer crm_not-a-token"}],
)
async def test_a_request_without_a_valid_token_is_a_401_shaped_like_graphql(gql, headers) -> None:
    reply = await gql.http.post("/graphql", json={"query": "{ accounts { totalCount } }"}, headers=headers)
    assert reply.status_code == 401
    assert reply.headers["www-authenticate"].startswith("Bearer")
    (error,) = reply.json()["errors"]
    assert error["extensions"]["code"] == "UNAUTHENTICATED" and error["message"]


async def test_health_and_the_graphiql_page_need_no_token_but_queries_do(gql) -> None:
    assert (await gql.http.get("/health")).status_code == 200
    assert (await gql.http.get("/graphql", headers={"accept": "text/html"})).status_code == 200
    query = await gql.http.get("/graphql", params={"query": "{ accounts { totalCount } }"}, headers={"accept": "text/html"})
    assert query.status_code == 401


async def _app_client(database_url: str, **settings: object) -> tuple[object, httpx.AsyncClient]:
    app = create_app(Settings(database_url=database_url, **settings))
    return app, httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://crmgraph.test")


async def test_revoked_and_expired_tokens_stop_working(database_url, gql) -> None:
    """With the token cache off, the very next request after a revocation is refused."""
    app, http = await _app_client(database_url, token_cache_seconds=0)
    engine = app.state.engine
    async with http:
        revoked = await create_token(engine, "to-revoke", {Scope.READ})
        expired = await create_token(engine, "expired", {Scope.READ}, expires_in=dt.timedelta(microseconds=1))
        query = {"query": "{ accounts(first: 1) { totalCount } }"}
        assert (await http.post("/graphql", json=query, headers=bearer(revoked))).status_code == 200
        assert await revoke_tokens(engine, "to-revoke") == 1
        refused = await http.post("/graphql", json=query, headers=bearer(revoked))
        assert refused.status_code == 401 and refused.json()["errors"][0]["message"] == "this token was revoked"
        late = await http.post("/graphql", json=query, headers=bearer(expired))
        assert late.status_code == 401 and late.json()["errors"][0]["message"] == "this token has expired"
    await engine.dispose()


async def test_a_remembered_token_is_read_again_after_the_cache_window_and_expires_on_time(database_url, gql) -> None:
    """CRMGRAPH_TOKEN_CACHE_SECONDS: a revocation is seen within the window; an expiry at once."""
    query = {"query": "{ accounts(first: 1) { totalCount } }"}
    app, http = await _app_client(database_url, token_cache_seconds=1)
    engine = app.state.engine
    async with http:
        token = await create_token(engine, "cached-then-revoked", {Scope.READ})
        assert (await http.post("/graphql", json=query, headers=bearer(token))).status_code == 200
        assert await revoke_tokens(engine, "cached-then-revoked") == 1
        # Within the window the remembered row still answers; after it, the row is read again.
        assert (await http.post("/graphql", json=query, headers=bearer(token))).status_code == 200
        await asyncio.sleep(1.05)
        refused = await http.post("/graphql", json=query, headers=bearer(token))
        assert refused.status_code == 401 and refused.json()["errors"][0]["message"] == "this token was revoked"
    await engine.dispose()

    app, http = await _app_client(database_url, token_cache_seconds=60)
    engine = app.state.engine
    async with http:
        short = await create_token(engine, "short-lived", {Scope.READ}, expires_in=dt.timedelta(milliseconds=600))
        assert (await http.post("/graphql", json=query, headers=bearer(short))).status_code == 200
        await asyncio.sleep(0.7)
        late = await http.post("/graphql", json=query, headers=bearer(short))
        assert late.status_code == 401 and late.json()["errors"][0]["message"] == "this token has expired"
    await engine.dispose()


async def test_a_read_token_cannot_mutate_and_nothing_is_written(gql, factory) -> None:
    source = await factory.insert(Account)
    mutation = ('mutation($id: ID!) { duplicateAccount(input: {sourceId: $id, name: "Copia", rfc: "XAXX010101000", '
                'taxRegime: "616", cfdiUse: "S01"}) { account { id } errors { code } } }')
    before = await fingerprint(gql.engine)
    response = await gql(mutation, {"id": gid("Account", source)}, scope="read")
    assert response.errors[0]["extensions"]["code"] == "FORBIDDEN" and "WRITE" in response.errors[0]["message"]
    assert await fingerprint(gql.engine) == before
    for scope in ("write", "admin"):
        assert (await gql(mutation, {"id": gid("Account", source)}, scope=scope)).data["duplicateAccount"]["errors"] == []


def test_the_token_command_prints_a_token_once_lists_it_without_it_and_revokes_it(tmp_path) -> None:
    env = {**os.environ, "CRMGRAPH_DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path / 'cli.db'}"}

    def crmgraph(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([sys.executable, "-m", "service.cli", *args], cwd=ROOT, env=env, capture_output=True,
                              text=True, timeout=120)

    assert crmgraph("migrate").returncode == 0
    created = crmgraph("token", "create", "--name", "bi-tool", "--scope", "read")
    token = created.stdout.strip()
    assert created.returncode == 0 and token.startswith("crm_") and len(token) > 40
    listed = crmgraph("token", "list").stdout
    assert "bi-tool" in listed and "READ" in listed and "live" in listed and token not in listed and token[:12] in listed
    # The CLI revokes from another process: with the token cache off the server sees it at once.
    app = create_app(Settings(database_url=env["CRMGRAPH_DATABASE_URL"], token_cache_seconds=0))
    with TestClient(app) as client:
        assert client.post("/graphql", json={"query": "{ accounts { totalCount } }"}, headers=bearer(token)).status_code == 200
        assert crmgraph("token", "revoke", "bi-tool").returncode == 0
        assert client.post("/graphql", json={"query": "{ accounts { totalCount } }"}, headers=bearer(token)).status_code == 401
    assert "revoked" in crmgraph("token", "list").stdout
    demo = crmgraph("token", "demo")
    assert "Bearer crm_" in demo.stdout


def _placeholder(gtype) -> object:  # noqa: ANN001 - a graphql-core input type
    """Some value of an input type that GraphQL accepts (required fields only): enough to reach the
    field's permission check."""
    if isinstance(gtype, GraphQLNonNull):
        return _placeholder(gtype.of_type)
    if isinstance(gtype, GraphQLList):
        return []
    if isinstance(gtype, GraphQLEnumType):
        return next(iter(gtype.values))
    if isinstance(gtype, GraphQLInputObjectType):
        return {name: _placeholder(field.type) for name, field in gtype.fields.items()
                if isinstance(field.type, GraphQLNonNull) and field.default_value is Undefined}
    return {"ID": "eA==", "String": "x", "Int": 1, "Boolean": True, "Decimal": "1", "Date": "2026-01-01",
            "DateTime": "2026-01-01T00:00:00+00:00"}[gtype.name]


@pytest.mark.parametrize("field", sorted(schema._schema.mutation_type.fields), ids=str)
async def test_every_mutation_is_forbidden_to_a_read_token_and_writes_nothing(gql, field) -> None:
    definition = schema._schema.mutation_type.fields[field]
    input_type = definition.args["input"].type
    payload = get_named_type(definition.type)
    query = (f"mutation($input: {input_type}) {{ {field}(input: $input) {{ errors {{ code }} "
             f"{next(name for name in payload.fields if name != 'errors')} {{ id }} }} }}")
    before = await fingerprint(gql.engine)
    response = await gql(query, {"input": _placeholder(input_type)}, scope="read")
    assert response.errors[0]["extensions"]["code"] == "FORBIDDEN", response.body
    assert response.body["data"] == {field: None}
    assert await fingerprint(gql.engine) == before
