"""setPurchaseOrderStatus and addComment: the forward steps of an order and nothing else, compare-and-set
on status and updatedAt, comments in their tab, their limits, their log entries."""

from __future__ import annotations

import asyncio
import base64
import datetime as dt
import types
import unicodedata

import pytest
import sqlalchemy as sa
from sqlmodel.ext.asyncio.session import AsyncSession

from models import Account, ActivityLog, Comment, Contact, PurchaseOrder
from models.enums import PurchaseOrderStatus
from resolvers import set_purchase_order_status
from resolvers.errors import Problems
from resolvers.pipeline import Log, Refused
from tests.client import gid

SET_STATUS = """
mutation($input: SetPurchaseOrderStatusInput!) {
  setPurchaseOrderStatus(input: $input) {
    errors { field code message }
    purchaseOrder { id number status updatedAt contact { id } }
  }
}
"""
ADD_COMMENT = """
mutation($input: AddCommentInput!) {
  addComment(input: $input) {
    errors { field code message }
    comment { id body author createdAt account { id } contact { id } parentComment { id } }
  }
}
"""
ORDER = "query($id: ID!) { node(id: $id) { ... on PurchaseOrder { status updatedAt } } }"
HISTORY = "query($id: ID!) { %s(id: $id) { activityLog { nodes { action summary actor details } } } }"
TAB = "query($id: ID!) { %s(id: $id) { comments(first: 3) { totalCount nodes { id body } } tabs { field count } } }"
LABEL = {"CREATED": "Creada", "APPROVED": "Aprobada", "SENT_TO_VENDOR": "Enviada al proveedor", "RECEIVED": "Recibida"}


def _pk(global_id: str) -> int:
    return int(base64.b64decode(global_id).decode().split(":")[1])


def _named(status: str) -> str:
    return f"{status} ({LABEL[status]})"


async def _counts(engine) -> tuple[int, ...]:
    async with engine.connect() as connection:
        return tuple([
            (await connection.execute(sa.select(sa.func.count()).select_from(m.__table__))).scalar_one()
            for m in (Comment, ActivityLog)
        ])


async def _order_row(engine, pk: int) -> tuple:
    table = PurchaseOrder.__table__
    async with engine.connect() as connection:
        return tuple((await connection.execute(sa.select(table.c.status, table.c.updated_at).where(table.c.id == pk))).one())


async def _history(gql, parent: str, pk: int) -> list[dict]:
    return (await gql(HISTORY % parent, {"id": gid(parent.capitalize(), pk)})).data[parent]["activityLog"]["nodes"]


@pytest.fixture
async def people(factory) -> dict:
    account = await factory.insert(Account, name="Grupo Atlas")
    contact = await factory.insert(Contact, account_id=account, first_name="Ana", last_name="Ruiz")
    return {"account": account, "contact": contact}


async def _order(factory, people: dict, status: str = "CREATED") -> int:
    return await factory.insert(PurchaseOrder, contact_id=people["contact"], status=status, subject="Consumibles")


def _move(order: int, status: str, **extra) -> dict:
    return {"input": {"id": gid("PurchaseOrder", order), "status": status, **extra}}


# --- setPurchaseOrderStatus ---------------------------------------------------------------------

async def test_an_order_goes_through_every_state_in_order_and_each_step_is_logged(gql, factory, people) -> None:
    order = await _order(factory, people)
    _, created_at = await _order_row(gql.engine, order)
    seen = [created_at]
    for before, after in (("CREATED", "APPROVED"), ("APPROVED", "SENT_TO_VENDOR"), ("SENT_TO_VENDOR", "RECEIVED")):
        payload = (await gql(SET_STATUS, _move(order, after))).data["setPurchaseOrderStatus"]
        assert payload["errors"] == []
        moved = payload["purchaseOrder"]
        assert (moved["status"], moved["contact"]) == (after, {"id": gid("Contact", people["contact"])})
        updated_at = dt.datetime.fromisoformat(moved["updatedAt"])
        assert updated_at > seen[-1]
        read = (await gql(ORDER, {"id": gid("PurchaseOrder", order)})).data["node"]
        assert read == {"status": after, "updatedAt": moved["updatedAt"]}
        # On the contact's history and on its account's: one entry about both.
        for parent, pk in (("contact", people["contact"]), ("account", people["account"])):
            latest = (await _history(gql, parent, pk))[0]
            assert latest == {
                "action": "PURCHASE_ORDER_STATUS_CHANGED", "actor": "test-write",
                "summary": f"Purchase order {moved['number']} (Consumibles): {LABEL[before]} → {LABEL[after]}",
                "details": {
                    "changes": {"status": {"before": before, "after": after},
                                "updatedAt": {"before": seen[-1].isoformat(), "after": updated_at.isoformat()}},
                    "purchaseOrder": gid("PurchaseOrder", order), "number": moved["number"],
                },
            }
        seen.append(updated_at)


ILLEGAL_STEPS = [
    ("CREATED", "CREATED", "is already CREATED (Creada); the next state it may go to is APPROVED (Aprobada)"),
    ("CREATED", "SENT_TO_VENDOR", "is CREATED (Creada): it may only go on to APPROVED (Aprobada), not to SENT_TO_VENDOR (Enviada al proveedor); an order moves forward one state at a time"),
    ("CREATED", "RECEIVED", "is CREATED (Creada): it may only go on to APPROVED (Aprobada), not to RECEIVED (Recibida); an order moves forward one state at a time"),
    ("APPROVED", "CREATED", "is APPROVED (Aprobada): it may only go on to SENT_TO_VENDOR (Enviada al proveedor), not to CREATED (Creada); an order moves forward one state at a time"),
    ("APPROVED", "APPROVED", "is already APPROVED (Aprobada); the next state it may go to is SENT_TO_VENDOR (Enviada al proveedor)"),
    ("APPROVED", "RECEIVED", "is APPROVED (Aprobada): it may only go on to SENT_TO_VENDOR (Enviada al proveedor), not to RECEIVED (Recibida); an order moves forward one state at a time"),
    ("SENT_TO_VENDOR", "CREATED", "is SENT_TO_VENDOR (Enviada al proveedor): it may only go on to RECEIVED (Recibida), not to CREATED (Creada); an order moves forward one state at a time"),
    ("SENT_TO_VENDOR", "APPROVED", "is SENT_TO_VENDOR (Enviada al proveedor): it may only go on to RECEIVED (Recibida), not to APPROVED (Aprobada); an order moves forward one state at a time"),
    ("SENT_TO_VENDOR", "SENT_TO_VENDOR", "is already SENT_TO_VENDOR (Enviada al proveedor); the next state it may go to is RECEIVED (Recibida)"),
    ("RECEIVED", "CREATED", "is RECEIVED (Recibida), its final state: its status cannot change"),
    ("RECEIVED", "APPROVED", "is RECEIVED (Recibida), its final state: its status cannot change"),
    ("RECEIVED", "SENT_TO_VENDOR", "is RECEIVED (Recibida), its final state: its status cannot change"),
    ("RECEIVED", "RECEIVED", "is RECEIVED (Recibida), its final state: its status cannot change"),
]


def test_the_table_of_illegal_steps_is_every_step_but_the_three_forward_ones() -> None:
    every = {(a.value, b.value) for a in PurchaseOrderStatus for b in PurchaseOrderStatus}
    forward = {("CREATED", "APPROVED"), ("APPROVED", "SENT_TO_VENDOR"), ("SENT_TO_VENDOR", "RECEIVED")}
    assert {(current, asked) for current, asked, _ in ILLEGAL_STEPS} == every - forward


@pytest.mark.parametrize(("current", "asked", "message"), ILLEGAL_STEPS)
async def test_every_illegal_step_is_a_conflict_naming_the_state_and_the_next_one(gql, factory, people, current, asked,
                                                                                  message) -> None:
    order = await _order(factory, people, current)
    before, counts = await _order_row(gql.engine, order), await _counts(gql.engine)
    payload = (await gql(SET_STATUS, _move(order, asked))).data["setPurchaseOrderStatus"]
    assert payload["purchaseOrder"] is None
    async with gql.engine.connect() as connection:
        number = (await connection.execute(sa.select(PurchaseOrder.__table__.c.number).where(
            PurchaseOrder.__table__.c.id == order))).scalar_one()
    assert payload["errors"] == [{"field": ["status"], "code": "CONFLICT", "message": f"purchase order {number} {message}"}]
    assert await _order_row(gql.engine, order) == before
    assert await _counts(gql.engine) == counts


async def test_a_stale_expected_updated_at_is_a_conflict_and_the_current_one_moves_the_order(gql, factory, people) -> None:
    order = await _order(factory, people)
    before, counts = await _order_row(gql.engine, order), await _counts(gql.engine)
    stale_at = (before[1] - dt.timedelta(seconds=1)).isoformat()
    payload = (await gql(SET_STATUS, _move(order, "APPROVED", expectedUpdatedAt=stale_at))).data["setPurchaseOrderStatus"]
    (error,) = payload["errors"]
    assert (error["field"], error["code"]) == (["expectedUpdatedAt"], "CONFLICT")
    assert before[1].isoformat() in error["message"]
    assert await _order_row(gql.engine, order) == before and await _counts(gql.engine) == counts

    # Stale and an illegal step: both problems at once.
    both = (await gql(SET_STATUS, _move(order, "RECEIVED", expectedUpdatedAt=stale_at))).data["setPurchaseOrderStatus"]
    assert [(e["field"], e["code"]) for e in both["errors"]] == [(["expectedUpdatedAt"], "CONFLICT"), (["status"], "CONFLICT")]

    # The same instant written in another offset is the same version.
    current = before[1].astimezone(dt.timezone(dt.timedelta(hours=-6))).isoformat()
    moved = (await gql(SET_STATUS, _move(order, "APPROVED", expectedUpdatedAt=current))).data["setPurchaseOrderStatus"]
    assert moved["errors"] == [] and moved["purchaseOrder"]["status"] == "APPROVED"
    again = (await gql(SET_STATUS, _move(order, "SENT_TO_VENDOR", expectedUpdatedAt=current))).data["setPurchaseOrderStatus"]
    assert [(e["field"], e["code"]) for e in again["errors"]] == [(["expectedUpdatedAt"], "CONFLICT")]


async def test_of_two_concurrent_approvals_of_one_order_exactly_one_wins(gql, factory, people) -> None:
    order = await _order(factory, people)
    responses = await asyncio.gather(*(gql(SET_STATUS, _move(order, "APPROVED")) for _ in range(2)))
    payloads = [r.data["setPurchaseOrderStatus"] for r in responses]
    winners = [p for p in payloads if not p["errors"]]
    (loser,) = [p for p in payloads if p["errors"]]
    assert len(winners) == 1 and winners[0]["purchaseOrder"]["status"] == "APPROVED"
    assert [(e["field"], e["code"]) for e in loser["errors"]] == [(["status"], "CONFLICT")]
    assert "already APPROVED (Aprobada)" in loser["errors"][0]["message"]
    assert [e["action"] for e in await _history(gql, "contact", people["contact"])] == ["PURCHASE_ORDER_STATUS_CHANGED"]


async def test_of_two_concurrent_approvals_from_one_version_exactly_one_wins(gql, factory, people) -> None:
    order = await _order(factory, people)
    version = (await gql(ORDER, {"id": gid("PurchaseOrder", order)})).data["node"]["updatedAt"]
    responses = await asyncio.gather(*(gql(SET_STATUS, _move(order, "APPROVED", expectedUpdatedAt=version)) for _ in range(2)))
    payloads = [r.data["setPurchaseOrderStatus"] for r in responses]
    (winner,) = [p for p in payloads if not p["errors"]]
    (loser,) = [p for p in payloads if p["errors"]]
    assert winner["purchaseOrder"]["status"] == "APPROVED" and winner["purchaseOrder"]["updatedAt"] > version
    assert ["expectedUpdatedAt"] in [e["field"] for e in loser["errors"]]
    assert {e["code"] for e in loser["errors"]} == {"CONFLICT"}
    assert (await gql(ORDER, {"id": gid("PurchaseOrder", order)})).data["node"] == {
        "status": "APPROVED", "updatedAt": winner["purchaseOrder"]["updatedAt"]}
    assert [e["action"] for e in await _history(gql, "contact", people["contact"])] == ["PURCHASE_ORDER_STATUS_CHANGED"]


async def test_the_write_is_one_compare_and_set_on_the_status_and_the_version(gql, factory, people) -> None:
    order = await _order(factory, people)
    plain = await gql(SET_STATUS, _move(order, "APPROVED"))
    (update,) = [s for s in plain.statements if s.lstrip().upper().startswith("UPDATE PURCHASE_ORDER")]
    where = update.upper().split("WHERE", 1)[1]
    assert "PURCHASE_ORDER.STATUS =" in where and "UPDATED_AT" not in where
    version = plain.data["setPurchaseOrderStatus"]["purchaseOrder"]["updatedAt"]
    versioned = await gql(SET_STATUS, _move(order, "SENT_TO_VENDOR", expectedUpdatedAt=version))
    (update,) = [s for s in versioned.statements if s.lstrip().upper().startswith("UPDATE PURCHASE_ORDER")]
    where = update.upper().split("WHERE", 1)[1]
    assert "PURCHASE_ORDER.STATUS =" in where and "PURCHASE_ORDER.UPDATED_AT =" in where


@pytest.mark.parametrize("expected", [False, True])
async def test_a_write_that_finds_the_order_moved_since_its_check_is_refused(gql, factory, people, expected) -> None:
    """The race the row lock prevents through the API, forced: the check sees CREATED, another write
    approves the order, then the write step runs. It changes nothing."""
    order = await _order(factory, people)
    version = (await _order_row(gql.engine, order))[1]
    variables = set_purchase_order_status.SetPurchaseOrderStatusInput(
        id=gid("PurchaseOrder", order), status=PurchaseOrderStatus.APPROVED,
        expected_updated_at=version if expected else None)
    definition = set_purchase_order_status.MUTATION
    async with AsyncSession(gql.engine) as session:
        problems = Problems()
        plan = await definition.check(session, variables, problems, None)
        await session.rollback()
    assert not problems
    assert (await gql(SET_STATUS, _move(order, "APPROVED"))).data["setPurchaseOrderStatus"]["errors"] == []
    moved, counts = await _order_row(gql.engine, order), await _counts(gql.engine)
    async with AsyncSession(gql.engine) as session:
        with pytest.raises(Refused) as refusal:
            await definition.write(session, plan, Log(session, types.SimpleNamespace(actor="test-race")))
        await session.rollback()
    (error,) = refusal.value.problems.errors
    assert (error.field, error.code.value) == (["expectedUpdatedAt" if expected else "status"], "CONFLICT")
    assert await _order_row(gql.engine, order) == moved and await _counts(gql.engine) == counts


async def test_ids_that_name_no_order_are_refused(gql, factory, people) -> None:
    loner = await factory.insert(PurchaseOrder, contact_id=None)
    counts = await _counts(gql.engine)
    cases = [
        (gid("PurchaseOrder", 999_999_999), "NOT_FOUND", "there is no purchase order"),
        (gid("Contact", people["contact"]), "NOT_FOUND", "is not the id of a PurchaseOrder"),
        ("not-an-id", "INVALID", "not an id of this API"),
        (gid("PurchaseOrder", loner), "INVALID", "has no contact any more"),
    ]
    for order_id, code, text in cases:
        payload = (await gql(SET_STATUS, {"input": {"id": order_id, "status": "APPROVED"}})).data["setPurchaseOrderStatus"]
        (error,) = payload["errors"]
        assert (error["field"], error["code"]) == (["id"], code) and text in error["message"], order_id
        assert payload["purchaseOrder"] is None
    assert await _counts(gql.engine) == counts
    assert (await _order_row(gql.engine, loner))[0] == PurchaseOrderStatus.CREATED


async def test_an_order_of_a_contact_without_an_account_is_logged_on_the_contact_only(gql, factory) -> None:
    contact = await factory.insert(Contact, first_name="Sola")
    order = await factory.insert(PurchaseOrder, contact_id=contact)
    assert (await gql(SET_STATUS, _move(order, "APPROVED"))).data["setPurchaseOrderStatus"]["errors"] == []
    async with gql.engine.connect() as connection:
        table = ActivityLog.__table__
        rows = (await connection.execute(sa.select(table.c.account_id, table.c.contact_id).where(
            table.c.contact_id == contact))).all()
    assert [tuple(r) for r in rows] == [(None, contact)]


# --- addComment ----------------------------------------------------------------------------------

async def test_a_comment_on_an_account_is_first_in_its_tab_and_logged(gql, factory, people) -> None:
    account = people["account"]
    for day in (1, 2):
        await factory.insert(Comment, account_id=account, body=f"Nota {day}",
                             created_at=dt.datetime(2020, 1, day, tzinfo=dt.UTC))
    before = (await gql(TAB % "account", {"id": gid("Account", account)})).data["account"]
    text = "  Llamar el lunes: el cliente pide\n  otra cotización.  "
    payload = (await gql(ADD_COMMENT, {"input": {"parentId": gid("Account", account), "text": text}})).data["addComment"]
    assert payload["errors"] == []
    comment = payload["comment"]
    assert {k: comment[k] for k in ("body", "author", "account", "contact", "parentComment")} == {
        "body": text.strip(), "author": "test-write", "account": {"id": gid("Account", account)}, "contact": None,
        "parentComment": None}
    created = dt.datetime.fromisoformat(comment["createdAt"])
    assert abs(dt.datetime.now(dt.UTC) - created) < dt.timedelta(minutes=5)

    after = (await gql(TAB % "account", {"id": gid("Account", account)})).data["account"]
    assert after["comments"]["totalCount"] == before["comments"]["totalCount"] + 1 == 3
    assert after["comments"]["nodes"][0] == {"id": comment["id"], "body": text.strip()}
    tab = lambda page: next(t["count"] for t in page["tabs"] if t["field"] == "comments")  # noqa: E731
    assert tab(after) == tab(before) + 1

    (entry,) = await _history(gql, "account", account)
    assert entry == {
        "action": "COMMENTED", "actor": "test-write",
        "summary": "Comment by test-write: Llamar el lunes: el cliente pide otra cotización.",
        "details": {
            "changes": {"body": {"before": None, "after": text.strip()},
                        "author": {"before": None, "after": "test-write"},
                        "createdAt": {"before": None, "after": created.isoformat()},
                        "accountId": {"before": None, "after": gid("Account", account)}},
            "comment": comment["id"],
        },
    }


async def test_a_comment_on_a_contact_is_in_its_tab_and_on_both_histories(gql, people) -> None:
    contact = people["contact"]
    payload = (await gql(ADD_COMMENT, {"input": {"parentId": gid("Contact", contact), "text": "Prefiere WhatsApp"}})).data["addComment"]
    assert payload["errors"] == [] and payload["comment"]["contact"] == {"id": gid("Contact", contact)}
    assert payload["comment"]["account"] is None
    page = (await gql(TAB % "contact", {"id": gid("Contact", contact)})).data["contact"]["comments"]
    assert page == {"totalCount": 1, "nodes": [{"id": payload["comment"]["id"], "body": "Prefiere WhatsApp"}]}
    account_page = (await gql(TAB % "account", {"id": gid("Account", people["account"])})).data["account"]["comments"]
    assert account_page["totalCount"] == 0  # the account's tab shows the account's own comments
    for parent, pk in (("contact", contact), ("account", people["account"])):
        (entry,) = await _history(gql, parent, pk)
        assert (entry["action"], entry["details"]["changes"]["contactId"]["after"]) == ("COMMENTED", gid("Contact", contact))


@pytest.mark.parametrize(
    ("text", "code", "message"),
    [
        ("x" * 10_001, "INVALID", "text has 10001 characters; at most 10000"),
        ("", "REQUIRED", "text is required and cannot be blank"),
        (" \n\t ", "REQUIRED", "text is required and cannot be blank"),
        ("a\x00b", "INVALID", "text cannot contain the NUL character (U+0000)"),
    ],
)
async def test_a_text_out_of_its_limits_is_refused_and_nothing_is_written(gql, people, text, code, message) -> None:
    counts = await _counts(gql.engine)
    payload = (await gql(ADD_COMMENT, {"input": {"parentId": gid("Account", people["account"]), "text": text}})).data["addComment"]
    assert payload == {"comment": None, "errors": [{"field": ["text"], "code": code, "message": message}]}
    assert await _counts(gql.engine) == counts


async def test_ten_thousand_characters_are_accepted_counted_in_nfc(gql, people) -> None:
    longest = "x" * 10_000
    payload = (await gql(ADD_COMMENT, {"input": {"parentId": gid("Account", people["account"]), "text": f"  {longest}  "}})).data["addComment"]
    assert payload["errors"] == [] and payload["comment"]["body"] == longest
    # 10,000 "Ñ" typed decomposed are 20,000 code points, and 10,000 characters once composed.
    decomposed = unicodedata.normalize("NFD", "Ñ") * 10_000
    payload = (await gql(ADD_COMMENT, {"input": {"parentId": gid("Contact", people["contact"]), "text": decomposed}})).data["addComment"]
    assert payload["errors"] == [] and payload["comment"]["body"] == "Ñ" * 10_000


async def test_a_parent_that_is_no_account_or_contact_is_refused(gql, factory, people) -> None:
    order = await _order(factory, people)
    counts = await _counts(gql.engine)
    cases = [
        (gid("PurchaseOrder", order), "NOT_FOUND", "is not the id of an Account or a Contact"),
        (gid("Account", 999_999_999), "NOT_FOUND", "there is no account"),
        (gid("Contact", 999_999_999), "NOT_FOUND", "there is no contact"),
        ("bm90IGFuIGlk", "INVALID", "not an id of this API"),
    ]
    for parent_id, code, text in cases:
        payload = (await gql(ADD_COMMENT, {"input": {"parentId": parent_id, "text": "Hola"}})).data["addComment"]
        (error,) = payload["errors"]
        assert (error["field"], error["code"]) == (["parentId"], code) and text in error["message"], parent_id
    assert await _counts(gql.engine) == counts


async def test_a_reply_is_to_a_comment_of_the_same_parent(gql, factory, people) -> None:
    account, contact = people["account"], people["contact"]
    first = (await gql(ADD_COMMENT, {"input": {"parentId": gid("Account", account), "text": "¿Quién da seguimiento?"}})).data["addComment"]["comment"]
    reply = (await gql(ADD_COMMENT, {"input": {"parentId": gid("Account", account), "text": "Yo", "replyToId": first["id"]}})).data["addComment"]
    assert reply["errors"] == [] and reply["comment"]["parentComment"] == {"id": first["id"]}
    (entry, _) = await _history(gql, "account", account)
    assert entry["details"]["changes"]["parentCommentId"] == {"before": None, "after": first["id"]}

    counts = await _counts(gql.engine)
    elsewhere = (await gql(ADD_COMMENT, {"input": {"parentId": gid("Contact", contact), "text": " ", "replyToId": first["id"]}})).data["addComment"]
    assert sorted((tuple(e["field"]), e["code"]) for e in elsewhere["errors"]) == [(("replyToId",), "INVALID"), (("text",), "REQUIRED")]
    missing = (await gql(ADD_COMMENT, {"input": {"parentId": gid("Account", account), "text": "Yo",
                                                 "replyToId": gid("Comment", 999_999_999)}})).data["addComment"]
    assert [(e["field"], e["code"]) for e in missing["errors"]] == [(["replyToId"], "NOT_FOUND")]
    other_type = (await gql(ADD_COMMENT, {"input": {"parentId": gid("Account", account), "text": "Yo",
                                                    "replyToId": gid("Account", account)}})).data["addComment"]
    assert [(e["field"], e["code"]) for e in other_type["errors"]] == [(["replyToId"], "NOT_FOUND")]
    assert await _counts(gql.engine) == counts


async def test_a_read_token_may_neither_move_an_order_nor_comment(gql, factory, people) -> None:
    order = await _order(factory, people)
    before, counts = await _order_row(gql.engine, order), await _counts(gql.engine)
    for query, variables in ((SET_STATUS, _move(order, "APPROVED")),
                             (ADD_COMMENT, {"input": {"parentId": gid("Account", people["account"]), "text": "Hola"}})):
        response = await gql(query, variables, scope="read")
        assert response.errors[0]["extensions"]["code"] == "FORBIDDEN"
    assert await _order_row(gql.engine, order) == before and await _counts(gql.engine) == counts
