"""addPurchaseOrder with a new vendor: created with the order, refused when it exists, created once
however many orders ask at once, found by search, its fields checked as everywhere."""

from __future__ import annotations

import asyncio
import datetime as dt

import pytest
import sqlalchemy as sa
from stdnum.mx import rfc as stdnum_rfc

from models import Vendor
from tests.client import gid
from tests.purchase_orders import MUTATION, PREVIEW, line_input, order_counts, order_input, order_world


@pytest.fixture
async def world(factory) -> dict:
    return await order_world(factory)


def _company_rfc(n: int) -> str:
    """A valid company RFC of its own for each n (vendors outlive a test: RFCs must not repeat)."""
    base = f"VAL{dt.date(2000, 1, 1) + dt.timedelta(days=n % 9000):%y%m%d}{'ABCDEFGHJK'[n // 9000 % 10]}1"
    return base + stdnum_rfc.calc_check_digit(base)


async def test_a_new_vendor_is_created_with_the_order(gql, world) -> None:
    order = order_input(world, [line_input(world, "1", "1")], vendorId=None, vendor={"name": "Papelera del Bajío", "rfc": "eku9003173c9"})
    payload = (await gql(MUTATION, order)).data["addPurchaseOrder"]
    assert payload["errors"] == []
    assert {k: payload["purchaseOrder"]["vendor"][k] for k in ("name", "rfc")} == {"name": "Papelera del Bajío", "rfc": "EKU9003173C9"}


async def test_a_new_vendor_that_exists_is_a_conflict_naming_it(gql, factory, world) -> None:
    tag = str(world["contact"])  # names and RFCs unique to this test run: vendors outlive a test
    rfcs = [_company_rfc(world["contact"] * 4 + n) for n in range(4)]
    by_name = await factory.insert(Vendor, name=f"Vargas-Alarcón {tag}")
    by_rfc = await factory.insert(Vendor, name=f"Papelera {tag}", rfc=rfcs[0])
    clashes = [
        ({"name": f"  vargas-ALARCON {tag} "}, by_name),  # case, accents and spacing aside
        ({"name": f"Vargas Alarcon, {tag}."}, by_name),  # and punctuation
        ({"name": f"Otro nombre {tag}", "rfc": rfcs[0].lower()}, by_rfc),  # the same RFC, whatever the name
        ({"name": f"Vargas-Alarcón {tag}", "rfc": rfcs[1]}, by_name),  # the existing one has no RFC
    ]
    for vendor, existing in clashes:
        variables = order_input(world, [line_input(world, "1", "1")], vendorId=None, vendor=vendor)
        before = await order_counts(gql.engine)
        for query, field in ((PREVIEW, "previewPurchaseOrder"), (MUTATION.replace("message", "message existingId"), "addPurchaseOrder")):
            payload = (await gql(query, variables)).data[field]
            (error,) = payload["errors"]
            assert (error["field"], error["code"], error["existingId"]) == (["vendor"], "CONFLICT", gid("Vendor", existing)), vendor
            assert gid("Vendor", existing) in error["message"]
        assert await order_counts(gql.engine) == before

    # Two vendors of one name with different RFCs are two companies; a generic RFC decides nothing.
    for rfc in rfcs[2:]:
        homonym = (await gql(MUTATION, order_input(world, [line_input(world, "1", "1")], vendorId=None,
                                              vendor={"name": f"Homónimo {tag}", "rfc": rfc}))).data["addPurchaseOrder"]
        assert homonym["errors"] == []
    foreign = (await gql(MUTATION, order_input(world, [line_input(world, "1", "1")], vendorId=None,
                                          vendor={"name": f"Foreign {tag} Ltd", "rfc": "XEXX010101000"}))).data["addPurchaseOrder"]
    assert foreign["errors"] == []


async def test_orders_creating_the_same_vendor_at_once_create_it_once(gql, world) -> None:
    name = f"Simultánea {world['contact']} SA"
    variables = order_input(world, [line_input(world, "1", "1")], vendorId=None, vendor={"name": name})
    payloads = [r.data["addPurchaseOrder"] for r in await asyncio.gather(*(gql(MUTATION, variables) for _ in range(6)))]
    assert sum(p["errors"] == [] for p in payloads) == 1
    assert all([e["code"] for e in p["errors"]] == ["CONFLICT"] for p in payloads if p["errors"])
    async with gql.engine.connect() as connection:
        assert (await connection.execute(sa.select(sa.func.count()).where(Vendor.__table__.c.name == name))).scalar_one() == 1


async def test_vendors_are_found_by_search(gql, factory, world) -> None:
    tag = str(world["contact"])
    vendor = await factory.insert(Vendor, name=f"Vargas-Alarcón Distribuciones {tag}", rfc=_company_rfc(world["contact"]))
    for text in (f"alarcon distribuciones {tag}", f"VARGAS-ALARCÓN DISTRIBUCIONES {tag}"):
        found = (await gql("query($t: String!) { search(text: $t) { vendors { id name rfc } } }", {"t": text})).data
        assert found["search"]["vendors"] == [{"id": gid("Vendor", vendor), "name": f"Vargas-Alarcón Distribuciones {tag}",
                                               "rfc": _company_rfc(world["contact"])}]


async def test_a_new_vendors_phone_is_checked_as_every_phone(gql, world) -> None:
    before = await order_counts(gql.engine)
    order = order_input(world, [line_input(world, "1", "1")], vendorId=None, vendor={"name": f"Telefónica {world['contact']}", "phone": "123"})
    payload = (await gql(MUTATION, order)).data["addPurchaseOrder"]
    assert [(e["field"], e["code"]) for e in payload["errors"]] == [(["vendor", "phone"], "INVALID")]
    assert "not a phone number" in payload["errors"][0]["message"]
    assert await order_counts(gql.engine) == before
