"""Seeds the finance tabs of an account: invoices with their lines, payment CFDIs, credit notes,
transfer CFDIs, cash flows, bank transactions, commissions and rental subscriptions.

The documents add up: PPD invoices are paid in installments by payment CFDIs whose documentos
relacionados chain the balance from the invoice's total down to its stored balance; credit notes
are subtotal + tax.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from models.enums import (
    BankTransactionKind,
    BillingPeriod,
    CashFlowKind,
    CommissionStatus,
    CreditNoteStatus,
    FiscalDocumentStatus,
    InvoiceStatus,
    PaymentMethod,
    SubscriptionStatus,
    Tax,
)
from models.totals import cents, tax_rate
from models.types import CENT, ZERO
from service.seed.lines import add_document, line_rows, line_spec
from service.seed.pools import pool, records
from service.seed.seeder import SeededAccount, SeededContact, Seeder
from service.seed.values import (
    ANCHOR_DATE,
    DAYS,
    LINES,
    PAYMENT_FORMS,
    Weighted,
    add_months,
    days_back,
    folio_uuid,
    log_money,
    money,
    past_day,
)

#: Installments a PPD invoice is paid in.
_INSTALLMENTS = Weighted([(1, 45), (2, 25), (3, 18), (4, 12)])
_INVOICE_STATUS = Weighted([(InvoiceStatus.PAID, 50), (InvoiceStatus.ISSUED, 14), (InvoiceStatus.PARTIALLY_PAID, 10),
                            (InvoiceStatus.OVERDUE, 12), (InvoiceStatus.CANCELLED, 7), (InvoiceStatus.DRAFT, 7)])
_CREDIT_NOTE_STATUS = Weighted([(CreditNoteStatus.APPLIED, 60), (CreditNoteStatus.ISSUED, 30),
                                (CreditNoteStatus.CANCELLED, 10)])
_SUBSCRIPTION_STATUS = Weighted([(SubscriptionStatus.ACTIVE, 60), (SubscriptionStatus.PAUSED, 10),
                                 (SubscriptionStatus.CANCELLED, 15), (SubscriptionStatus.EXPIRED, 15)])
_BILLING_PERIODS = Weighted([(BillingPeriod.MONTHLY, 65), (BillingPeriod.QUARTERLY, 15), (BillingPeriod.YEARLY, 20)])
_PERIOD_MONTHS = {BillingPeriod.MONTHLY: 1, BillingPeriod.QUARTERLY: 3, BillingPeriod.YEARLY: 12}
_COMMISSION_RATES = tuple(Decimal(r) for r in ("0.0200", "0.0300", "0.0500", "0.0750", "0.1000"))
_BANKS = pool("finance", "banks")
_CASH_CATEGORIES = {CashFlowKind(kind): names for kind, names in pool("finance", "cash_categories").items()}
_CREDIT_REASONS = pool("finance", "credit_reasons")
#: (plan, lowest and highest monthly price)
_PLANS = records("finance", "plans", "name", "lowest_monthly", "highest_monthly")
_WAREHOUSES = pool("operations", "warehouses")


#: (date, amount) of one installment of a PPD invoice, paid by a payment CFDI.
_Installment = tuple[date, Decimal]


@dataclass(slots=True, frozen=True)
class _Invoiced:
    """An invoice as the credit notes, payments and cash flows of its account refer to it."""

    id: int
    date: date
    net: Decimal  #: subtotal - discount_total: what its taxes were computed on
    tax_total: Decimal
    total: Decimal
    status: InvoiceStatus
    #: each installment paid by a payment CFDI, in order; none for a PUE invoice.
    installments: tuple[_Installment, ...] = ()


@dataclass(slots=True)
class _Applied:
    """One installment of an invoice, as a payment CFDI applies it (a documento relacionado)."""

    invoice: _Invoiced
    day: date
    installment: int
    previous_balance: Decimal
    amount_paid: Decimal

    def row(self, row_id: int, payment_id: int) -> dict[str, Any]:
        return {
            "id": row_id,
            "payment_cfdi_id": payment_id,
            "invoice_id": self.invoice.id,
            "installment": self.installment,
            "previous_balance": self.previous_balance,
            "amount_paid": self.amount_paid,
            "remaining_balance": self.previous_balance - self.amount_paid,
        }


def seed_finance(seeder: Seeder, rng: random.Random, account: SeededAccount | None,
                 contacts: list[SeededContact]) -> None:
    """Invoices, payment CFDIs, credit notes, transfer CFDIs, cash, banks, commissions, subscriptions."""
    if account is None:
        return
    invoices = [_invoice(seeder, rng, account) for _ in range(seeder.count(rng, account, 0.85))]
    _payment_cfdis(seeder, rng, account, invoices)
    for _ in range(seeder.count(rng, account, 0.7)):
        _credit_note(seeder, rng, account, invoices)
    for _ in range(seeder.count(rng, account, 0.65)):
        _transfer_invoice(seeder, rng, account)
    for _ in range(seeder.count(rng, account, 0.75)):
        _cash_flow(seeder, rng, account, invoices)
    for _ in range(seeder.count(rng, account, 0.75)):
        _bank_transaction(seeder, rng, account)
    _commissions(seeder, rng, account)
    for _ in range(seeder.count(rng, account, 0.65)):
        _subscription(seeder, rng, account)


def _invoice(seeder: Seeder, rng: random.Random, account: SeededAccount) -> _Invoiced:
    """One invoice with its lines; returns what the documents that refer to it need."""
    invoice_id = seeder.next_id("invoice")
    status = _INVOICE_STATUS.pick(rng)
    term = account.credit_days or 30
    oldest = min(account.age, 1095)
    if status is InvoiceStatus.OVERDUE and oldest <= term:
        status = InvoiceStatus.ISSUED  # too young an account to owe anything overdue
    if status is InvoiceStatus.DRAFT:
        back = rng.randint(0, min(10, oldest))
    elif status is InvoiceStatus.ISSUED:
        back = rng.randint(0, min(term, oldest))  # not due yet
    elif status is InvoiceStatus.OVERDUE:
        back = rng.randint(term + 1, max(term + 1, min(oldest, term + 240)))
    else:
        back = rng.randint(0, oldest)
    issued = DAYS[back]
    specs = [line_spec(seeder, rng, account.border) for _ in range(LINES.pick(rng))]
    totals, lines = line_rows(seeder, "invoice_line", "invoice_id", invoice_id, specs)
    total = totals["total"]
    # Sold on credit, the invoice is PPD and its payments are stamped later, in installments.
    on_credit = status in (InvoiceStatus.ISSUED, InvoiceStatus.OVERDUE, InvoiceStatus.PARTIALLY_PAID)
    ppd = on_credit or account.payment_method is PaymentMethod.PPD or (account.credit_days > 0 and rng.random() < 0.5)
    paid = ZERO
    if status is InvoiceStatus.PAID and ppd:
        paid = total
    elif status is InvoiceStatus.PARTIALLY_PAID:
        paid = total - cents(total * Decimal(rng.randint(10, 90)) / 100)
    installments = _installments(rng, back, paid)
    if (status is InvoiceStatus.PAID and not ppd) or status is InvoiceStatus.CANCELLED:
        balance = ZERO  # PUE: paid when issued, no payment CFDI; or nothing is owed
    else:
        balance = total - paid
    contacts = account.contacts
    add_document(seeder, "invoice", {
        "id": invoice_id,
        "account_id": account.id,
        "contact_id": rng.choice(contacts).id if contacts and rng.random() < 0.4 else None,
        "uuid": None if status is InvoiceStatus.DRAFT else folio_uuid(rng),
        "serie": "A",
        "folio": str(invoice_id),
        "date": issued,
        "due_date": issued + timedelta(days=term),
        "status": status,
        "balance": balance,
        "currency": account.currency,
        "payment_method": PaymentMethod.PPD if ppd else PaymentMethod.PUE,
        **totals,
    }, "invoice_line", lines)
    net = totals["subtotal"] - totals["discount_total"]
    return _Invoiced(invoice_id, issued, net, totals["tax_total"], total, status, installments)


def _installments(rng: random.Random, back: int, paid: Decimal) -> tuple[_Installment, ...]:
    """`paid` in 1-4 equal installments (the last takes the odd cents), about a month apart from
    the issue date `back` days before the anchor, none after it."""
    if paid <= 0:
        return ()
    count = min(_INSTALLMENTS.pick(rng), int(paid / CENT))
    share = cents(paid / count)
    amounts = [share] * (count - 1) + [paid - share * (count - 1)]
    days_after = sorted(min(back, 30 * n + rng.randint(0, 25)) for n in range(count))
    return tuple((DAYS[back - after], amount) for after, amount in zip(days_after, amounts, strict=True))


def _payment_groups(rng: random.Random, invoices: list[_Invoiced]) -> list[list[_Applied]]:
    """The account's PPD installments in date order, grouped by the payment CFDI that pays them."""
    applied = []
    for invoice in invoices:
        balance = invoice.total
        for number, (day, amount) in enumerate(invoice.installments, start=1):
            applied.append(_Applied(invoice, day, number, balance, amount))
            balance -= amount
    applied.sort(key=lambda a: (a.day, a.invoice.id, a.installment))
    payments: list[list[_Applied]] = []
    for item in applied:
        group = payments[-1] if payments else None
        # Joining an earlier payment moves an installment's date back, never before its invoice's
        # issue or its previous installment (that one is in an earlier payment, on an earlier day).
        if (group is not None and len(group) < 4 and rng.random() < 0.3 and group[0].day >= item.invoice.date
                and all(other.invoice is not item.invoice for other in group)):
            group.append(item)
        else:
            payments.append([item])
    return payments


def _payment_cfdis(seeder: Seeder, rng: random.Random, account: SeededAccount, invoices: list[_Invoiced]) -> None:
    """The payment CFDIs of the account's PPD installments, in date order. One payment may pay
    installments of several invoices; a few were stamped, cancelled and stamped again as issued."""
    for group in _payment_groups(rng, invoices):
        form = PAYMENT_FORMS.pick(rng)
        replaced = rng.random() < 0.04
        for status in (FiscalDocumentStatus.CANCELLED, FiscalDocumentStatus.ISSUED) if replaced else (
                FiscalDocumentStatus.ISSUED,):
            payment_id = seeder.next_id("payment_cfdi")
            seeder.add("payment_cfdi", {
                "id": payment_id,
                "account_id": account.id,
                "uuid": folio_uuid(rng),
                "serie": "P",
                "folio": str(payment_id),
                "payment_date": group[0].day,
                "payment_form": form,
                "amount": sum((item.amount_paid for item in group), ZERO),
                "currency": account.currency,
                "status": status,
            })
            for item in group:
                seeder.add("payment_related_document", item.row(seeder.next_id("payment_related_document"), payment_id))


def _credit_note(seeder: Seeder, rng: random.Random, account: SeededAccount, invoices: list[_Invoiced]) -> None:
    related = None
    stamped = [inv for inv in invoices if inv.status not in (InvoiceStatus.DRAFT, InvoiceStatus.CANCELLED)]
    if stamped and rng.random() < 0.85:
        # A share of the invoice (all of it for a full return), its tax in the same share.
        invoice = rng.choice(stamped)
        related = invoice.id
        back = rng.randint(max(0, days_back(invoice.date) - 60), days_back(invoice.date))
        share = Decimal(rng.randint(3, 100)) / 100
        subtotal, tax_total = cents(invoice.net * share), cents(invoice.tax_total * share)
    else:
        back = rng.randint(0, min(account.age, 1095))
        subtotal = log_money(rng, 100, 50_000)
        tax_total = cents(subtotal * tax_rate(Tax.IVA_8 if account.border else Tax.IVA_16))
    seeder.add("credit_note", {
        "id": (note_id := seeder.next_id("credit_note")),
        "account_id": account.id,
        "uuid": folio_uuid(rng),
        "serie": "NC",
        "folio": str(note_id),
        "date": DAYS[back],
        "related_invoice_id": related,
        "reason": rng.choice(_CREDIT_REASONS),
        "currency": account.currency,
        "subtotal": subtotal,
        "tax_total": tax_total,
        "total": subtotal + tax_total,
        "status": _CREDIT_NOTE_STATUS.pick(rng),
    })


def _transfer_invoice(seeder: Seeder, rng: random.Random, account: SeededAccount) -> None:
    back = rng.randint(0, min(account.age, 1095))
    seeder.add("transfer_invoice", {
        "id": (transfer_id := seeder.next_id("transfer_invoice")),
        "account_id": account.id,
        "uuid": folio_uuid(rng),
        "serie": "T",
        "folio": str(transfer_id),
        "date": DAYS[back],
        "origin": rng.choice(_WAREHOUSES),
        "destination": f"{account.short_name}, {account.place.city}, {account.place.state}"[:254],
        "status": FiscalDocumentStatus.CANCELLED if rng.random() < 0.05 else FiscalDocumentStatus.ISSUED,
    })


def _cash_flow(seeder: Seeder, rng: random.Random, account: SeededAccount, invoices: list[_Invoiced]) -> None:
    kind = CashFlowKind.INFLOW if rng.random() < 0.75 else CashFlowKind.OUTFLOW
    reference = None
    if kind is CashFlowKind.INFLOW and invoices:
        reference = f"A-{rng.choice(invoices).id}"
    elif rng.random() < 0.6:
        reference = f"REF-{rng.randint(10000, 999999)}"
    seeder.add("cash_flow", {
        "id": seeder.next_id("cash_flow"),
        "account_id": account.id,
        "date": past_day(rng, 0, min(account.age, 1095)),
        "kind": kind,
        "category": rng.choice(_CASH_CATEGORIES[kind]),
        "amount": log_money(rng, 300, 300_000),
        "currency": account.currency,
        "reference": reference,
    })


def _bank_transaction(seeder: Seeder, rng: random.Random, account: SeededAccount) -> None:
    bank = rng.choice(_BANKS)
    back = rng.randint(0, min(account.age, 1095))
    seeder.add("bank_transaction", {
        "id": seeder.next_id("bank_transaction"),
        "account_id": account.id,
        "bank_account": f"{bank} {rng.randint(0, 9999):04d}",
        "bank": bank,
        "date": DAYS[back],
        "kind": BankTransactionKind.DEPOSIT if rng.random() < 0.7 else BankTransactionKind.WITHDRAWAL,
        "amount": log_money(rng, 300, 300_000),
        "reference": f"SPEI {rng.randint(1_000_000, 9_999_999)}" if rng.random() < 0.8 else None,
        "reconciled": rng.random() < (0.9 if back > 30 else 0.3),
    })


def _commissions(seeder: Seeder, rng: random.Random, account: SeededAccount) -> None:
    months = min(24, account.age // 30 + 1)
    count = min(months, seeder.count(rng, account, 0.7))
    for offset in sorted(rng.sample(range(months), count)):
        year, month = divmod(ANCHOR_DATE.year * 12 + ANCHOR_DATE.month - 1 - offset, 12)
        base = log_money(rng, 5_000, 500_000)
        rate = rng.choice(_COMMISSION_RATES)
        if offset >= 3:
            status = CommissionStatus.PAID if rng.random() < 0.9 else CommissionStatus.APPROVED
        else:
            status = CommissionStatus.PENDING if offset == 0 or rng.random() < 0.5 else CommissionStatus.APPROVED
        seeder.add("commission", {
            "id": seeder.next_id("commission"),
            "account_id": account.id,
            "salesperson_id": account.user_id if rng.random() < 0.85 else seeder.user(rng)[0],
            "base_amount": base,
            "rate": rate,
            "amount": cents(base * rate),
            "status": status,
            "period": f"{year:04d}-{month + 1:02d}",
        })


def _subscription(seeder: Seeder, rng: random.Random, account: SeededAccount) -> None:
    plan, low, high = rng.choice(_PLANS)
    status = _SUBSCRIPTION_STATUS.pick(rng)
    period = _BILLING_PERIODS.pick(rng)
    step = _PERIOD_MONTHS[period]
    start = past_day(rng, 30, min(account.age, 1500))
    start = start.replace(day=min(start.day, 28))
    end = next_billing = None
    if status is SubscriptionStatus.EXPIRED:
        periods = max(1, (days_back(start) // 31) // step)
        end = add_months(start, rng.randint(1, periods) * step) - timedelta(days=1)
        if end >= ANCHOR_DATE:  # too recent to have run out: it was cancelled instead
            status, end = SubscriptionStatus.CANCELLED, past_day(rng, 0, days_back(start))
    elif status is SubscriptionStatus.CANCELLED:
        end = past_day(rng, 0, days_back(start))
    else:
        elapsed = (ANCHOR_DATE.year - start.year) * 12 + ANCHOR_DATE.month - start.month
        next_billing = add_months(start, (elapsed // step) * step)
        while next_billing <= ANCHOR_DATE:
            next_billing = add_months(next_billing, step)
        if rng.random() < 0.3:
            end = add_months(next_billing, step * rng.randint(1, 12)) - timedelta(days=1)
        if status is SubscriptionStatus.PAUSED:
            next_billing = None
    seeder.add("rental_subscription", {
        "id": seeder.next_id("rental_subscription"),
        "account_id": account.id,
        "plan": plan,
        "status": status,
        "start_date": start,
        "end_date": end,
        "billing_period": period,
        "amount": money(rng, low, high) * _PERIOD_MONTHS[period],
        "next_billing_date": next_billing,
    })
