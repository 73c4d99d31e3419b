"""createAccount and updateAccount: the rules of every account write, the log's before and after,
optimistic concurrency on updatedAt."""

from __future__ import annotations

import asyncio

import pytest
import sqlalchemy as sa

from models import Account, AccountRelation, ActivityLog, AppUser, PriceList
from tests.client import gid, pk, row_counts

FIELDS = """id accountNo name rfc email phone tradeName industry accountType taxRegime cfdiUse paymentForm paymentMethod
            fiscalPostalCode currency creditLimit creditDays shippingMethods storeVisible doNotEmail createdAt updatedAt
            priceList { id } assignedUser { id } parentAccount { id }"""
CREATE = """
mutation($input: CreateAccountInput!) {
  createAccount(input: $input) { errors { field code message } account { %s } }
}
""" % FIELDS
UPDATE = """
mutation($input: UpdateAccountInput!) {
  updateAccount(input: $input) { errors { field code message } account { %s } }
}
""" % FIELDS
HISTORY = "query($id: ID!) { account(id: $id) { activityLog { nodes { action summary actor details } } } }"
RELATED = "query($id: ID!) { account(id: $id) { relatedAccounts { nodes { kind relatedAccount { id } } } } }"


async def _counts(engine) -> tuple[int, ...]:
    return await row_counts(engine, Account, ActivityLog, AccountRelation)


def _new(**extra) -> dict:
    return {"input": {"name": "Ferretera del Norte SA de CV", "rfc": "EKU9003173C9", "taxRegime": "601", "cfdiUse": "G03",
                      **extra}}


async def test_create_assigns_a_number_applies_defaults_and_logs_every_value(gql, factory) -> None:
    parent = await factory.insert(Account)
    price_list, user = await factory.insert(PriceList), await factory.insert(AppUser)
    response = await gql(CREATE, _new(email="ventas@ferrenorte.mx", phone="81 8340 1200", fiscalPostalCode="64000",
                                      paymentForm="99", paymentMethod="PPD", creditLimit="50000", creditDays=30,
                                      shippingMethods=["FREIGHT", "FREIGHT", "PICKUP"], priceListId=gid("PriceList", price_list),
                                      assignedUserId=gid("User", user), parentAccountId=gid("Account", parent)))
    payload = response.data["createAccount"]
    assert payload["errors"] == []
    account = payload["account"]
    assert account["accountNo"] == f"CLI-{pk(account['id']):06d}"
    assert (account["currency"], account["accountType"], account["storeVisible"], account["doNotEmail"]) == ("MXN", "CUSTOMER", True, False)
    assert (account["creditLimit"], account["creditDays"], account["shippingMethods"]) == ("50000.00", 30, ["FREIGHT", "PICKUP"])
    assert account["createdAt"] == account["updatedAt"]
    assert account["parentAccount"] == {"id": gid("Account", parent)}

    read = (await gql("query($id: ID!) { account(id: $id) { %s } }" % FIELDS, {"id": account["id"]})).data["account"]
    assert read == account
    (entry,) = (await gql(HISTORY, {"id": account["id"]})).data["account"]["activityLog"]["nodes"]
    assert (entry["action"], entry["actor"]) == ("CREATED", "test-write")
    changes = entry["details"]["changes"]
    assert changes["name"] == {"before": None, "after": "Ferretera del Norte SA de CV"}
    assert changes["creditLimit"] == {"before": None, "after": "50000.00"}
    assert changes["parentAccountId"] == {"before": None, "after": gid("Account", parent)}
    assert changes["paymentMethod"] == {"before": None, "after": "PPD"}
    # The "Clientes" tab of both agrees with parentAccount.
    assert (await gql(RELATED, {"id": account["id"]})).data["account"]["relatedAccounts"]["nodes"] == [
        {"kind": "PARENT", "relatedAccount": {"id": gid("Account", parent)}}]
    theirs = (await gql(RELATED, {"id": gid("Account", parent)})).data["account"]["relatedAccounts"]["nodes"]
    assert {"kind": "SUBSIDIARY", "relatedAccount": {"id": account["id"]}} in theirs


async def test_create_reports_every_problem_at_once_and_writes_nothing(gql, factory) -> None:
    before = await _counts(gql.engine)
    payload = (await gql(CREATE, {"input": {
        "name": " ", "rfc": "MAB9307148T5", "taxRegime": "", "cfdiUse": "P01", "email": "no-at", "phone": "123",
        "currency": "ZZZ", "creditLimit": "-1", "creditDays": 4000, "fiscalPostalCode": "123", "accountType": None,
        "priceListId": gid("PriceList", 999_999), "parentAccountId": "garbage", "website": "w" * 255,
    }})).data["createAccount"]
    assert payload["account"] is None
    assert sorted((tuple(e["field"]), e["code"]) for e in payload["errors"]) == sorted([
        (("name",), "REQUIRED"), (("rfc",), "INVALID"), (("taxRegime",), "REQUIRED"), (("cfdiUse",), "INVALID"),
        (("email",), "INVALID"), (("phone",), "INVALID"), (("currency",), "INVALID"), (("creditLimit",), "OUT_OF_RANGE"),
        (("creditDays",), "OUT_OF_RANGE"), (("fiscalPostalCode",), "INVALID"), (("accountType",), "INVALID"),
        (("priceListId",), "NOT_FOUND"), (("parentAccountId",), "INVALID"), (("website",), "INVALID"),
    ])
    assert await _counts(gql.engine) == before


@pytest.mark.parametrize(
    ("extra", "field", "text"),
    [
        ({"rfc": "CACX7605101P8"}, "taxRegime", "does not apply to a person"),  # 601 is for companies
        ({"cfdiUse": "D01"}, "cfdiUse", "not allowed for régimen 601"),
        ({"rfc": "XAXX010101000"}, "taxRegime", "goes with régimen 616 and uso S01"),
        ({"paymentMethod": "PPD", "paymentForm": "03"}, "paymentForm", "PPD requires payment form 99"),
        ({"taxRegime": "999"}, "taxRegime", "not a SAT c_RegimenFiscal code"),
    ],
)
async def test_create_keeps_the_sat_rules_of_duplicate(gql, extra, field, text) -> None:
    before = await _counts(gql.engine)
    payload = (await gql(CREATE, _new(**extra))).data["createAccount"]
    assert [e["field"] for e in payload["errors"]] == [[field]] and text in payload["errors"][0]["message"]
    assert await _counts(gql.engine) == before


async def test_a_read_token_may_not_create_nor_update(gql, factory) -> None:
    account = await factory.invoiceable_company()
    before = await _counts(gql.engine)
    for query, variables in ((CREATE, _new()), (UPDATE, {"input": {"id": gid("Account", account), "name": "Otra"}})):
        response = await gql(query, variables, scope="read")
        assert response.errors[0]["extensions"]["code"] == "FORBIDDEN"
    assert await _counts(gql.engine) == before


async def test_update_changes_only_what_is_sent_and_logs_before_and_after(gql, factory) -> None:
    account = await factory.invoiceable_company(rfc="EKU9003173C9", email="old@atlas.mx", website="https://atlas.mx")
    start = (await gql("query($id: ID!) { account(id: $id) { %s } }" % FIELDS, {"id": gid("Account", account)})).data["account"]
    payload = (await gql(UPDATE, {"input": {"id": gid("Account", account), "expectedUpdatedAt": start["updatedAt"],
                                            "email": "compras@atlas.mx", "creditDays": 45, "paymentTerms": None,
                                            "tradeName": "Atlas"}})).data["updateAccount"]
    assert payload["errors"] == []
    after = payload["account"]
    assert (after["email"], after["creditDays"], after["tradeName"]) == ("compras@atlas.mx", 45, "Atlas")
    untouched = {k: v for k, v in after.items() if k not in ("email", "creditDays", "tradeName", "updatedAt")}
    assert untouched == {k: v for k, v in start.items() if k in untouched}
    assert after["updatedAt"] > start["updatedAt"]
    (entry,) = [e for e in (await gql(HISTORY, {"id": gid("Account", account)})).data["account"]["activityLog"]["nodes"]
                if e["action"] == "UPDATED"]
    assert entry["actor"] == "test-write"
    assert entry["details"]["changes"] == {
        "email": {"before": "old@atlas.mx", "after": "compras@atlas.mx"},
        "creditDays": {"before": 0, "after": 45},
        "tradeName": {"before": None, "after": "Atlas"},
    }  # paymentTerms was already empty: clearing it changed nothing


async def test_nulls_clear_what_may_be_empty_and_are_refused_elsewhere(gql, factory) -> None:
    account = await factory.invoiceable_company(website="https://atlas.mx", price_list_id=await factory.insert(PriceList))
    cleared = (await gql(UPDATE, {"input": {"id": gid("Account", account), "website": None, "priceListId": None}})).data["updateAccount"]
    assert cleared["errors"] == [] and cleared["account"]["priceList"] is None
    before = await _counts(gql.engine)
    for field in ("name", "rfc", "currency", "creditLimit", "taxRegime", "cfdiUse", "fiscalPostalCode", "shippingMethods"):
        payload = (await gql(UPDATE, {"input": {"id": gid("Account", account), field: None}})).data["updateAccount"]
        assert [(e["field"], e["code"]) for e in payload["errors"]] == [([field], "INVALID")], field
        assert "cannot be null" in payload["errors"][0]["message"]
    assert await _counts(gql.engine) == before


async def test_the_fiscal_rules_hold_for_the_account_as_it_will_be(gql, factory) -> None:
    account = await factory.invoiceable_company(rfc="EKU9003173C9")  # régimen 601: companies only
    before = await _counts(gql.engine)
    person = (await gql(UPDATE, {"input": {"id": gid("Account", account), "rfc": "CACX7605101P8"}})).data["updateAccount"]
    (error,) = person["errors"]
    assert error["field"] == ["taxRegime"] and "601 (the current value of " in error["message"]
    assert "persona física" in error["message"]
    assert await _counts(gql.engine) == before
    both = (await gql(UPDATE, {"input": {"id": gid("Account", account), "rfc": "CACX7605101P8", "taxRegime": "612",
                                         "cfdiUse": "D01"}})).data["updateAccount"]
    assert both["errors"] == [] and (both["account"]["rfc"], both["account"]["taxRegime"]) == ("CACX7605101P8", "612")


async def test_a_stale_expected_updated_at_is_a_conflict_and_writes_nothing(gql, factory) -> None:
    account = await factory.invoiceable_company()
    first = (await gql(UPDATE, {"input": {"id": gid("Account", account), "industry": "Acero"}})).data["updateAccount"]["account"]
    stale_at = "2020-01-01T00:00:00+00:00"
    before = await _counts(gql.engine)
    payload = (await gql(UPDATE, {"input": {"id": gid("Account", account), "expectedUpdatedAt": stale_at,
                                            "industry": "Vidrio"}})).data["updateAccount"]
    (error,) = payload["errors"]
    assert (error["field"], error["code"]) == (["expectedUpdatedAt"], "CONFLICT")
    assert first["updatedAt"].replace("T", " ")[:19] in error["message"].replace("T", " ")
    assert await _counts(gql.engine) == before
    now = (await gql("query($id: ID!) { account(id: $id) { industry updatedAt } }", {"id": gid("Account", account)})).data["account"]
    assert now == {"industry": "Acero", "updatedAt": first["updatedAt"]}


async def test_of_two_concurrent_updates_from_one_version_exactly_one_wins(gql, factory) -> None:
    account = await factory.invoiceable_company()
    version = (await gql("query($id: ID!) { account(id: $id) { updatedAt } }", {"id": gid("Account", account)})).data["account"]["updatedAt"]
    responses = await asyncio.gather(*(
        gql(UPDATE, {"input": {"id": gid("Account", account), "expectedUpdatedAt": version, "industry": industry}})
        for industry in ("Acero", "Vidrio", "Papel", "Madera")
    ))
    payloads = [r.data["updateAccount"] for r in responses]
    winners = [p for p in payloads if not p["errors"]]
    assert len(winners) == 1
    assert all([(e["field"], e["code"]) for e in p["errors"]] == [(["expectedUpdatedAt"], "CONFLICT")] for p in payloads if p["errors"])
    now = (await gql("query($id: ID!) { account(id: $id) { industry } }", {"id": gid("Account", account)})).data["account"]
    assert now["industry"] == winners[0]["account"]["industry"]
    async with gql.engine.connect() as connection:
        table = ActivityLog.__table__
        logged = (await connection.execute(sa.select(sa.func.count()).where(
            table.c.account_id == account, table.c.action == "UPDATED"))).scalar_one()
    assert logged == 1


async def test_concurrent_updates_without_a_version_apply_one_after_the_other(gql, factory) -> None:
    account = await factory.invoiceable_company()
    fields = {"industry": "Acero", "website": "https://a.mx", "paymentTerms": "30 días", "tradeName": "A"}
    responses = await asyncio.gather(*(gql(UPDATE, {"input": {"id": gid("Account", account), k: v}}) for k, v in fields.items()))
    assert all(r.data["updateAccount"]["errors"] == [] for r in responses)
    now = (await gql("query($id: ID!) { account(id: $id) { industry website paymentTerms tradeName } }",
                     {"id": gid("Account", account)})).data["account"]
    assert now == fields  # none overwrote another's field


async def test_an_update_that_changes_nothing_writes_nothing(gql, factory) -> None:
    account = await factory.invoiceable_company(industry="Acero")
    start = (await gql("query($id: ID!) { account(id: $id) { updatedAt } }", {"id": gid("Account", account)})).data["account"]
    before = await _counts(gql.engine)
    payload = (await gql(UPDATE, {"input": {"id": gid("Account", account), "industry": "Acero", "name": "Grupo Atlas"}})).data["updateAccount"]
    assert payload["errors"] == [] and payload["account"]["updatedAt"] == start["updatedAt"]
    assert await _counts(gql.engine) == before


async def test_a_new_parent_moves_the_relation_rows_and_a_cycle_is_refused(gql, factory) -> None:
    old, new = await factory.invoiceable_company(), await factory.invoiceable_company()
    child = (await gql(CREATE, _new(name="Sucursal", parentAccountId=gid("Account", old)))).data["createAccount"]["account"]
    moved = (await gql(UPDATE, {"input": {"id": child["id"], "parentAccountId": gid("Account", new)}})).data["updateAccount"]
    assert moved["errors"] == [] and moved["account"]["parentAccount"] == {"id": gid("Account", new)}
    assert (await gql(RELATED, {"id": child["id"]})).data["account"]["relatedAccounts"]["nodes"] == [
        {"kind": "PARENT", "relatedAccount": {"id": gid("Account", new)}}]
    for parent, expected in ((old, False), (new, True)):
        theirs = (await gql(RELATED, {"id": gid("Account", parent)})).data["account"]["relatedAccounts"]["nodes"]
        assert ({"kind": "SUBSIDIARY", "relatedAccount": {"id": child["id"]}} in theirs) is expected
    history = [e["action"] for e in (await gql(HISTORY, {"id": gid("Account", old)})).data["account"]["activityLog"]["nodes"]]
    assert "SUBSIDIARY_REMOVED" in history

    before = await _counts(gql.engine)
    # The child under itself, and its parent under the child: both would make a loop of parents.
    for account in (child["id"], gid("Account", new)):
        payload = (await gql(UPDATE, {"input": {"id": account, "parentAccountId": child["id"]}})).data["updateAccount"]
        assert [(e["field"], e["code"]) for e in payload["errors"]] == [(["parentAccountId"], "INVALID")], account
    assert await _counts(gql.engine) == before


async def test_update_of_no_account_is_not_found(gql, factory) -> None:
    for bad, code in ((gid("Account", 999_999_999), "NOT_FOUND"), ("xyz", "INVALID")):
        payload = (await gql(UPDATE, {"input": {"id": bad, "industry": "x"}})).data["updateAccount"]
        assert [(e["field"], e["code"]) for e in payload["errors"]] == [(["id"], code)]
