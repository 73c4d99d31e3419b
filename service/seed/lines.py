"""Seeds document lines (quotes, sales orders, purchase orders, invoices): what a line sells, and its
amounts and the document's totals, computed as the mutations compute them (`models/totals.py`).
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from models.enums import Tax
from models.totals import cents, document_totals, line_amounts
from service.seed.seeder import Item, Seeder

_DISCOUNT_PERCENTS = tuple(Decimal(p) for p in ("5", "7.5", "10", "12.5", "15", "20"))


@dataclass(slots=True, frozen=True)
class LineSpec:
    """What one document line sells, before its amounts are computed."""

    item: Item
    quantity: Decimal
    unit_price: Decimal
    discount_percent: Decimal | None
    discount_amount: Decimal | None
    tax: Tax


def line_spec(seeder: Seeder, rng: random.Random, border: bool, *, purchase: bool = False) -> LineSpec:
    """What a line sells: item, quantity, price, discount (percent or amount, never both) and tax."""
    cat = seeder.catalogue
    item = rng.choice(cat.products) if rng.random() < (0.85 if purchase else 0.65) else rng.choice(cat.services)
    if item.unit in ("KGM", "LTR", "MTR"):
        quantity = Decimal(rng.randint(500, 200_000)).scaleb(-3)
    elif item.unit == "HUR":
        quantity = Decimal(rng.randint(2, 80)) / 2
    else:
        quantity = Decimal(rng.randint(1, 3 if item.price > 20_000 else 25))
    # A vendor sells below our list price.
    unit_price = cents(item.price * Decimal("0.70")) if purchase else item.price
    percent = amount = None
    kind = rng.random()
    if kind < 0.25:
        percent = rng.choice(_DISCOUNT_PERCENTS)
    elif kind < 0.37:
        amount = cents(cents(quantity * unit_price) * Decimal(rng.randint(1, 20)) / 100)
    tax = Tax.IVA_8 if border and item.tax is Tax.IVA_16 else item.tax
    return LineSpec(item, quantity, unit_price, percent, amount, tax)


def line_rows(seeder: Seeder, table: str, parent_column: str, parent_id: int,
              specs: list[LineSpec]) -> tuple[dict[str, Decimal], list[dict[str, Any]]]:
    """Line rows and the document totals, computed as the mutations compute them."""
    rows, amounts = [], []
    for position, spec in enumerate(specs, start=1):
        line = line_amounts(
            spec.quantity,
            spec.unit_price,
            discount_percent=spec.discount_percent,
            discount_amount=spec.discount_amount,
            tax=spec.tax,
        )
        amounts.append(line)
        rows.append({
            "id": seeder.next_id(table),
            parent_column: parent_id,
            "position": position,
            "product_id": spec.item.id if spec.item.is_product else None,
            "service_id": None if spec.item.is_product else spec.item.id,
            "description": spec.item.name,
            "quantity": spec.quantity,
            "unit_price": spec.unit_price,
            "discount_percent": spec.discount_percent,
            "discount_amount": spec.discount_amount,
            "tax": spec.tax,
            "tax_rate": line.tax_rate,
            "gross": line.gross,
            "discount": line.discount,
            "net": line.net,
            "tax_amount": line.tax_amount,
            "total": line.total,
        })
    totals = document_totals(amounts)
    return {"subtotal": totals.subtotal, "discount_total": totals.discount_total,
            "tax_total": totals.tax_total, "total": totals.total}, rows


def add_document(seeder: Seeder, table: str, row: dict[str, Any], line_table: str,
                 lines: list[dict[str, Any]]) -> None:
    """Writes a document, then its lines."""
    # Lines are computed first (the document stores their totals) and added after it.
    seeder.add(table, row)
    for line in lines:
        seeder.add(line_table, line)
