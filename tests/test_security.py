"""Hostile requests and the HTTP surface: mutations only over POST with JSON, CORS, introspection off,
hostile text, fuzzed queries and absurd nesting: precise refusals, no 500, no leak, and the data unchanged."""

from __future__ import annotations

import asyncio
import datetime as dt
import json
import os

import httpx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis_graphql import from_schema, nodes
from starlette.testclient import TestClient

from models import Account, Scope
from service.app import create_app
from service.auth import create_token
from service.db import create_engine
from service.settings import Settings
from tests.client import bearer, fingerprint, gid

LEAKS = ("Traceback", "sqlalchemy", "asyncpg", "aiosqlite", "SELECT ", "psycopg", "File \\\"", "sqlite3")


async def test_mutations_only_over_post_with_json(gql) -> None:
    mutation = 'mutation { duplicateAccount(input: {sourceId: "x", name: "n", rfc: "r"}) { errors { code } } }'
    assert (await gql.http.get("/graphql", params={"query": mutation}, headers=bearer(gql.tokens["write"]))).status_code in (400, 405)
    for content_type in ("text/plain", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x"):
        reply = await gql.http.post("/graphql", content=json.dumps({"query": mutation}),
                                    headers={"content-type": content_type, **bearer(gql.tokens["write"])})
        assert reply.status_code in (400, 415), (content_type, reply.status_code)


async def test_malformed_json_is_a_400(gql) -> None:
    for body in ("{", "[1,", "null", '"just a string"', "\xff\xfe"):
        reply = await gql.http.post("/graphql", content=body.encode("utf-8", "surrogateescape"),
                                    headers={"content-type": "application/json", **bearer(gql.tokens["read"])})
        assert reply.status_code == 400, (body, reply.status_code, reply.text)


async def test_cors_answers_only_the_allowed_origins(database_url) -> None:
    app = create_app(Settings(database_url=database_url, cors_origins=("https://crm.example.mx",)))
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://crmgraph.test") as http:
        preflight = {"access-control-request-method": "POST", "access-control-request-headers": "authorization,content-type"}
        allowed = await http.options("/graphql", headers={"origin": "https://crm.example.mx", **preflight})
        other = await http.options("/graphql", headers={"origin": "https://evil.example", **preflight})
    await app.state.engine.dispose()
    assert allowed.headers.get("access-control-allow-origin") == "https://crm.example.mx"
    assert "access-control-allow-origin" not in other.headers


async def test_without_cors_origins_no_origin_is_allowed(gql) -> None:
    preflight = {"access-control-request-method": "POST", "access-control-request-headers": "authorization,content-type"}
    answer = await gql.http.options("/graphql", headers={"origin": "https://crm.example.mx", **preflight})
    assert answer.status_code >= 400 and "access-control-allow-origin" not in answer.headers
    query = await gql.http.post("/graphql", json={"query": "{ __typename }"},
                                headers={"origin": "https://crm.example.mx", "authorization": f"Bearer {gql.tokens['read']}"})
    assert query.status_code == 200 and "access-control-allow-origin" not in query.headers


async def test_introspection_and_graphiql_can_be_switched_off(database_url) -> None:
    app = create_app(Settings(database_url=database_url, introspection=False, graphiql=False))
    token = await create_token(app.state.engine, "introspection", {Scope.READ})
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://crmgraph.test") as http:
        page = await http.get("/graphql", headers={"accept": "text/html", **bearer(token)})
        schema = await http.post("/graphql", json={"query": "{ __schema { types { name } } }"}, headers=bearer(token))
        plain = await http.post("/graphql", json={"query": "{ accounts(first: 1) { totalCount } }"}, headers=bearer(token))
    await app.state.engine.dispose()
    assert "graphiql" not in page.text.lower()
    assert "introspection has been disabled" in schema.json()["errors"][0]["message"]
    assert "errors" not in plain.json()


@pytest.mark.parametrize(
    "text",
    ["'; DROP TABLE account; --", "%", "_", "\\", "\x00", "ñ" * 5000, "😀🇲🇽", "Robert'); DELETE FROM contact;--", "\u202e\u0000\ufeff"],
)
async def test_hostile_text_in_filters_search_and_mutations_changes_nothing(gql, factory, text) -> None:
    source = await factory.insert(Account)
    before = await fingerprint(gql.engine)
    for query, variables in (
        ("query($t: String) { accounts(filter: {name: {contains: $t}, or: [{rfc: {eq: $t}}, {email: {startsWith: $t}}]}) { totalCount } }", {"t": text}),
        ("query($t: String!) { search(text: $t) { accounts { id } } }", {"t": text + "xx"}),
        ("query($t: String) { node(id: $t) { id } }", {"t": text}),
        ("query($t: String) { accounts(after: $t) { totalCount } }", {"t": text}),
        ("mutation($i: DuplicateAccountInput!) { duplicateAccount(input: $i) { account { id } errors { code } } }",
         {"i": {"sourceId": gid("Account", source), "name": text, "rfc": text, "email": text, "tradeName": text * 300}}),
        ("mutation($i: AddPurchaseOrderInput!) { addPurchaseOrder(input: $i) { purchaseOrder { id } errors { code } } }",
         {"i": {"contactId": text, "subject": text, "date": "2026-01-01", "vendor": {"name": text, "rfc": text}, "lines": [
             {"productId": text, "quantity": "1", "unitPrice": "1", "description": text}]}}),
    ):
        response = await gql(query.replace("String)", "String!)") if "node(id" in query else query, variables)
        assert response.status < 500
        assert not any(leak in json.dumps(response.body) for leak in LEAKS), response.body
    assert await fingerprint(gql.engine) == before


async def test_nul_characters_and_absurd_nesting_are_clear_errors(gql, factory) -> None:
    nul = await gql("query($t: String) { accounts(filter: {name: {eq: $t}}) { totalCount } }", {"t": "a\x00b"})
    assert nul.errors[0]["message"] == "filter on name: text cannot contain the NUL character (U+0000)"
    source = await factory.insert(Account)
    before = await fingerprint(gql.engine)
    payload = (await gql("mutation($i: DuplicateAccountInput!) { duplicateAccount(input: $i) { errors { field code } } }",
                         {"i": {"sourceId": gid("Account", source), "name": "a\x00", "rfc": "XAXX010101000", "phone": "\x00"}})).data
    assert {tuple(e["field"]) for e in payload["duplicateAccount"]["errors"]} >= {("name",), ("phone",)}
    assert await fingerprint(gql.engine) == before

    deep_body = await gql.http.post("/graphql", content="[" * 100_000 + "]" * 100_000,
                                    headers={"content-type": "application/json", **bearer(gql.tokens["read"])})
    assert deep_body.status_code in (400, 413)
    literal = "{and: [" * 40 + "{}" + "]}" * 40
    nested = await gql("{ accounts(filter: %s) { totalCount } }" % literal)
    assert nested.errors[0]["message"] == "filter nested deeper than 12 levels (and / or / not / related rows)"
    variable: dict = {}
    cursor = variable
    for _ in range(400):
        cursor["and"] = [{}]
        cursor = cursor["and"][0]
    too_deep = await gql.http.post("/graphql", json={"query": "query($f: AccountFilter) { accounts(filter: $f) { totalCount } }",
                                                     "variables": {"f": variable}}, headers=bearer(gql.tokens["read"]))
    assert too_deep.status_code == 400 and "nested too deeply" in too_deep.text


def _decimal_node() -> st.SearchStrategy:
    return st.decimals(allow_nan=False, allow_infinity=False, places=2, min_value=-10**6, max_value=10**6).map(lambda d: nodes.String(str(d)))


def _date_node() -> st.SearchStrategy:
    return st.dates().map(lambda d: nodes.String(d.isoformat()))


def test_generated_queries_never_fail_with_a_500_or_leak_and_change_nothing(database_url) -> None:
    """Hypothesis writes read queries from the live schema; every answer is a clean GraphQL answer."""
    from service.schema import schema

    app = create_app(Settings(database_url=database_url))
    token = asyncio.run(create_token(create_engine(database_url), "fuzz", {Scope.READ}))
    before = asyncio.run(_fingerprint_of(database_url))
    strategy = from_schema(
        schema.as_str(),
        custom_scalars={"Decimal": _decimal_node(), "Date": _date_node(),
                        "DateTime": st.datetimes(timezones=st.just(dt.UTC)).map(lambda d: nodes.String(d.isoformat())),
                        "JSON": st.just(nodes.String("{}"))},
        fields=["accounts", "contacts", "invoices", "node", "nodes", "search", "account", "contact", "purchaseOrders"],
    )
    with TestClient(app, raise_server_exceptions=False) as client:

        @settings(max_examples=int(os.environ.get("CRMGRAPH_FUZZ_EXAMPLES", "60")), deadline=None,
                  suppress_health_check=list(HealthCheck))
        @given(strategy)
        def query_once(query: str) -> None:
            reply = client.post("/graphql", json={"query": query}, headers=bearer(token))
            assert reply.status_code < 500, (query, reply.text[:500])
            body = reply.text
            assert not any(leak in body for leak in LEAKS), (query, body[:500])
            for error in reply.json().get("errors", []):
                assert error["message"] != "Internal server error", (query, error)

        query_once()
    assert asyncio.run(_fingerprint_of(database_url)) == before


async def _fingerprint_of(database_url: str) -> dict:
    engine = create_engine(database_url)
    try:
        return await fingerprint(engine)
    finally:
        await engine.dispose()


def test_there_is_no_websocket_channel_around_the_token_check(database_url) -> None:
    """GraphQL over WebSockets could carry queries; the endpoint is an HTTP route and refuses them."""
    from starlette.websockets import WebSocketDisconnect

    app = create_app(Settings(database_url=database_url))
    with TestClient(app) as client:
        for protocol in ("graphql-transport-ws", "graphql-ws"):
            with pytest.raises(WebSocketDisconnect), client.websocket_connect("/graphql", subprotocols=[protocol]) as ws:
                ws.send_json({"type": "connection_init"})
                ws.receive_json()
