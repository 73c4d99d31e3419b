"""previewPurchaseOrder: the order addPurchaseOrder would write, and its errors, with nothing written."""

from __future__ import annotations

import random

import pytest

from models import Address
from tests.client import gid
from tests.purchase_orders import MUTATION, PREVIEW, line_input, order_counts, order_input, order_world, random_lines

WRITES = ("INSERT", "UPDATE", "DELETE")


@pytest.fixture
async def world(factory) -> dict:
    return await order_world(factory)


def _writes(statements: list[str]) -> list[str]:
    return [s for s in statements if s.lstrip().upper().startswith(WRITES)]


async def test_the_preview_answers_what_the_order_will_be_and_writes_nothing(gql, factory, world) -> None:
    await factory.insert(Address, contact_id=world["contact"], kind="SHIPPING", is_primary=True, street="Bodega", ext_number="3")
    rng = random.Random(20261207)
    for n in range(6):
        lines = random_lines(rng, world, services=True)
        variables = order_input(world, lines, termsAndConditions=f"Entrega {n}")
        before = await order_counts(gql.engine)
        response = await gql(PREVIEW, variables)
        preview = response.data["previewPurchaseOrder"]
        assert preview["errors"] == [] and _writes(response.statements) == []
        assert await order_counts(gql.engine) == before

        written = (await gql(MUTATION, variables)).data["addPurchaseOrder"]["purchaseOrder"]
        order = preview["purchaseOrder"]
        for key in ("subject", "date", "status", "currency", "subtotal", "discountTotal", "taxTotal", "total",
                    "termsAndConditions", "shippingAddress", "billingAddress", "taxBreakdown"):
            assert order[key] == written[key], key
        assert (order["contactId"], order["vendorId"]) == (written["contact"]["id"], written["vendor"]["id"])
        for seen, stored in zip(order["lines"], written["lines"], strict=True):
            ids = {"productId": stored.pop("product"), "serviceId": stored.pop("service")}
            assert {k: seen[k] for k in stored} == stored
            assert [seen["productId"], seen["serviceId"]] == [i and i["id"] for i in ids.values()]


async def test_the_preview_gives_the_mutations_errors_at_the_same_paths(gql, world) -> None:
    bad = {"input": {
        "contactId": gid("Contact", 999_999_999), "subject": " ", "date": "2026-11-23", "currency": "ZZZ",
        "vendorId": gid("Vendor", 999_999), "lines": [
            line_input(world, "0", "-1", discountPercent="101", discountAmount="5"),
            {"serviceId": gid("Service", 999_999), "quantity": "1.00001", "unitPrice": "1.001"},
        ],
    }}
    before = await order_counts(gql.engine)
    preview = (await gql(PREVIEW, bad)).data["previewPurchaseOrder"]
    mutation = (await gql(MUTATION.replace("message", "message existingId"), bad)).data["addPurchaseOrder"]
    assert preview["purchaseOrder"] is None and mutation["purchaseOrder"] is None
    assert preview["errors"] == mutation["errors"] and len(preview["errors"]) == 11
    assert await order_counts(gql.engine) == before
