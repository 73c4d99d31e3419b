"""What the addPurchaseOrder tests share: the mutation, the rows an order needs, inputs built from them,
and the row counts that show whether anything was written."""

from __future__ import annotations

import random
from decimal import Decimal

from sqlalchemy.ext.asyncio import AsyncEngine

from models import (
    Account,
    ActivityLog,
    Contact,
    Product,
    PurchaseOrder,
    PurchaseOrderLine,
    Service,
    Vendor,
)
from tests.client import gid, row_counts
from tests.factories import Factory

MUTATION = """
mutation($input: AddPurchaseOrderInput!) {
  addPurchaseOrder(input: $input) {
    errors { field code message }
    purchaseOrder {
      id number subject date status currency subtotal discountTotal taxTotal total
      termsAndConditions shippingAddress billingAddress
      vendor { id name rfc } contact { id purchaseOrders(first: 1) { totalCount nodes { id } } }
      lines { position description quantity unitPrice discountPercent discountAmount tax taxRate gross discount net taxAmount total product { id } service { id } }
      taxBreakdown { tax rate base amount }
    }
  }
}
"""
PREVIEW = """
query($input: AddPurchaseOrderInput!) {
  previewPurchaseOrder(input: $input) {
    errors { field code message existingId }
    purchaseOrder {
      subject date status currency subtotal discountTotal taxTotal total termsAndConditions shippingAddress billingAddress
      contactId vendorId
      lines { position description quantity unitPrice discountPercent discountAmount tax taxRate gross discount net taxAmount total productId serviceId }
      taxBreakdown { tax rate base amount }
    }
  }
}
"""


async def order_world(factory: Factory) -> dict:
    """The ids of what an order refers to: an account, its contact Ana Ruiz, a vendor, a product, a service."""
    account = await factory.insert(Account)
    contact = await factory.insert(Contact, account_id=account, first_name="Ana", last_name="Ruiz")
    return {
        "account": account,
        "contact": contact,
        "vendor": await factory.insert(Vendor, name="Proveedora Central"),
        "product": await factory.insert(Product, name="Tóner negro"),
        "service": await factory.insert(Service, name="Instalación"),
    }


def order_input(world: dict, lines: list[dict], **extra) -> dict:
    """The variables of an order of the world's contact from its vendor."""
    return {"input": {"contactId": gid("Contact", world["contact"]), "subject": "Consumibles", "date": "2026-11-23",
                      "vendorId": gid("Vendor", world["vendor"]), "lines": lines, **extra}}


def line_input(world: dict, quantity: str, price: str, **extra) -> dict:
    """A line of the world's product."""
    return {"productId": gid("Product", world["product"]), "quantity": quantity, "unitPrice": price, **extra}


def random_lines(rng: random.Random, world: dict, *, services: bool) -> list[dict]:
    """1..6 lines of random quantities (0..4 decimals), prices, taxes and discounts."""
    lines = []
    for _ in range(rng.randint(1, 6)):
        line = {"quantity": str(Decimal(rng.randint(1, 200_000)).scaleb(-rng.randint(0, 4))),
                "unitPrice": str(Decimal(rng.randint(0, 5_000_000)).scaleb(-2)),
                "tax": rng.choice([None, "IVA_16", "IVA_8", "IVA_0", "EXENTO"])}
        if rng.random() < 0.3:
            line["discountPercent"] = str(Decimal(rng.randint(0, 10_000)).scaleb(-2))
        item = rng.choice([("productId", "Product", "product"), ("serviceId", "Service", "service")][: 1 + services])
        lines.append({item[0]: gid(item[1], world[item[2]]), **line})
    return lines


async def order_counts(engine: AsyncEngine) -> tuple[int, ...]:
    """Rows of the tables an order writes: orders, lines, vendors, activity log."""
    return await row_counts(engine, PurchaseOrder, PurchaseOrderLine, Vendor, ActivityLog)
