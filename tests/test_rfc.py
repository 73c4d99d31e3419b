"""RFCs through the real mutations: docs/domain.md §3's examples, a true reason for each refusal (forbidden
word, date, homoclave, check digit, length, format), and text taken in Unicode NFC (an "Ñ" sent as
N + combining tilde is accepted and stored as one character)."""

from __future__ import annotations

import unicodedata
import uuid

import pytest
import sqlalchemy as sa
from stdnum.mx.rfc import calc_check_digit

from models import Account, Contact, Product, Vendor
from tests.client import gid

DUPLICATE = """
mutation($input: DuplicateAccountInput!) {
  duplicateAccount(input: $input) { errors { field code message } account { id name rfc } }
}
"""
ADD_ORDER = """
mutation($input: AddPurchaseOrderInput!) {
  addPurchaseOrder(input: $input) { errors { field code message } purchaseOrder { vendor { id name rfc } } }
}
"""


def _with_check_digit(rfc_without_it: str) -> str:
    return rfc_without_it + calc_check_digit(rfc_without_it)


#: A person's RFC with an Ñ and a correct check digit, and the same sent decomposed (NFD).
PENA = _with_check_digit("PEÑA800101A1")
PENA_NFD = unicodedata.normalize("NFD", PENA)


async def _duplicate(gql, source: int, rfc: str, **extra) -> dict:
    variables = {"input": {"sourceId": gid("Account", source), "name": f"Nueva {uuid.uuid4().hex[:8]}", "rfc": rfc, **extra}}
    return (await gql(DUPLICATE, variables)).data["duplicateAccount"]


async def _stored(engine, model, column: str, global_id: str):
    pk = int(__import__("base64").b64decode(global_id).decode().split(":")[1])
    async with engine.connect() as connection:
        return (await connection.execute(sa.select(model.__table__.c[column]).where(model.__table__.c.id == pk))).scalar_one()


def test_the_nfd_example_is_really_decomposed() -> None:
    assert PENA_NFD != PENA and len(PENA_NFD) == len(PENA) + 1 and "\u0303" in PENA_NFD


@pytest.mark.parametrize(
    ("rfc", "person"),
    [("EKU9003173C9", False), ("CACX7605101P8", True), (_with_check_digit("PUTX800101AB"), True)],
)
async def test_valid_rfcs_of_domain_md_are_accepted(gql, factory, rfc, person) -> None:
    # PUTX...: what SAT makes of the forbidden PUTO, as the refusal below says.
    regime = {"taxRegime": "612"} if person else {}
    payload = await _duplicate(gql, await factory.invoiceable_company(), rfc, **regime)
    assert payload["errors"] == [] and payload["account"]["rfc"] == rfc


@pytest.mark.parametrize(
    ("rfc", "says", "never"),
    [
        ("MAB9307148T5", "its check digit (last character) does not match the rest of the RFC", "not a valid date"),
        ("COMG600703", "an RFC has 12 characters (company) or 13 (person), this one has 10", "not a valid date"),
        ("GBA8503120AA", "its homoclave '0A' (the 2 characters before the check digit) is not valid", "not a valid date"),
        ("GBA850312A0A", "its homoclave 'A0'", "not a valid date"),
        ("PUTO800101AB1", "its first four letters 'PUTO' are a word SAT does not allow in a person's RFC", "not a valid date"),
        ("PUTO800101AB1", "SAT replaces its last letter with X: 'PUTX'", "homoclave"),
        ("EKU9013173C9", "its date part '901317' (YYMMDD after the letters) is not a valid date", "homoclave"),
        ("CACX7602301P8", "its date part '760230'", "homoclave"),
        ("E1U9003173C9", "its format is wrong", "not a valid date"),
        ("EKU9003173CZ", "its check digit (last character) is a digit or A, not 'Z'", "homoclave"),
    ],
)
async def test_a_refused_rfc_says_its_real_reason(gql, factory, rfc, says, never) -> None:
    payload = await _duplicate(gql, await factory.invoiceable_company(), rfc)
    assert payload["account"] is None
    (error,) = payload["errors"]
    assert (error["field"], error["code"]) == (["rfc"], "INVALID")
    assert error["message"].startswith(f"invalid RFC {rfc!r}: ") and says in error["message"], error["message"]
    assert never not in error["message"]


async def test_a_new_vendors_rfc_gets_the_same_reasons(gql, factory) -> None:
    contact = await factory.insert(Contact)
    order = {"input": {"contactId": gid("Contact", contact), "subject": "Papel", "date": "2026-11-23",
                       "vendor": {"name": f"Proveedora {uuid.uuid4().hex[:8]}", "rfc": "PUTO800101AB1"},
                       "lines": [{"productId": gid("Product", await factory.insert(Product)), "quantity": "1", "unitPrice": "1"}]}}
    payload = (await gql(ADD_ORDER, order)).data["addPurchaseOrder"]
    (error,) = payload["errors"]
    assert error["field"] == ["vendor", "rfc"] and "'PUTO' are a word SAT does not allow" in error["message"]


async def test_an_rfc_with_a_decomposed_n_tilde_is_accepted_and_stored_composed(gql, factory) -> None:
    payload = await _duplicate(gql, await factory.invoiceable_company(), PENA_NFD.lower(), taxRegime="612")
    assert payload["errors"] == []
    assert payload["account"]["rfc"] == PENA
    assert await _stored(gql.engine, Account, "rfc", payload["account"]["id"]) == PENA


async def test_a_new_vendor_with_a_decomposed_rfc_and_name_is_stored_composed(gql, factory) -> None:
    contact = await factory.insert(Contact)
    name = f"Peña y Muñoz {uuid.uuid4().hex[:8]}"
    order = {"input": {"contactId": gid("Contact", contact), "subject": "Papel", "date": "2026-11-23",
                       "vendor": {"name": unicodedata.normalize("NFD", name), "rfc": PENA_NFD},
                       "lines": [{"productId": gid("Product", await factory.insert(Product)), "quantity": "1", "unitPrice": "1"}]}}
    payload = (await gql(ADD_ORDER, order)).data["addPurchaseOrder"]
    assert payload["errors"] == []
    vendor = payload["purchaseOrder"]["vendor"]
    assert (vendor["name"], vendor["rfc"]) == (name, PENA)
    assert await _stored(gql.engine, Vendor, "rfc", vendor["id"]) == PENA
    assert await _stored(gql.engine, Vendor, "name", vendor["id"]) == name


async def test_text_is_measured_and_stored_in_nfc(gql, factory) -> None:
    # 254 "ñ" are 254 characters, however the keyboard sent them (508 code points in NFD).
    name = "ñ" * 254
    payload = await _duplicate(gql, await factory.invoiceable_company(), "EKU9003173C9", tradeName=unicodedata.normalize("NFD", name))
    assert payload["errors"] == []
    assert await _stored(gql.engine, Account, "trade_name", payload["account"]["id"]) == name
