"""HTTP behaviour: GraphQL-over-HTTP content negotiation, the health check, GraphiQL, no redirects."""

from __future__ import annotations

import asyncio
import uuid

import httpx
import pytest

from models import Account, Scope
from service.app import create_app
from service.auth import create_token
from service.settings import Settings
from tests.client import gid


def _auth(gql) -> dict[str, str]:  # noqa: ANN001
    return {"authorization": f"Bearer {gql.tokens['read']}"}


async def test_graphql_response_json_gives_4xx_for_a_document_that_does_not_validate(gql) -> None:
    accept = {"accept": "application/graphql-response+json", **_auth(gql)}
    invalid = await gql.http.post("/graphql", json={"query": "{ nope }"}, headers=accept)
    assert invalid.status_code == 400
    assert invalid.headers["content-type"].startswith("application/graphql-response+json")
    assert "nope" in invalid.json()["errors"][0]["message"]
    unparsable = await gql.http.post("/graphql", json={"query": "{ accounts { "}, headers=accept)
    assert unparsable.status_code == 400
    ok = await gql.http.post("/graphql", json={"query": "{ accounts(first: 1) { totalCount } }"}, headers=accept)
    assert ok.status_code == 200 and ok.headers["content-type"].startswith("application/graphql-response+json")
    field_error = await gql.http.post("/graphql", json={"query": '{ node(id: "zzz") { id } }'}, headers=accept)
    assert field_error.status_code == 200  # executed: the error belongs to a field, not to the document


async def test_older_clients_get_application_json(gql) -> None:
    reply = await gql.http.post("/graphql", json={"query": "{ nope }"}, headers=_auth(gql))
    assert reply.headers["content-type"].startswith("application/json")
    assert reply.json()["errors"]


async def test_the_endpoint_is_served_without_a_redirect_and_graphiql_is_on(gql) -> None:
    page = await gql.http.get("/graphql", headers={"accept": "text/html"})
    assert page.status_code == 200 and "graphiql" in page.text.lower()
    query = await gql.http.get("/graphql", params={"query": "{ accounts(first: 1) { totalCount } }"}, headers=_auth(gql))
    assert query.status_code == 200 and "totalCount" in query.text


async def test_health_reports_the_database(gql) -> None:
    reply = await gql.http.get("/health")
    assert reply.status_code == 200 and reply.json() == {"status": "ok"}


async def test_money_is_a_string_and_datetimes_are_utc(gql, factory) -> None:
    from decimal import Decimal

    from models import Account
    from tests.client import gid

    account = await factory.insert(Account, credit_limit=Decimal("1234.50"))
    data = (await gql("query($id: ID!) { account(id: $id) { creditLimit createdAt } }", {"id": gid("Account", account)})).data
    assert data["account"]["creditLimit"] == "1234.50"
    assert data["account"]["createdAt"].endswith("+00:00")


async def test_an_unexpected_error_is_masked_with_a_request_id_that_is_logged(tmp_path, caplog) -> None:
    import httpx
    import sqlalchemy as sa

    from models import Scope
    from service.app import create_app
    from service.auth import create_token
    from service.migrate import migrate
    from service.settings import Settings

    url = f"sqlite+aiosqlite:///{tmp_path / 'broken.db'}"
    await asyncio.to_thread(migrate, url)
    app = create_app(Settings(database_url=url))
    token = await create_token(app.state.engine, "t", {Scope.READ})
    async with app.state.engine.begin() as connection:  # a real failure: a table is gone
        await connection.execute(sa.text("DROP TABLE price_list"))
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://crmgraph.test") as http:
        reply = await http.post(
            "/graphql", json={"query": "{ priceLists { totalCount } }"},
            headers={"x-request-id": "req-42", "authorization": f"Bearer {token}"},
        )
    await app.state.engine.dispose()
    (error,) = reply.json()["errors"]
    assert error["message"] == "Internal server error"
    assert error["extensions"] == {"code": "INTERNAL_SERVER_ERROR", "requestId": "req-42"}
    assert "price_list" not in reply.text and "no such table" not in reply.text and "Traceback" not in reply.text
    assert reply.headers["x-request-id"] == "req-42"
    assert any("req-42" in record.getMessage() and record.exc_info for record in caplog.records)


async def test_every_request_gives_its_connection_back_even_after_errors(gql, factory) -> None:
    """Also when a field error ends the request while sibling batches are still reading (graphql-core
    returns at once): the next requests must not notice, and the pool must be whole again."""
    from models import Account

    for _ in range(3):
        await factory.insert(Account)
    pool = gql.engine.sync_engine.pool
    before = pool.checkedout()
    for query in (
        "{ accounts(first: 3) { nodes { invoices { totalCount } } } }",
        '{ accounts(first: 3, after: "bad") { totalCount } }',
        '{ node(id: "zzz") { id } }',
        "{ nope }",
        '{ accounts(first: 5) { nodes { contacts { totalCount } invoices(after: "bad") { totalCount } } } }',
        "{ accounts(first: 5) { nodes { contacts { totalCount } invoices(first: 101) { totalCount } } } }",
        "{ a: accounts(first: 0) { totalCount } b: accounts(first: 5) { nodes { invoices { totalCount } } } }",
    ):
        for _ in range(3):
            await gql.http.post("/graphql", json={"query": query}, headers=_auth(gql))
        assert "errors" not in (await gql("{ accounts(first: 3) { nodes { invoices { totalCount } } } }")).body
    batch = await gql.http.post(
        "/graphql",
        json=[{"query": "{ accounts(first: 1) { totalCount } }"}, {"query": "{ contacts(first: 1) { totalCount } }"}],
        headers=_auth(gql),
    )
    assert [set(item["data"]) for item in batch.json()] == [{"accounts"}, {"contacts"}]
    await asyncio.sleep(0.2)  # batches that outlived their request finish here
    assert pool.checkedout() == before
    assert (await gql.http.get("/health")).status_code == 200


# --- GraphQL over HTTP, to the letter (issue 11) ------------------------------------------------------

GRAPHQL_RESPONSE = "application/graphql-response+json"
MALFORMED = {
    "unknown operationName": {"json": {"query": "query A { __typename }", "operationName": "Z"}},
    "missing query": {"json": {"variables": {}}},
    "invalid JSON": {"content": b"{nope", "headers": {"content-type": "application/json"}},
    "unsupported content type": {"content": b"{ __typename }", "headers": {"content-type": "text/plain"}},
    "body not an object": {"json": [1]},
    "batch over the limit": {"json": [{"query": "{ __typename }"}] * 11},
    "body nested too deeply": {"content": b"[" * 100_000 + b"]" * 100_000, "headers": {"content-type": "application/json"}},
}


@pytest.mark.parametrize("case", sorted(MALFORMED))
@pytest.mark.parametrize("accept", [GRAPHQL_RESPONSE, "application/json"])
async def test_every_malformed_request_is_a_json_error_in_the_accepted_media_type(gql, case, accept) -> None:
    request = MALFORMED[case]
    headers = {**_auth(gql), "accept": accept, **request.get("headers", {})}
    reply = await gql.http.post("/graphql", headers=headers, **{k: v for k, v in request.items() if k != "headers"})
    assert 400 <= reply.status_code < 500, reply.text
    assert reply.headers["content-type"].startswith(accept), reply.headers["content-type"]
    body = reply.json()
    assert list(body) == ["errors"] and body["errors"][0]["message"] and body["errors"][0]["extensions"]["code"]


async def test_a_lone_surrogate_is_refused_as_a_bad_body(gql) -> None:
    body = '{"query": "query($t: String!) { search(text: $t) { accounts { id } } }", "variables": {"t": "ab\\ud800"}}'
    reply = await gql.http.post("/graphql", content=body, headers={"content-type": "application/json",
                                                                    "authorization": f"Bearer {gql.tokens['read']}"})
    assert reply.status_code == 400 and "lone surrogate" in reply.text


@pytest.mark.parametrize(
    "query",
    ["{ nope }", "{ accounts { ", "query($n: Int!) { accounts(first: $n) { totalCount } }",
     "{ accounts(first: 100) { nodes { contacts(first: 100) { nodes { cases(first: 100) { totalCount } } } } } }"],
)
async def test_a_request_error_carries_no_data_key(gql, query) -> None:
    for accept, status in ((GRAPHQL_RESPONSE, 400), ("application/json", 200)):
        reply = await gql.http.post("/graphql", json={"query": query}, headers={**_auth(gql), "accept": accept})
        assert reply.status_code == status and "data" not in reply.json() and reply.json()["errors"], reply.text


async def test_several_operations_without_an_operation_name_are_an_error_and_none_runs(gql, factory) -> None:
    source = await factory.insert(Account)
    mutation = (f'mutation Copy {{ duplicateAccount(input: {{sourceId: "{gid("Account", source)}", name: "Copia", '
                'rfc: "XAXX010101000", taxRegime: "616", cfdiUse: "S01"}) { account { id } } } query Count { __typename }')
    before = await _accounts(gql)
    reply = await gql.http.post("/graphql", json={"query": mutation},
                                headers={"authorization": f"Bearer {gql.tokens['write']}", "accept": GRAPHQL_RESPONSE})
    assert reply.status_code == 400 and "operationName" in reply.json()["errors"][0]["message"]
    assert "data" not in reply.json() and await _accounts(gql) == before
    named = await gql.http.post("/graphql", json={"query": mutation, "operationName": "Count"},
                                headers={"authorization": f"Bearer {gql.tokens['write']}"})
    assert named.json()["data"] == {"__typename": "Query"} and await _accounts(gql) == before


async def _accounts(gql) -> int:  # noqa: ANN001
    return (await gql("{ accounts(first: 1) { totalCount } }")).data["accounts"]["totalCount"]


async def test_a_mutation_over_get_is_405_allow_post_and_other_methods_are_405_allow_get_post(gql) -> None:
    reply = await gql.http.get("/graphql", params={"query": "mutation { __typename }"}, headers=_auth(gql))
    assert reply.status_code == 405 and reply.headers["allow"] == "POST"
    assert reply.json()["errors"][0]["extensions"]["code"] == "METHOD_NOT_ALLOWED"
    put = await gql.http.put("/graphql", json={"query": "{ __typename }"}, headers=_auth(gql))
    assert put.status_code == 405 and put.headers["allow"] == "GET, POST" and put.json()["errors"]


async def test_the_operations_of_a_batch_share_one_node_budget(gql) -> None:
    costly = {"query": "{ accounts(first: 100) { nodes { contacts(first: 100) { totalCount } } } }"}  # 10,100 rows
    reply = await gql.http.post("/graphql", json=[costly] * 5, headers=_auth(gql))
    answers = reply.json()
    assert [("data" in a) for a in answers] == [True, True, True, True, False]
    assert answers[4]["errors"][0]["extensions"] == {"code": "QUERY_TOO_COSTLY", "cost": 10_100, "requestCost": 50_500,
                                                     "budget": 50_000}


async def test_the_mutations_of_a_batch_run_one_after_another_in_order(gql, factory) -> None:
    source = await factory.insert(Account)
    copy = {"query": f'mutation {{ duplicateAccount(input: {{sourceId: "{gid("Account", source)}", name: "Copia", '
                     'rfc: "XAXX010101000", taxRegime: "616", cfdiUse: "S01"}) { account { id } } }'}
    count = {"query": "{ accounts(first: 1) { totalCount } }"}
    before = await _accounts(gql)
    reply = await gql.http.post("/graphql", json=[count, copy, count, copy, count],
                                headers={"authorization": f"Bearer {gql.tokens['write']}"})
    totals = [a["data"]["accounts"]["totalCount"] for a in reply.json()[::2]]
    assert totals == [before, before + 1, before + 2]


async def test_with_introspection_off_no_error_suggests_a_name(database_url) -> None:
    app = create_app(Settings(database_url=database_url, introspection=False))
    token = await create_token(app.state.engine, f"no-suggestions-{uuid.uuid4().hex[:8]}", {Scope.READ})
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://crmgraph.test") as http:
        headers = {"authorization": f"Bearer {token}"}
        field = await http.post("/graphql", json={"query": '{ acount(id: "x") { name } }'}, headers=headers)
        enum = await http.post("/graphql", headers=headers, json={
            "query": "query($o: [InvoiceOrder!]) { invoices(orderBy: $o) { totalCount } }",
            "variables": {"o": [{"field": "TOTL", "direction": "ASC"}]}})
    await app.state.engine.dispose()
    for reply in (field, enum):
        message = reply.json()["errors"][0]["message"]
        assert message and "Did you mean" not in message and "account" not in message.replace("acount", "")


async def test_a_batch_answers_request_errors_as_a_single_request_does(gql) -> None:
    accept = {**_auth(gql), "accept": GRAPHQL_RESPONSE}
    only_bad = await gql.http.post("/graphql", json=[{"query": "{"}], headers=accept)
    (answer,) = only_bad.json()
    assert only_bad.status_code == 400 and answer["errors"] and "data" not in answer
    mixed = await gql.http.post("/graphql", json=[{"query": "{ __typename }"}, {"query": "{"}], headers=accept)
    first, second = mixed.json()
    # A request error has no data: only its errors (and the rate limit's state, as every answer).
    assert mixed.status_code == 200 and first["data"] == {"__typename": "Query"} and "data" not in second
    assert second["errors"] and set(second) <= {"errors", "extensions"}
