"""createContact and updateContact: the rules of every contact write, moves between accounts logged on
both, cycles of reports refused, optimistic concurrency on updatedAt."""

from __future__ import annotations

import asyncio

import pytest
import sqlalchemy as sa

from models import Account, ActivityLog, AppUser, Contact
from tests.client import gid, pk, row_counts

FIELDS = """id contactNo firstName lastName title department email phone mobile doNotEmail marketingOptIn
            createdAt updatedAt account { id } reportsTo { id } assignedUser { id }"""
CREATE = """
mutation($input: CreateContactInput!) {
  createContact(input: $input) {
    errors { field code message }
    contact { %s account { contacts { totalCount } tabs { field count } } }
  }
}
""" % FIELDS
UPDATE = """
mutation($input: UpdateContactInput!) {
  updateContact(input: $input) { errors { field code message } contact { %s } }
}
""" % FIELDS
READ = "query($id: ID!) { contact(id: $id) { %s } }" % FIELDS
CONTACT_HISTORY = "query($id: ID!) { contact(id: $id) { activityLog { nodes { action summary actor details account { id } contact { id } } } } }"
ACCOUNT_HISTORY = "query($id: ID!) { account(id: $id) { activityLog { nodes { action summary actor details account { id } contact { id } } } } }"
CONTACTS_TAB = "query($id: ID!) { account(id: $id) { contacts { totalCount nodes { id } } } }"


async def _counts(engine) -> tuple[int, ...]:
    return await row_counts(engine, Contact, ActivityLog)


async def _row(engine, pk: int) -> dict:
    async with engine.connect() as connection:
        table = Contact.__table__
        return dict((await connection.execute(sa.select(table).where(table.c.id == pk))).one()._mapping)


async def _history(gql, query: str, global_id: str) -> list[dict]:
    data = (await gql(query, {"id": global_id})).data
    return (data.get("contact") or data["account"])["activityLog"]["nodes"]


async def _update(gql, contact: int, **fields) -> dict:
    return (await gql(UPDATE, {"input": {"id": gid("Contact", contact), **fields}})).data["updateContact"]


# --- createContact -------------------------------------------------------------------------------

async def test_create_assigns_a_number_validates_and_is_in_its_accounts_contacts_tab(gql, factory) -> None:
    account = await factory.insert(Account)
    await factory.insert(Contact, account_id=account)
    boss, user = await factory.insert(Contact, account_id=account), await factory.insert(AppUser)
    response = await gql(CREATE, {"input": {
        "firstName": "  Ana María ", "lastName": "Ruiz", "title": "Compras", "department": "Operaciones",
        "email": "Ana.Ruiz@Atlas.MX", "phone": "55 1234 5678", "mobile": "+1 415 555 2671",
        "accountId": gid("Account", account), "reportsToId": gid("Contact", boss), "assignedUserId": gid("User", user),
        "marketingOptIn": True,
    }})
    payload = response.data["createContact"]
    assert payload["errors"] == []
    contact = payload["contact"]
    assert contact["contactNo"] == f"CON-{pk(contact['id']):06d}"
    assert (contact["firstName"], contact["lastName"], contact["email"]) == ("Ana María", "Ruiz", "Ana.Ruiz@atlas.mx")
    assert (contact["phone"], contact["mobile"]) == ("55 1234 5678", "+1 415 555 2671")
    assert (contact["doNotEmail"], contact["marketingOptIn"]) == (False, True)
    assert contact["createdAt"] == contact["updatedAt"]
    assert (contact["reportsTo"], contact["assignedUser"]) == ({"id": gid("Contact", boss)}, {"id": gid("User", user)})
    # The account's Contactos tab counts it at once: the two it had and this one.
    answered_account = contact.pop("account")
    assert answered_account["contacts"]["totalCount"] == 3
    assert {"field": "contacts", "count": 3} in answered_account["tabs"]

    read = (await gql(READ, {"id": contact["id"]})).data["contact"]
    assert read == {**contact, "account": {"id": gid("Account", account)}}
    assert contact["id"] in [n["id"] for n in (await gql(CONTACTS_TAB, {"id": gid("Account", account)})).data["account"]["contacts"]["nodes"]]

    (entry,) = await _history(gql, CONTACT_HISTORY, contact["id"])
    assert (entry["action"], entry["actor"]) == ("CONTACT_CREATED", "test-write")
    assert entry["summary"] == f"Contact {contact['contactNo']} created (Ana María Ruiz)"
    assert entry["account"] == {"id": gid("Account", account)} and entry["contact"] == {"id": contact["id"]}
    changes = entry["details"]["changes"]
    assert changes["lastName"] == {"before": None, "after": "Ruiz"}
    assert changes["email"] == {"before": None, "after": "Ana.Ruiz@atlas.mx"}
    assert changes["accountId"] == {"before": None, "after": gid("Account", account)}
    assert changes["reportsToId"] == {"before": None, "after": gid("Contact", boss)}
    assert changes["marketingOptIn"] == {"before": None, "after": True}
    assert [e["action"] for e in await _history(gql, ACCOUNT_HISTORY, gid("Account", account))] == ["CONTACT_CREATED"]


async def test_a_contact_without_an_account_has_the_defaults_and_its_own_history(gql) -> None:
    payload = (await gql(CREATE, {"input": {"lastName": "Soto"}})).data["createContact"]
    assert payload["errors"] == []
    contact = payload["contact"]
    assert contact["account"] is None and contact["reportsTo"] is None and contact["assignedUser"] is None
    assert (contact["firstName"], contact["email"], contact["doNotEmail"], contact["marketingOptIn"]) == (None, None, False, False)
    (entry,) = await _history(gql, CONTACT_HISTORY, contact["id"])
    assert entry["account"] is None and "accountId" not in entry["details"]["changes"]  # a new row's empty fields
    assert entry["details"]["changes"]["lastName"] == {"before": None, "after": "Soto"}


async def test_create_reports_every_problem_at_once_and_writes_nothing(gql, factory) -> None:
    before = await _counts(gql.engine)
    payload = (await gql(CREATE, {"input": {
        "lastName": "   ", "firstName": "n" * 121, "title": "t" * 121, "department": "d" * 121, "email": "no-at-sign",
        "phone": "123", "mobile": "call me", "accountId": gid("Account", 999_999_999), "reportsToId": "garbage",
        "assignedUserId": gid("User", 999_999_999), "doNotEmail": None, "marketingOptIn": None,
    }})).data["createContact"]
    assert payload["contact"] is None
    assert sorted((tuple(e["field"]), e["code"]) for e in payload["errors"]) == sorted([
        (("lastName",), "REQUIRED"), (("firstName",), "INVALID"), (("title",), "INVALID"), (("department",), "INVALID"),
        (("email",), "INVALID"), (("phone",), "INVALID"), (("mobile",), "INVALID"), (("accountId",), "NOT_FOUND"),
        (("reportsToId",), "INVALID"), (("assignedUserId",), "NOT_FOUND"), (("doNotEmail",), "INVALID"),
        (("marketingOptIn",), "INVALID"),
    ])
    messages = {e["field"][0]: e["message"] for e in payload["errors"]}
    assert "121 characters; at most 120" in messages["firstName"]
    assert "cannot be null" in messages["doNotEmail"]
    assert await _counts(gql.engine) == before


@pytest.mark.parametrize(
    ("field", "fits", "too_long"),
    [
        ("firstName", "a" * 120, "a" * 121),
        ("lastName", "a" * 120, "a" * 121),
        ("title", "a" * 120, "a" * 121),
        ("department", "a" * 120, "a" * 121),
        ("email", "a" * 64 + "@" + ".".join(["b" * 60] * 3) + ".mx", "a" * 64 + "@" + ".".join(["b" * 62] * 3) + ".mx"),
        # A possible number but for its length: the column's 40 characters is the one rule broken.
        ("phone", "+52 (55) 1234-5678" + " " * 20 + "x1", "+52 (55) 1234-5678" + " " * 21 + "x1"),
        ("mobile", "+52 (55) 1234-5678" + " " * 20 + "x1", "+52 (55) 1234-5678" + " " * 21 + "x1"),
    ],
)
async def test_text_fits_its_column(gql, field, fits, too_long) -> None:
    base = {"lastName": "Ruiz"}
    ok = (await gql(CREATE, {"input": {**base, field: fits}})).data["createContact"]
    assert ok["errors"] == [] and ok["contact"][field].lower() == fits.lower()
    before = await _counts(gql.engine)
    refused = (await gql(CREATE, {"input": {**base, field: too_long}})).data["createContact"]
    assert [(e["field"], e["code"]) for e in refused["errors"]] == [([field], "INVALID")]
    assert await _counts(gql.engine) == before


async def test_references_must_be_of_their_type(gql, factory) -> None:
    account = await factory.insert(Account)
    payload = (await gql(CREATE, {"input": {"lastName": "Ruiz", "accountId": gid("Contact", 1),
                                            "reportsToId": gid("Account", account)}})).data["createContact"]
    assert sorted((e["field"][0], e["code"]) for e in payload["errors"]) == [("accountId", "NOT_FOUND"), ("reportsToId", "NOT_FOUND")]


async def test_a_read_token_may_not_create_nor_update(gql, factory) -> None:
    contact = await factory.insert(Contact)
    before = await _counts(gql.engine)
    for query, variables in ((CREATE, {"input": {"lastName": "Ruiz"}}),
                             (UPDATE, {"input": {"id": gid("Contact", contact), "lastName": "Otro"}})):
        response = await gql(query, variables, scope="read")
        assert response.errors[0]["extensions"]["code"] == "FORBIDDEN"
    assert await _counts(gql.engine) == before


# --- updateContact -------------------------------------------------------------------------------

async def test_update_changes_only_what_is_sent_and_logs_before_and_after(gql, factory) -> None:
    account = await factory.insert(Account)
    contact = await factory.insert(Contact, account_id=account, first_name="Ana", last_name="Ruiz", email="ana@old.mx",
                                   title="Compras", phone="55 1111 2222")
    start = (await gql(READ, {"id": gid("Contact", contact)})).data["contact"]
    payload = await _update(gql, contact, expectedUpdatedAt=start["updatedAt"], email="ana@atlas.mx", title=None,
                            department="Dirección", doNotEmail=True)
    assert payload["errors"] == []
    after = payload["contact"]
    assert (after["email"], after["title"], after["department"], after["doNotEmail"]) == ("ana@atlas.mx", None, "Dirección", True)
    untouched = {k: v for k, v in after.items() if k not in ("email", "title", "department", "doNotEmail", "updatedAt")}
    assert untouched == {k: v for k, v in start.items() if k in untouched}
    assert after["updatedAt"] > start["updatedAt"]
    assert (await gql(READ, {"id": gid("Contact", contact)})).data["contact"] == after

    (entry,) = await _history(gql, CONTACT_HISTORY, gid("Contact", contact))
    assert (entry["action"], entry["actor"]) == ("CONTACT_UPDATED", "test-write")
    assert entry["account"] == {"id": gid("Account", account)}
    number = start["contactNo"]
    assert entry["summary"] == f"Contact {number} (Ana Ruiz) updated: title, department, email, doNotEmail"
    assert entry["details"]["changes"] == {
        "title": {"before": "Compras", "after": None},
        "department": {"before": None, "after": "Dirección"},
        "email": {"before": "ana@old.mx", "after": "ana@atlas.mx"},
        "doNotEmail": {"before": False, "after": True},
    }
    assert [e["action"] for e in await _history(gql, ACCOUNT_HISTORY, gid("Account", account))] == ["CONTACT_UPDATED"]


async def test_update_checks_every_field_and_writes_nothing(gql, factory) -> None:
    contact = await factory.insert(Contact, last_name="Ruiz")
    before_row = await _row(gql.engine, contact)
    before = await _counts(gql.engine)
    payload = await _update(gql, contact, lastName=None, firstName="x" * 121, email="@", phone="1", mobile=None,
                            accountId=gid("Account", 999_999_999), reportsToId=gid("Contact", contact),
                            assignedUserId="%%%", doNotEmail=None)
    assert payload["contact"] is None
    assert sorted((tuple(e["field"]), e["code"]) for e in payload["errors"]) == sorted([
        (("lastName",), "INVALID"), (("firstName",), "INVALID"), (("email",), "INVALID"), (("phone",), "INVALID"),
        (("accountId",), "NOT_FOUND"), (("reportsToId",), "INVALID"), (("assignedUserId",), "INVALID"),
        (("doNotEmail",), "INVALID"),
    ])
    assert "lastName cannot be null" in next(e["message"] for e in payload["errors"] if e["field"] == ["lastName"])
    blank = await _update(gql, contact, lastName="  ")
    assert [(e["field"], e["code"]) for e in blank["errors"]] == [(["lastName"], "REQUIRED")]
    assert await _counts(gql.engine) == before
    assert await _row(gql.engine, contact) == before_row


async def test_update_of_no_contact_is_not_found(gql, factory) -> None:
    account = await factory.insert(Account)
    for bad, code in ((gid("Contact", 999_999_999), "NOT_FOUND"), (gid("Account", account), "NOT_FOUND"), ("xyz", "INVALID")):
        payload = (await gql(UPDATE, {"input": {"id": bad, "title": "x"}})).data["updateContact"]
        assert [(e["field"], e["code"]) for e in payload["errors"]] == [(["id"], code)], bad


async def test_moving_a_contact_is_logged_on_it_and_on_both_accounts(gql, factory) -> None:
    old, new = await factory.insert(Account), await factory.insert(Account)
    contact = await factory.insert(Contact, account_id=old, first_name="Ana", last_name="Ruiz")
    numbers = {pk: (await gql("query($id: ID!) { account(id: $id) { accountNo } }", {"id": gid("Account", pk)})).data["account"]["accountNo"]
               for pk in (old, new)}
    payload = await _update(gql, contact, accountId=gid("Account", new), title="Gerente")
    assert payload["errors"] == [] and payload["contact"]["account"] == {"id": gid("Account", new)}
    for account, count in ((old, 0), (new, 1)):
        assert (await gql(CONTACTS_TAB, {"id": gid("Account", account)})).data["account"]["contacts"]["totalCount"] == count

    number = payload["contact"]["contactNo"]
    summary = f"Contact {number} (Ana Ruiz) moved from {numbers[old]} to {numbers[new]}; updated title"
    moved = {"accountId": {"before": gid("Account", old), "after": gid("Account", new)},
             "title": {"before": None, "after": "Gerente"}}
    (own,) = await _history(gql, CONTACT_HISTORY, gid("Contact", contact))  # one entry in its own history
    assert (own["action"], own["summary"], own["details"]["changes"]) == ("CONTACT_MOVED", summary, moved)
    assert own["account"] == {"id": gid("Account", new)}
    (left,) = await _history(gql, ACCOUNT_HISTORY, gid("Account", old))
    assert (left["action"], left["summary"], left["details"]["changes"]) == ("CONTACT_MOVED", summary, moved)
    assert left["details"]["contact"] == gid("Contact", contact) and left["contact"] is None
    (joined,) = await _history(gql, ACCOUNT_HISTORY, gid("Account", new))
    assert (joined["action"], joined["summary"], joined["details"]["changes"]) == ("CONTACT_MOVED", summary, moved)
    assert joined["contact"] == {"id": gid("Contact", contact)}

    # To no account at all: its own history and the account it left.
    alone = await _update(gql, contact, accountId=None)
    assert alone["errors"] == [] and alone["contact"]["account"] is None
    latest = (await _history(gql, CONTACT_HISTORY, gid("Contact", contact)))[0]
    assert latest["summary"] == f"Contact {number} (Ana Ruiz) moved from {numbers[new]} to no account"
    assert latest["details"]["changes"] == {"accountId": {"before": gid("Account", new), "after": None}}
    assert latest["account"] is None
    assert (await _history(gql, ACCOUNT_HISTORY, gid("Account", new)))[0]["summary"] == latest["summary"]
    assert len(await _history(gql, ACCOUNT_HISTORY, gid("Account", old))) == 1


async def test_reports_to_may_not_make_a_cycle(gql, factory) -> None:
    # top <- middle <- bottom: bottom reports to middle, middle to top.
    top = await factory.insert(Contact)
    middle = await factory.insert(Contact, reports_to_id=top)
    bottom = await factory.insert(Contact, reports_to_id=middle)
    before = await _counts(gql.engine)
    for contact, manager in ((top, top), (top, bottom), (top, middle), (middle, bottom)):
        payload = await _update(gql, contact, reportsToId=gid("Contact", manager))
        assert [(e["field"], e["code"]) for e in payload["errors"]] == [(["reportsToId"], "INVALID")], (contact, manager)
        assert "cannot report to itself" in payload["errors"][0]["message"]
    assert await _counts(gql.engine) == before
    # Up the chain, or sideways, is no cycle.
    other = await factory.insert(Contact)
    assert (await _update(gql, bottom, reportsToId=gid("Contact", top)))["errors"] == []
    assert (await _update(gql, top, reportsToId=gid("Contact", other)))["contact"]["reportsTo"] == {"id": gid("Contact", other)}
    assert (await _update(gql, middle, reportsToId=None))["contact"]["reportsTo"] is None


async def test_a_stale_expected_updated_at_is_a_conflict_and_writes_nothing(gql, factory) -> None:
    contact = await factory.insert(Contact, title="Compras")
    first = (await _update(gql, contact, title="Ventas"))["contact"]
    before = await _counts(gql.engine)
    payload = await _update(gql, contact, expectedUpdatedAt="2020-01-01T00:00:00+00:00", title="Finanzas")
    (error,) = payload["errors"]
    assert (error["field"], error["code"]) == (["expectedUpdatedAt"], "CONFLICT")
    assert first["updatedAt"] in error["message"]
    naive = await _update(gql, contact, expectedUpdatedAt=first["updatedAt"][:-6], title="Finanzas")
    assert [(e["field"], e["code"]) for e in naive["errors"]] == [(["expectedUpdatedAt"], "INVALID")]
    assert await _counts(gql.engine) == before
    now = (await gql("query($id: ID!) { contact(id: $id) { title updatedAt } }", {"id": gid("Contact", contact)})).data["contact"]
    assert now == {"title": "Ventas", "updatedAt": first["updatedAt"]}
    current = await _update(gql, contact, expectedUpdatedAt=first["updatedAt"], title="Finanzas")
    assert current["errors"] == [] and current["contact"]["title"] == "Finanzas"


async def test_of_two_concurrent_updates_from_one_version_exactly_one_wins(gql, factory) -> None:
    contact = await factory.insert(Contact)
    version = (await gql(READ, {"id": gid("Contact", contact)})).data["contact"]["updatedAt"]
    responses = await asyncio.gather(*(_update(gql, contact, expectedUpdatedAt=version, title=title)
                                       for title in ("Compras", "Ventas")))
    winners = [p for p in responses if not p["errors"]]
    assert len(winners) == 1
    (loser,) = [p for p in responses if p["errors"]]
    assert [(e["field"], e["code"]) for e in loser["errors"]] == [(["expectedUpdatedAt"], "CONFLICT")]
    now = (await gql(READ, {"id": gid("Contact", contact)})).data["contact"]
    assert now["title"] == winners[0]["contact"]["title"] and now["updatedAt"] == winners[0]["contact"]["updatedAt"]
    assert len(await _history(gql, CONTACT_HISTORY, gid("Contact", contact))) == 1


async def test_concurrent_updates_without_a_version_apply_one_after_the_other(gql, factory) -> None:
    contact = await factory.insert(Contact)
    fields = {"title": "Gerente", "department": "Compras", "email": "ana@atlas.mx", "mobile": "55 9876 5432"}
    responses = await asyncio.gather(*(_update(gql, contact, **{k: v}) for k, v in fields.items()))
    assert all(p["errors"] == [] for p in responses)
    now = (await gql(READ, {"id": gid("Contact", contact)})).data["contact"]
    assert {k: now[k] for k in fields} == fields  # none overwrote another's field
    assert len(await _history(gql, CONTACT_HISTORY, gid("Contact", contact))) == len(fields)


async def test_an_update_that_changes_nothing_writes_nothing(gql, factory) -> None:
    account = await factory.insert(Account)
    contact = await factory.insert(Contact, account_id=account, last_name="Ruiz", email="ana@atlas.mx", title=None)
    start = (await gql(READ, {"id": gid("Contact", contact)})).data["contact"]
    before_row = await _row(gql.engine, contact)
    before = await _counts(gql.engine)
    payload = await _update(gql, contact, expectedUpdatedAt=start["updatedAt"], lastName=" Ruiz ", email="ana@atlas.mx",
                            title=None, accountId=gid("Account", account), doNotEmail=False)
    assert payload["errors"] == [] and payload["contact"] == start
    assert await _counts(gql.engine) == before
    assert await _row(gql.engine, contact) == before_row
