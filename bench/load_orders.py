"""The purchase orders of bench/load.py: valid orders made of existing rows, each with a subject that
names it, and the orders the database holds, matched to the ones acknowledged."""

from __future__ import annotations

import itertools
import uuid
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import httpx
import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncEngine

from bench.common import BenchError
from bench.load_http import post
from bench.load_queries import LOOKUP_QUERY

ORDER_DATE = "2026-11-23"


@dataclass
class World:
    """Ids of existing rows to make valid orders from, and the tag that names this run's orders."""

    accounts: list[str]
    contacts: list[str]
    vendors: list[str]
    products: list[str]
    run: str = field(default_factory=lambda: uuid.uuid4().hex[:10])
    _next: Iterator[int] = field(default_factory=itertools.count)

    def order(self, subject: str) -> dict[str, Any]:
        """A valid AddPurchaseOrderInput with a unique subject: two lines, one with a discount and IVA."""
        i = next(self._next)
        product = self.products[i % len(self.products)]
        return {
            "contactId": self.contacts[i % len(self.contacts)],
            "vendorId": self.vendors[i % len(self.vendors)],
            "subject": subject,
            "date": ORDER_DATE,
            "lines": [
                {
                    "productId": product,
                    "quantity": "3",
                    "unitPrice": "199.99",
                    "discountPercent": "10",
                    "tax": "IVA_16",
                },
                {"productId": self.products[(i + 1) % len(self.products)], "quantity": "1.5", "unitPrice": "20.00"},
            ],
        }

    def subject(self, scenario: int, *parts: object) -> str:
        """`load-<run>-<scenario>-<parts>`: names one order of this run, and prefixes its scenario's orders."""
        return "-".join(["load", self.run, str(scenario), *(str(p) for p in parts)])


async def look_up_world(http: httpx.AsyncClient) -> World:
    """Existing accounts, contacts, vendors and products, asked of the server like a client would."""
    answer = await post(http, LOOKUP_QUERY, {})
    if not answer.ok or not answer.data:
        raise BenchError(f"the look-up query failed: {answer.label}")
    ids = {
        name: [n["id"] for n in answer.data[name]["nodes"]] for name in ("accounts", "contacts", "vendors", "products")
    }
    empty = [name for name, values in ids.items() if not values]
    if empty:
        raise BenchError(f"the demo data has no {', '.join(empty)}")
    return World(**ids)


class OrderCount:
    """Purchase orders as the database holds them, read with SQLAlchemy beside the server."""

    def __init__(self, engine: AsyncEngine) -> None:
        self.engine = engine

    async def total(self) -> int:
        """Every purchase order: the difference over a scenario is what it stored."""
        async with self.engine.connect() as connection:
            return (await connection.execute(sa.text("SELECT count(*) FROM purchase_order"))).scalar_one()

    async def by_subject(self, prefix: str) -> Counter[str]:
        """How many orders hold each subject that starts with `prefix` (`-`-separated: no LIKE wildcards)."""
        async with self.engine.connect() as connection:
            rows = await connection.execute(
                sa.text("SELECT subject, count(*) FROM purchase_order WHERE subject LIKE :p GROUP BY subject"),
                {"p": prefix + "%"},
            )
            return Counter({subject: n for subject, n in rows.all()})


def reconcile(acked: dict[str, str], stored: Counter[str], delta: int) -> dict[str, Any]:
    """Orders acknowledged (subject -> id) against orders stored (subject -> rows): the invariant is
    that they are the same orders, once each, and that no other row appeared."""
    lost = sorted(s for s in acked if stored[s] == 0)
    doubled = sorted(s for s, n in stored.items() if n > 1)
    unacknowledged = sorted(s for s in stored if s not in acked)
    return {
        "orders_acknowledged": len(acked),
        "orders_stored": delta,
        "lost": lost,
        "doubled": doubled,
        "stored_but_reported_failed": unacknowledged,
        "holds": delta == len(acked) and sum(stored.values()) == delta and not (lost or doubled or unacknowledged),
    }
