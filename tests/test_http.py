"""HTTP behaviour: GraphQL-over-HTTP content negotiation, the health check, GraphiQL, no redirects."""

from __future__ import annotations

import asyncio


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
