"""duplicateAccount: what is copied, what never is, every validation rule, nothing written on errors."""

from __future__ import annotations

import asyncio
from decimal import Decimal

import pytest
import sqlalchemy as sa

from models import Account, ActivityLog, AppUser, Contact, Invoice, PriceList
from resolvers.duplicate_account import COPIED_FIELDS
from tests.client import gid

MUTATION = """
mutation($input: DuplicateAccountInput!) {
  duplicateAccount(input: $input) {
    errors { field code message }
    account { id accountNo name rfc email phone tradeName industry accountType website taxRegime cfdiUse
              paymentForm paymentMethod fiscalPostalCode currency creditLimit creditDays paymentTerms
              doNotEmail marketingOptIn shippingMethods storeVisible createdAt updatedAt
              priceList { id } assignedUser { id } parentAccount { id }
              tabs { field count } activityLog { nodes { action summary actor } } }
  }
}
"""


async def _source(factory) -> int:
    """A company account with every copied field set to something other than its default."""
    parent = await factory.insert(Account)
    return await factory.insert(
        Account, name="Grupo Industrial Atlas SA de CV", rfc="EKU9003173C9", email="compras@atlas.mx",
        phone="55 1234 5678", trade_name="Atlas", industry="Manufactura", account_type="DISTRIBUTOR",
        website="https://atlas.mx", tax_regime="601", cfdi_use="G03", payment_form="99", payment_method="PPD",
        fiscal_postal_code="06600", currency="USD", credit_limit=Decimal("150000.50"), credit_days=45,
        payment_terms="45 días", do_not_email=True, marketing_opt_in=True, shipping_methods=["FREIGHT", "PICKUP"],
        store_visible=False, price_list_id=await factory.insert(PriceList), assigned_user_id=await factory.insert(AppUser),
        parent_account_id=parent,
    )


async def _row(engine, model, pk: int) -> dict:
    async with engine.connect() as connection:
        return dict((await connection.execute(sa.select(model.__table__).where(model.__table__.c.id == pk))).one()._mapping)


async def _counts(engine) -> tuple[int, ...]:
    async with engine.connect() as connection:
        return tuple([
            (await connection.execute(sa.select(sa.func.count()).select_from(m.__table__))).scalar_one()
            for m in (Account, ActivityLog)
        ])


async def test_a_duplicate_copies_exactly_the_listed_fields_and_leaves_the_source_unchanged(gql, factory) -> None:
    source = await _source(factory)
    await factory.insert(Invoice, account_id=source)
    await factory.insert(Contact, account_id=source)
    before = await _row(gql.engine, Account, source)

    response = await gql(MUTATION, {"input": {"sourceId": gid("Account", source), "name": "Atlas Norte SA de CV",
                                               "rfc": "ABC680524P73", "email": "norte@atlas.mx", "phone": "81 5555 0000"}})
    payload = response.data["duplicateAccount"]
    assert payload["errors"] == []
    new = payload["account"]
    row = await _row(gql.engine, Account, int(__import__("base64").b64decode(new["id"]).decode().split(":")[1]))

    for field in COPIED_FIELDS:
        assert row[field] == before[field], field
    assert (row["name"], row["rfc"], row["email"], row["phone"]) == ("Atlas Norte SA de CV", "ABC680524P73", "norte@atlas.mx", "81 5555 0000")
    assert row["account_no"] == f"CLI-{row['id']:06d}" != before["account_no"]
    assert row["created_at"] > before["created_at"] and row["updated_at"] > before["updated_at"]
    assert await _row(gql.engine, Account, source) == before  # the source, field by field
    counts = {tab["field"]: tab["count"] for tab in new["tabs"]}
    assert counts.pop(None) is None  # Detalles
    assert counts.pop("activityLog") == 1 and counts.pop("relatedAccounts") == 1  # its parent, in "Clientes"
    assert set(counts.values()) == {0}  # no related record is copied
    assert new["activityLog"]["nodes"] == [
        {"action": "DUPLICATED", "summary": f"Duplicated from {before['account_no']} (Grupo Industrial Atlas SA de CV)", "actor": "test-write"}
    ]
    source_log = (await gql("query($id: ID!) { account(id: $id) { activityLog { nodes { action summary } } } }",
                            {"id": gid("Account", source)})).data["account"]["activityLog"]["nodes"]
    assert source_log == [{"action": "DUPLICATED_TO", "summary": f"Duplicated to {new['accountNo']} (Atlas Norte SA de CV)"}]
    assert new["shippingMethods"] == ["FREIGHT", "PICKUP"] and new["creditLimit"] == "150000.50"


async def test_overrides_change_copied_fields_and_null_clears_a_reference(gql, factory) -> None:
    source = await _source(factory)
    payload = (await gql(MUTATION, {"input": {
        "sourceId": gid("Account", source), "name": "Atlas Persona", "rfc": "CACX7605101P8",
        "taxRegime": "612", "cfdiUse": "D01", "paymentForm": "03", "paymentMethod": "PUE", "creditLimit": "10.5",
        "creditDays": 0, "shippingMethods": ["EXPRESS", "EXPRESS"], "priceListId": None, "currency": "MXN",
        "storeVisible": True,
    }})).data["duplicateAccount"]
    assert payload["errors"] == []
    account = payload["account"]
    assert (account["taxRegime"], account["cfdiUse"], account["paymentForm"], account["paymentMethod"]) == ("612", "D01", "03", "PUE")
    assert (account["creditLimit"], account["creditDays"], account["currency"], account["storeVisible"]) == ("10.50", 0, "MXN", True)
    assert account["shippingMethods"] == ["EXPRESS"] and account["priceList"] is None
    assert account["assignedUser"] is not None and account["industry"] == "Manufactura"


@pytest.mark.parametrize(
    ("rfc", "regime", "cfdi_use", "ok"),
    [
        ("EKU9003173C9", None, None, True),  # a company, régimen 601 copied
        ("XAXX010101000", "616", "S01", True),  # público en general
        ("XEXX010101000", "616", "S01", True),  # extranjero
        ("eku9003173c9", None, None, True),  # compacted and upper-cased
    ],
)
async def test_valid_and_generic_rfcs_are_accepted(gql, factory, rfc, regime, cfdi_use, ok) -> None:
    source = await _source(factory)
    overrides = {"taxRegime": regime, "cfdiUse": cfdi_use} if regime else {}
    payload = (await gql(MUTATION, {"input": {"sourceId": gid("Account", source), "name": "Nueva", "rfc": rfc, **overrides}})).data["duplicateAccount"]
    assert payload["errors"] == []
    assert payload["account"]["rfc"] == rfc.upper()


@pytest.mark.parametrize(
    ("rfc", "reason"),
    [
        ("MAB9307148T5", "check digit"),
        ("COMG600703", "12 characters (company) or 13 (person), this one has 10"),
        ("EKU9013173C9", "date part"),
        ("E1U9003173C9", "format"),
        ("", "required"),
    ],
)
async def test_an_invalid_rfc_is_refused_with_its_reason(gql, factory, rfc, reason) -> None:
    source = await _source(factory)
    before = await _counts(gql.engine)
    payload = (await gql(MUTATION, {"input": {"sourceId": gid("Account", source), "name": "Nueva", "rfc": rfc}})).data["duplicateAccount"]
    assert payload["account"] is None
    (error,) = payload["errors"]
    assert error["field"] == ["rfc"] and error["code"] in ("INVALID", "REQUIRED") and reason in error["message"]
    assert await _counts(gql.engine) == before


async def test_every_error_is_reported_at_once_and_nothing_is_written(gql, factory) -> None:
    source = await _source(factory)
    before = await _counts(gql.engine)
    payload = (await gql(MUTATION, {"input": {
        "sourceId": gid("Account", source), "name": "   ", "rfc": "MAB9307148T5", "email": "no-at-sign",
        "taxRegime": "999", "cfdiUse": "P01", "paymentForm": "77", "fiscalPostalCode": "1234", "currency": "pesos",
        "creditLimit": "-1", "creditDays": 9999, "doNotEmail": None, "priceListId": gid("PriceList", 999_999),
        "assignedUserId": "garbage",
    }})).data["duplicateAccount"]
    assert payload["account"] is None
    assert {(tuple(e["field"]), e["code"]) for e in payload["errors"]} == {
        (("name",), "REQUIRED"), (("rfc",), "INVALID"), (("email",), "INVALID"), (("taxRegime",), "INVALID"),
        (("cfdiUse",), "INVALID"), (("paymentForm",), "INVALID"), (("fiscalPostalCode",), "INVALID"),
        (("currency",), "INVALID"), (("creditLimit",), "OUT_OF_RANGE"), (("creditDays",), "OUT_OF_RANGE"),
        (("doNotEmail",), "INVALID"), (("priceListId",), "NOT_FOUND"), (("assignedUserId",), "INVALID"),
    }
    assert await _counts(gql.engine) == before


async def test_the_source_must_be_an_existing_account(gql, factory) -> None:
    contact = await factory.insert(Contact)
    for source_id, code in ((gid("Account", 999_999_999), "NOT_FOUND"), (gid("Contact", contact), "NOT_FOUND"), ("xyz", "INVALID")):
        payload = (await gql(MUTATION, {"input": {"sourceId": source_id, "name": "Nueva", "rfc": "EKU9003173C9"}})).data["duplicateAccount"]
        assert payload["account"] is None
        assert [(e["field"], e["code"]) for e in payload["errors"]] == [(["sourceId"], code)]


async def test_copied_fiscal_codes_must_fit_the_new_rfc(gql, factory) -> None:
    source = await _source(factory)  # régimen 601 (companies only), uso G03
    person = (await gql(MUTATION, {"input": {"sourceId": gid("Account", source), "name": "Persona", "rfc": "CACX7605101P8"}})).data["duplicateAccount"]
    (error,) = person["errors"]
    number = (await _row(gql.engine, Account, source))["account_no"]
    assert error["field"] == ["taxRegime"] and f"601 (copied from {number})" in error["message"]
    assert "persona física" in error["message"]

    generic = (await gql(MUTATION, {"input": {"sourceId": gid("Account", source), "name": "Público", "rfc": "XAXX010101000"}})).data["duplicateAccount"]
    assert "goes with régimen 616 and uso S01" in generic["errors"][0]["message"]

    use = (await gql(MUTATION, {"input": {"sourceId": gid("Account", source), "name": "Uso", "rfc": "EKU9003173C9", "cfdiUse": "D01"}})).data["duplicateAccount"]
    assert [(e["field"], e["code"]) for e in use["errors"]] == [(["cfdiUse"], "INVALID")]
    assert "not allowed for régimen 601" in use["errors"][0]["message"]

    ppd = (await gql(MUTATION, {"input": {"sourceId": gid("Account", source), "name": "PPD", "rfc": "EKU9003173C9", "paymentForm": "03"}})).data["duplicateAccount"]
    assert "PPD requires payment form 99" in ppd["errors"][0]["message"]


async def test_a_value_outside_a_graphql_enum_is_refused_before_anything_runs(gql, factory) -> None:
    source = await _source(factory)
    before = await _counts(gql.engine)
    response = await gql(MUTATION, {"input": {"sourceId": gid("Account", source), "name": "N", "rfc": "EKU9003173C9", "shippingMethods": ["TELEPORT"]}})
    assert "TELEPORT" in response.errors[0]["message"] and "ShippingMethod" in response.errors[0]["message"]
    assert await _counts(gql.engine) == before


async def test_concurrent_duplicates_get_unique_account_numbers(gql, factory) -> None:
    source = await _source(factory)
    responses = await asyncio.gather(*(
        gql(MUTATION, {"input": {"sourceId": gid("Account", source), "name": f"Sucursal {n}", "rfc": "EKU9003173C9"}})
        for n in range(12)
    ))
    numbers = [r.data["duplicateAccount"]["account"]["accountNo"] for r in responses]
    assert len(set(numbers)) == 12 and all(n.startswith("CLI-") for n in numbers)


DRAFT = """
query($id: ID!) {
  duplicateAccountDraft(sourceId: $id) {
    sourceId name rfc email phone tradeName industry accountType website taxRegime cfdiUse paymentForm paymentMethod
    fiscalPostalCode currency creditLimit creditDays paymentTerms doNotEmail marketingOptIn shippingMethods
    storeVisible priceListId assignedUserId parentAccountId
  }
}
"""
RELATIONS = "query($id: ID!) { account(id: $id) { relatedAccounts { nodes { kind relatedAccount { id } } } activityLog { nodes { action } } } }"


def _camel(name: str) -> str:
    head, *rest = name.split("_")
    return head + "".join(part.title() for part in rest)


@pytest.mark.parametrize("name", ["Grupo Industrial Atlas SA de CV", "grupo industrial  ATLAS sa de cv ", "Grupo Índustrial Atlas SA de CV"])
async def test_the_new_name_must_differ_from_the_sources(gql, factory, name) -> None:
    source = await _source(factory)
    before = await _counts(gql.engine)
    payload = (await gql(MUTATION.replace("message", "message existingId"), {"input": {
        "sourceId": gid("Account", source), "name": name, "rfc": "ABC680524P73"}})).data["duplicateAccount"]
    assert payload["account"] is None
    (error,) = payload["errors"]
    assert (error["field"], error["code"], error["existingId"]) == (["name"], "CONFLICT", gid("Account", source))
    assert "razón social" in error["message"]
    assert await _counts(gql.engine) == before


async def test_the_parent_relation_rows_follow_the_parent_account_in_both_directions(gql, factory) -> None:
    source = await _source(factory)
    parent = (await _row(gql.engine, Account, source))["parent_account_id"]
    other_parent = await factory.insert(Account)
    cases = {"copied": ({}, parent), "overridden": ({"parentAccountId": gid("Account", other_parent)}, other_parent),
             "cleared": ({"parentAccountId": None}, None)}
    for label, (overrides, expected_parent) in cases.items():
        payload = (await gql(MUTATION, {"input": {"sourceId": gid("Account", source), "name": f"Atlas {label}",
                                                  "rfc": "ABC680524P73", **overrides}})).data["duplicateAccount"]
        assert payload["errors"] == [], label
        new = payload["account"]
        assert new["parentAccount"] == (expected_parent and {"id": gid("Account", expected_parent)}), label
        own = (await gql(RELATIONS, {"id": new["id"]})).data["account"]
        if expected_parent is None:
            assert own["relatedAccounts"]["nodes"] == [], label
            continue
        assert own["relatedAccounts"]["nodes"] == [{"kind": "PARENT", "relatedAccount": {"id": gid("Account", expected_parent)}}]
        theirs = (await gql(RELATIONS, {"id": gid("Account", expected_parent)})).data["account"]
        assert {"kind": "SUBSIDIARY", "relatedAccount": {"id": new["id"]}} in theirs["relatedAccounts"]["nodes"]
        assert "SUBSIDIARY_ADDED" in [entry["action"] for entry in theirs["activityLog"]["nodes"]]


@pytest.mark.parametrize("field", ["taxRegime", "cfdiUse", "fiscalPostalCode"])
async def test_what_a_cfdi_needs_cannot_be_cleared(gql, factory, field) -> None:
    source = await _source(factory)
    before = await _counts(gql.engine)
    payload = (await gql(MUTATION, {"input": {"sourceId": gid("Account", source), "name": "Nueva", "rfc": "EKU9003173C9",
                                              field: None}})).data["duplicateAccount"]
    assert payload["account"] is None
    (error,) = payload["errors"]
    assert (error["field"], error["code"]) == ([field], "INVALID") and "CFDI 4.0" in error["message"]
    assert await _counts(gql.engine) == before


async def test_a_generic_rfc_needs_its_regime_and_clearing_it_is_refused(gql, factory) -> None:
    source = await factory.insert(Account, tax_regime="601", cfdi_use="G03")
    payload = (await gql(
        "mutation($i: DuplicateAccountInput!) { duplicateAccount(input: $i) { errors { field code message } } }",
        {"i": {"sourceId": gid("Account", source), "name": "G", "rfc": "XAXX010101000", "taxRegime": None, "cfdiUse": "S01"}},
    )).data["duplicateAccount"]
    assert [e["field"] for e in payload["errors"]] == [["taxRegime"]]  # one reason per field
    assert "taxRegime cannot be null" in payload["errors"][0]["message"]
    omitted = (await gql(
        "mutation($i: DuplicateAccountInput!) { duplicateAccount(input: $i) { errors { field code message } } }",
        {"i": {"sourceId": gid("Account", source), "name": "G", "rfc": "XAXX010101000", "cfdiUse": "S01"}},
    )).data["duplicateAccount"]
    assert [e["field"] for e in omitted["errors"]] == [["taxRegime"]]
    assert "goes with régimen 616 and uso S01" in omitted["errors"][0]["message"]


async def test_a_credit_limit_of_many_digits_is_a_user_error(gql, factory) -> None:
    source = await factory.insert(Account)
    payload = (await gql(
        "mutation($i: DuplicateAccountInput!) { duplicateAccount(input: $i) { errors { field code } } }",
        {"i": {"sourceId": gid("Account", source), "name": "N", "rfc": "XAXX010101000", "taxRegime": "616", "cfdiUse": "S01",
               "creditLimit": "1234567890123456789012345678.123"}},
    )).data["duplicateAccount"]
    assert payload["errors"] == [{"field": ["creditLimit"], "code": "OUT_OF_RANGE"}]


async def test_the_draft_is_the_form_prefilled_and_goes_back_as_the_input(gql, factory) -> None:
    source = await _source(factory)
    before = await _counts(gql.engine)
    response = await gql(DRAFT, {"id": gid("Account", source)})
    draft = response.data["duplicateAccountDraft"]
    assert await _counts(gql.engine) == before
    row = await _row(gql.engine, Account, source)
    assert (draft["sourceId"], draft["name"], draft["rfc"]) == (gid("Account", source), "", "")
    assert (draft["email"], draft["phone"]) == (row["email"], row["phone"])
    references = {"price_list_id": "PriceList", "assigned_user_id": "User", "parent_account_id": "Account"}
    for field in COPIED_FIELDS:
        value = row[field]
        if field in references:
            value = gid(references[field], value)
        elif field == "credit_limit":
            value = str(value)
        elif field in ("account_type", "payment_method"):
            value = value.name
        elif field == "shipping_methods":
            value = [method.name for method in value]
        assert draft[_camel(field)] == value, field

    # The user changes what the product says to change, and sends the form back.
    draft.update(name="Atlas Bajío SA de CV", rfc="ABC680524P73", email="bajio@atlas.mx", phone="477 555 0000")
    payload = (await gql(MUTATION, {"input": draft})).data["duplicateAccount"]
    assert payload["errors"] == []
    new = await _row(gql.engine, Account, int(__import__("base64").b64decode(payload["account"]["id"]).decode().split(":")[1]))
    assert {f: new[f] for f in COPIED_FIELDS} == {f: row[f] for f in COPIED_FIELDS}


async def test_a_draft_of_no_account_is_null_and_a_bad_id_is_an_error(gql, factory) -> None:
    assert (await gql(DRAFT, {"id": gid("Account", 999_999_999)})).data == {"duplicateAccountDraft": None}
    contact = await factory.insert(Contact)
    for bad in (gid("Contact", contact), "xyz"):
        assert "invalid id" in (await gql(DRAFT, {"id": bad})).errors[0]["message"]


async def test_the_log_records_the_token_and_every_value_the_duplicate_was_given(gql, factory) -> None:
    source = await _source(factory)
    new = (await gql(MUTATION, {"input": {"sourceId": gid("Account", source), "name": "Atlas Sur", "rfc": "ABC680524P73",
                                          "creditLimit": "10"}})).data["duplicateAccount"]["account"]
    entry = (await gql("query($id: ID!) { account(id: $id) { activityLog { nodes { action actor details } } } }",
                       {"id": new["id"]})).data["account"]["activityLog"]["nodes"][0]
    assert (entry["action"], entry["actor"], entry["details"]["overridden"]) == ("DUPLICATED", "test-write", ["creditLimit"])
    changes = entry["details"]["changes"]
    assert changes["name"] == {"before": None, "after": "Atlas Sur"} and changes["creditLimit"] == {"before": None, "after": "10.00"}
    assert changes["shippingMethods"] == {"before": None, "after": ["FREIGHT", "PICKUP"]}
    assert changes["parentAccountId"] == {"before": None, "after": new["parentAccount"]["id"]}
