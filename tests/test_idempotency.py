"""Idempotency-Key: a mutation request sent again with its key is answered again, never run again."""

from __future__ import annotations

import asyncio
import datetime as dt
import uuid

import pytest
import sqlalchemy as sa

from models import Account, Contact, IdempotencyKey, Product, PurchaseOrder, Vendor
from service.auth import token_hash
from tests.client import gid

ADD = """
mutation($input: AddPurchaseOrderInput!) {
  addPurchaseOrder(input: $input) { errors { field code } purchaseOrder { id number total } }
}
"""
KEYS = IdempotencyKey.__table__


@pytest.fixture
async def order(factory) -> dict:
    contact = await factory.insert(Contact, account_id=await factory.insert(Account))
    return {"input": {
        "contactId": gid("Contact", contact), "subject": f"idem {uuid.uuid4().hex[:8]}", "date": "2026-11-23",
        "vendorId": gid("Vendor", await factory.insert(Vendor)),
        "lines": [{"productId": gid("Product", await factory.insert(Product)), "quantity": "1", "unitPrice": "5.00"}],
    }}


async def _post(gql, variables: dict, key: str | bytes | None, *, scope: str = "write", query: str = ADD):
    headers = {"authorization": f"Bearer {gql.tokens[scope]}"}
    if key is not None:
        headers["idempotency-key"] = key
    return await gql.http.post("/graphql", json={"query": query, "variables": variables}, headers=headers)


async def _orders(gql, subject: str) -> int:
    async with gql.engine.connect() as connection:
        table = PurchaseOrder.__table__
        return (await connection.execute(sa.select(sa.func.count()).where(table.c.subject == subject))).scalar_one()


async def test_the_same_key_and_body_is_answered_again_without_writing_again(gql, order) -> None:
    key = str(uuid.uuid4())
    first = await _post(gql, order, key)
    again = await _post(gql, order, key)
    assert first.status_code == again.status_code == 200
    assert again.content == first.content and again.headers["idempotent-replayed"] == "true"
    assert "idempotent-replayed" not in first.headers
    assert first.json()["data"]["addPurchaseOrder"]["purchaseOrder"]["number"].startswith("OC-")
    assert await _orders(gql, order["input"]["subject"]) == 1


async def test_the_body_is_compared_as_json_not_as_bytes(gql, order) -> None:
    key = str(uuid.uuid4())
    first = await _post(gql, order, key)
    reordered = {"input": dict(reversed(list(order["input"].items())))}
    assert (await _post(gql, reordered, key)).content == first.content
    assert await _orders(gql, order["input"]["subject"]) == 1


async def test_the_same_key_with_another_body_is_a_conflict_and_writes_nothing(gql, order) -> None:
    key = str(uuid.uuid4())
    await _post(gql, order, key)
    changed = {"input": {**order["input"], "subject": order["input"]["subject"] + " (2)"}}
    reply = await _post(gql, changed, key)
    assert reply.status_code == 409
    (error,) = reply.json()["errors"]
    assert error["extensions"]["code"] == "CONFLICT" and "different request body" in error["message"]
    assert await _orders(gql, changed["input"]["subject"]) == 0


async def test_two_requests_with_one_key_at_the_same_time_write_once(gql, order) -> None:
    key = str(uuid.uuid4())
    replies = await asyncio.gather(*(_post(gql, order, key) for _ in range(4)))
    assert [r.status_code for r in replies] == [200] * 4
    ids = {r.json()["data"]["addPurchaseOrder"]["purchaseOrder"]["id"] for r in replies}
    assert len(ids) == 1
    assert sum(r.headers.get("idempotent-replayed") == "true" for r in replies) == 3
    assert await _orders(gql, order["input"]["subject"]) == 1


async def test_keys_belong_to_their_token(gql, order) -> None:
    key = str(uuid.uuid4())
    await _post(gql, order, key, scope="write")
    other = await _post(gql, order, key, scope="admin")
    assert "idempotent-replayed" not in other.headers
    assert await _orders(gql, order["input"]["subject"]) == 2


async def test_without_a_key_every_request_runs(gql, order) -> None:
    await _post(gql, order, None)
    await _post(gql, order, None)
    assert await _orders(gql, order["input"]["subject"]) == 2


async def test_a_user_error_answer_is_kept_like_any_other(gql, order) -> None:
    key = str(uuid.uuid4())
    bad = {"input": {**order["input"], "lines": []}}
    first = await _post(gql, bad, key)
    assert first.json()["data"]["addPurchaseOrder"]["errors"][0]["code"] == "REQUIRED"
    assert (await _post(gql, bad, key)).headers["idempotent-replayed"] == "true"


async def test_queries_do_not_keep_keys(gql) -> None:
    key = str(uuid.uuid4())
    reply = await _post(gql, {}, key, scope="read", query="{ accounts(first: 1) { totalCount } }")
    assert reply.status_code == 200
    async with gql.engine.connect() as connection:
        assert (await connection.execute(sa.select(sa.func.count()).where(KEYS.c.key == key))).scalar_one() == 0


@pytest.mark.parametrize("key", ["", "x" * 256, "clave con espacios", "llave-ñ".encode()])
async def test_a_key_that_is_no_key_is_refused(gql, order, key) -> None:
    reply = await _post(gql, order, key)
    assert reply.status_code == 400 and reply.json()["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"
    assert await _orders(gql, order["input"]["subject"]) == 0


async def _age(gql, key: str, **values: object) -> None:
    async with gql.engine.begin() as connection:
        await connection.execute(sa.update(KEYS).where(KEYS.c.key == key).values(**values))


async def test_a_key_is_forgotten_after_24_hours(gql, order) -> None:
    key = str(uuid.uuid4())
    await _post(gql, order, key)
    day_ago = dt.datetime.now(dt.UTC) - dt.timedelta(hours=24, minutes=1)
    await _age(gql, key, created_at=day_ago, updated_at=day_ago)
    again = await _post(gql, order, key)
    assert "idempotent-replayed" not in again.headers
    assert await _orders(gql, order["input"]["subject"]) == 2


async def _claim_left_behind(gql, key: str, order: dict, state: str) -> None:
    """What a worker that died mid-request leaves: a claim, long untouched."""
    from service.idempotency import fingerprint

    long_ago = dt.datetime.now(dt.UTC) - dt.timedelta(hours=1)
    async with gql.engine.begin() as connection:
        await connection.execute(sa.insert(KEYS).values(
            owner=token_hash(gql.tokens["write"]), key=key, claim="0" * 32, state=state,
            fingerprint=fingerprint({"query": ADD, "variables": order}), created_at=long_ago, updated_at=long_ago,
        ))


async def test_a_claim_abandoned_before_it_wrote_is_taken_over(gql, order) -> None:
    key = str(uuid.uuid4())
    await _claim_left_behind(gql, key, order, "PENDING")
    reply = await _post(gql, order, key)
    assert reply.json()["data"]["addPurchaseOrder"]["purchaseOrder"]["id"]
    assert await _orders(gql, order["input"]["subject"]) == 1


async def test_a_request_that_wrote_and_lost_its_answer_is_never_run_twice(gql, order) -> None:
    key = str(uuid.uuid4())
    await _claim_left_behind(gql, key, order, "COMMITTED")
    reply = await _post(gql, order, key)
    assert reply.status_code == 409 and "answer was lost" in reply.json()["errors"][0]["message"]
    assert await _orders(gql, order["input"]["subject"]) == 0


async def test_a_request_whose_claim_was_taken_over_writes_nothing(gql, order) -> None:
    """The mark inside the write transaction checks the claim: a request that lost it rolls back."""
    from service.idempotency import Claim

    key = str(uuid.uuid4())
    first = await _post(gql, order, key)
    view = next(route.endpoint for route in gql.http._transport.app.routes if route.path == "/graphql")
    async with gql.engine.begin() as connection:
        row = (await connection.execute(sa.select(KEYS).where(KEYS.c.key == key))).one()
        with pytest.raises(Exception, match="took it over"):
            await view.idempotency.mark_committed(Claim(row.id, "f" * 32), connection)
    assert first.status_code == 200


async def test_an_answer_that_wrote_nothing_and_may_be_retried_keeps_no_key(gql, database_url, order) -> None:
    """A 503 (the database was busy) wrote nothing: the retry with the same key runs for real."""
    import sqlite3

    from tests.test_writes_under_pressure import _client

    key = str(uuid.uuid4())
    headers = {"idempotency-key": key}
    body = {"query": ADD, "variables": order}
    async with _client(database_url, gql.tokens["write"], statement_timeout_ms=300, busy_retries=0,
                       sqlite_busy_timeout_ms=50) as http:
        if database_url.startswith("sqlite"):
            other = sqlite3.connect(database_url.split("///", 1)[1], isolation_level=None)
            other.execute("BEGIN IMMEDIATE")
            busy = await http.post("/graphql", json=body, headers=headers)
            other.rollback()
            other.close()
        else:
            async with gql.engine.connect() as other:
                await other.execute(sa.text("LOCK TABLE purchase_order IN EXCLUSIVE MODE"))
                busy = await http.post("/graphql", json=body, headers=headers)
                await other.rollback()
        assert busy.status_code == 503 and busy.json()["errors"][0]["extensions"]["code"] == "SERVICE_BUSY", busy.text
        assert await _orders(gql, order["input"]["subject"]) == 0
        retry = await http.post("/graphql", json=body, headers=headers)
    assert retry.status_code == 200 and "idempotent-replayed" not in retry.headers
    assert retry.json()["data"]["addPurchaseOrder"]["purchaseOrder"]["id"]
    assert await _orders(gql, order["input"]["subject"]) == 1


async def test_an_answer_past_its_deadline_that_wrote_nothing_keeps_no_key(gql, database_url, order) -> None:
    from tests.test_writes_under_pressure import _client

    key = str(uuid.uuid4())
    body = {"query": ADD, "variables": order}
    async with _client(database_url, gql.tokens["write"], request_timeout_ms=1) as http:
        late = await http.post("/graphql", json=body, headers={"idempotency-key": key})
    assert late.json()["data"] == {"addPurchaseOrder": None}
    assert late.json()["errors"][0]["extensions"]["code"] == "TIMEOUT"
    retry = await _post(gql, order, key)
    assert "idempotent-replayed" not in retry.headers
    assert retry.json()["data"]["addPurchaseOrder"]["purchaseOrder"]["id"]
    assert await _orders(gql, order["input"]["subject"]) == 1
