"""Seeds sales and purchases: opportunities and projects (with their contacts), quotes and sales
orders with their lines (an order placed from an accepted quote keeps its lines), and purchase
orders requested by contacts.
"""

from __future__ import annotations

import random
from datetime import date, timedelta
from typing import Any

from models.enums import OpportunityStage, ProjectStatus, PurchaseOrderStatus, QuoteStage, SalesOrderStatus
from service.seed.lines import LineSpec, add_document, line_rows, line_spec
from service.seed.pools import pool
from service.seed.seeder import Owner, SeededAccount, SeededContact, Seeder
from service.seed.values import (
    CONTACT_ROWS,
    DAYS,
    LINES,
    MAX_AGE_DAYS,
    WORKDAY_START,
    Weighted,
    days_back,
    future_day,
    log_money,
    past_day,
)

_OPPORTUNITY_STAGE = Weighted([(OpportunityStage.PROSPECTING, 20), (OpportunityStage.QUALIFICATION, 18),
                               (OpportunityStage.PROPOSAL, 17), (OpportunityStage.NEGOTIATION, 12),
                               (OpportunityStage.CLOSED_WON, 18), (OpportunityStage.CLOSED_LOST, 15)])
_STAGE_PROBABILITY = {
    OpportunityStage.PROSPECTING: 10, OpportunityStage.QUALIFICATION: 20, OpportunityStage.PROPOSAL: 50,
    OpportunityStage.NEGOTIATION: 75, OpportunityStage.CLOSED_WON: 100, OpportunityStage.CLOSED_LOST: 0,
}
_PROJECT_STATUS = Weighted([(ProjectStatus.PLANNED, 15), (ProjectStatus.IN_PROGRESS, 35), (ProjectStatus.ON_HOLD, 8),
                            (ProjectStatus.COMPLETED, 35), (ProjectStatus.CANCELLED, 7)])
_QUOTE_STAGE = Weighted([(QuoteStage.DRAFT, 15), (QuoteStage.DELIVERED, 25), (QuoteStage.REVIEWED, 15),
                         (QuoteStage.ACCEPTED, 30), (QuoteStage.REJECTED, 15)])
_SALES_ORDER_STATUS = Weighted([(SalesOrderStatus.CREATED, 15), (SalesOrderStatus.APPROVED, 20),
                                (SalesOrderStatus.DELIVERED, 25), (SalesOrderStatus.INVOICED, 35),
                                (SalesOrderStatus.CANCELLED, 5)])
_PURCHASE_ORDER_STATUS = Weighted([(PurchaseOrderStatus.CREATED, 20), (PurchaseOrderStatus.APPROVED, 20),
                                   (PurchaseOrderStatus.SENT_TO_VENDOR, 20), (PurchaseOrderStatus.RECEIVED, 40)])
_OPPORTUNITY_TOPICS = pool("sales", "opportunity_topics")
_LEAD_SOURCES = pool("sales", "lead_sources")
_PROJECT_NAMES = pool("sales", "project_names")
_PO_SUBJECTS = pool("sales", "purchase_order_subjects")
_PO_TERMS = pool("sales", "purchase_order_terms")

#: An accepted quote an order may be placed from: (id, subject, date, lines).
_Accepted = tuple[int, str, date, list[LineSpec]]


def seed_sales(seeder: Seeder, rng: random.Random, account: SeededAccount | None,
               contacts: list[SeededContact]) -> None:
    """Opportunities and projects (with their contacts), quotes and sales orders with their lines."""
    for table, build, p in (("opportunity", _opportunity, 0.75), ("project", _project, 0.7)):
        if account is not None:
            count = seeder.count(rng, account, p)
        else:
            count = rng.randint(1, 3) if rng.random() < 0.6 else 0
        for _ in range(count):
            row_id = seeder.next_id(table)
            seeder.add(table, build(rng, row_id, account))
            for contact in contacts:
                if account is None or rng.random() < 0.6:
                    seeder.add(f"contact_{table}", {"contact_id": contact.id, f"{table}_id": row_id})
    border = account.border if account is not None else False
    accepted: dict[int | None, list[_Accepted]] = {}
    for owner in seeder.owners(rng, account, contacts):
        _quote(seeder, rng, owner, border, accepted)
    for owner in seeder.owners(rng, account, contacts):
        _sales_order(seeder, rng, owner, border, accepted)


def _quote(seeder: Seeder, rng: random.Random, owner: Owner, border: bool,
           accepted: dict[int | None, list[_Accepted]]) -> None:
    account, contact = owner
    quote_id = seeder.next_id("quote")
    specs = [line_spec(seeder, rng, border) for _ in range(LINES.pick(rng))]
    back = rng.randint(0, min(seeder.age(account, contact), 730))
    stage = _QUOTE_STAGE.pick(rng)
    subject = f"{rng.choice(_OPPORTUNITY_TOPICS)}"
    totals, lines = line_rows(seeder, "quote_line", "quote_id", quote_id, specs)
    add_document(seeder, "quote", {
        "id": quote_id,
        "account_id": account.id if account else None,
        "contact_id": contact.id if contact else None,
        "number": f"COT-{quote_id:06d}",
        "subject": subject,
        "date": DAYS[back],
        "stage": stage,
        "valid_until": DAYS[back] + timedelta(days=rng.choice((15, 30, 30, 45))),
        "currency": account.currency if account else "MXN",
        **totals,
    }, "quote_line", lines)
    if stage is QuoteStage.ACCEPTED:
        accepted.setdefault(contact.id if contact else None, []).append((quote_id, subject, DAYS[back], specs))


def _sales_order(seeder: Seeder, rng: random.Random, owner: Owner, border: bool,
                 accepted: dict[int | None, list[_Accepted]]) -> None:
    account, contact = owner
    order_id = seeder.next_id("sales_order")
    from_quote = accepted.get(contact.id if contact else None)
    if from_quote and rng.random() < 0.7:
        # An order placed from an accepted quote keeps its subject and lines.
        quote_id, subject, quoted, specs = from_quote.pop()
        back = rng.randint(max(0, days_back(quoted) - 20), days_back(quoted))
    else:
        quote_id, subject = None, rng.choice(_OPPORTUNITY_TOPICS)
        specs = [line_spec(seeder, rng, border) for _ in range(LINES.pick(rng))]
        back = rng.randint(0, min(seeder.age(account, contact), 730))
    totals, lines = line_rows(seeder, "sales_order_line", "sales_order_id", order_id, specs)
    add_document(seeder, "sales_order", {
        "id": order_id,
        "account_id": account.id if account else None,
        "contact_id": contact.id if contact else None,
        "quote_id": quote_id,
        "number": f"OV-{order_id:06d}",
        "subject": subject,
        "date": DAYS[back],
        "status": _SALES_ORDER_STATUS.pick(rng),
        "currency": account.currency if account else "MXN",
        **totals,
    }, "sales_order_line", lines)


def _opportunity(rng: random.Random, row_id: int, account: SeededAccount | None) -> dict[str, Any]:
    stage = _OPPORTUNITY_STAGE.pick(rng)
    closed = stage in (OpportunityStage.CLOSED_WON, OpportunityStage.CLOSED_LOST)
    age = account.age if account else MAX_AGE_DAYS
    topic = rng.choice(_OPPORTUNITY_TOPICS)
    return {
        "id": row_id,
        "account_id": account.id if account else None,
        "name": f"{topic} - {account.short_name}"[:254] if account else topic,
        "stage": stage,
        "amount": log_money(rng, 5_000, 2_000_000),
        "probability": _STAGE_PROBABILITY[stage],
        "expected_close_date": past_day(rng, 0, min(age, 540)) if closed else future_day(rng, 1, 150),
        "lead_source": rng.choice(_LEAD_SOURCES),
    }


def _project(rng: random.Random, row_id: int, account: SeededAccount | None) -> dict[str, Any]:
    status = _PROJECT_STATUS.pick(rng)
    age = account.age if account else MAX_AGE_DAYS
    duration = timedelta(days=rng.randint(30, 365))
    if status is ProjectStatus.PLANNED:
        start, progress = future_day(rng, 1, 90), 0
    elif status is ProjectStatus.COMPLETED:
        # Finished, so planned to end before the anchor.
        start, progress = past_day(rng, duration.days + 1, max(duration.days + 1, min(age, 900))), 100
    else:
        start, progress = past_day(rng, 1, min(age, 900)), rng.randint(5, 95)
    return {
        "id": row_id,
        "account_id": account.id if account else None,
        "name": rng.choice(_PROJECT_NAMES),
        "status": status,
        "start_date": start,
        "target_end_date": start + duration,
        "progress": progress,
        "budget": log_money(rng, 20_000, 3_000_000),
    }


def seed_purchases(seeder: Seeder, rng: random.Random, account: SeededAccount | None,
                   contacts: list[SeededContact]) -> None:
    """Purchase orders requested by contacts, with a vendor, lines and the addresses copied as text."""
    for contact in contacts:
        if rng.random() >= 0.7:
            continue
        for _ in range(rng.randint(20, 40) if contact.heavy else CONTACT_ROWS.pick(rng)):
            _purchase_order(seeder, rng, account, contact)


def _purchase_order(seeder: Seeder, rng: random.Random, account: SeededAccount | None,
                    contact: SeededContact) -> None:
    order_id = seeder.next_id("purchase_order")
    back = rng.randint(0, min(contact.age, 730))
    specs = [line_spec(seeder, rng, False, purchase=True) for _ in range(LINES.pick(rng))]
    totals, lines = line_rows(seeder, "purchase_order_line", "purchase_order_id", order_id, specs)
    add_document(seeder, "purchase_order", {
        "id": order_id,
        "contact_id": contact.id,
        "vendor_id": rng.choice(seeder.catalogue.vendors),
        "number": f"OC-{order_id:06d}",
        "subject": rng.choice(_PO_SUBJECTS),
        "date": DAYS[back],
        "status": _PURCHASE_ORDER_STATUS.pick(rng),
        "currency": "MXN",
        "terms_and_conditions": rng.choice(_PO_TERMS),
        "shipping_address": contact.shipping_address or contact.primary_address,
        "billing_address": account.fiscal_address if account else contact.fiscal_address,
        "created_at": (created := WORKDAY_START[back] + timedelta(seconds=rng.randrange(36000))),
        "updated_at": created,  # when its state last changed is not known: when it was recorded
        **totals,
    }, "purchase_order_line", lines)
