"""Demo data: deterministic for a seed, valid Mexican fiscal data, and every tab filled."""

from __future__ import annotations

import asyncio
from collections import defaultdict
from decimal import Decimal
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncEngine
from sqlmodel import SQLModel
from stdnum.mx import rfc as stdnum_rfc

from models import Account, CreditNote, Invoice, InvoiceLine, PaymentCfdi, PaymentRelatedDocument
from models.enums import FiscalDocumentStatus, InvoiceStatus, PaymentMethod
from models.relations import RELATIONS
from service.db import create_engine
from service.migrate import migrate
from service.seed import database_is_empty, seed_demo

GENERIC_RFCS = {"XAXX010101000", "XEXX010101000"}


async def _dump(engine: AsyncEngine) -> dict[str, list[tuple]]:
    async with engine.connect() as connection:
        return {
            table.name: [tuple(row) for row in await connection.execute(sa.select(table).order_by(*table.primary_key))]
            for table in SQLModel.metadata.sorted_tables
        }


async def _fresh(tmp_path, name: str) -> AsyncEngine:
    url = f"sqlite+aiosqlite:///{tmp_path / name}"
    await asyncio.to_thread(migrate, url)  # Alembic runs its own event loop
    return create_engine(url)


async def test_the_same_seed_gives_the_same_rows_and_another_seed_other_rows(tmp_path) -> None:
    engines = [await _fresh(tmp_path, f"{n}.db") for n in ("a", "b", "c")]
    try:
        for engine, seed in zip(engines, (7, 7, 8), strict=True):
            assert await database_is_empty(engine)
            await seed_demo(engine, accounts=40, seed=seed)
            assert not await database_is_empty(engine)
        first, again, other = [await _dump(engine) for engine in engines]
        assert first == again
        assert first["account"] != other["account"]
        assert len(first["account"]) == 40
    finally:
        for engine in engines:
            await engine.dispose()


async def test_demo_data_fills_every_tab_and_has_valid_rfcs(tmp_path) -> None:
    engine = await _fresh(tmp_path, "demo.db")
    try:
        await seed_demo(engine, accounts=120, seed=1)
        async with engine.connect() as connection:
            rfcs = (await connection.execute(sa.select(Account.__table__.c.rfc))).scalars().all()
            for relation in RELATIONS:
                target = relation.target.__table__
                if relation.link is None:
                    column = target.c[relation.fk]
                    source = target
                else:
                    column = relation.link.__table__.c[relation.link_parent]
                    source = relation.link.__table__
                parents = (await connection.execute(sa.select(sa.func.count(sa.distinct(column))).select_from(source))).scalar_one()
                everyone = (await connection.execute(sa.select(sa.func.count()).select_from(relation.parent.__table__))).scalar_one()
                assert parents >= 0.3 * everyone, f"{relation.key}: only {parents} of {everyone} parents have rows"
        for value in rfcs:
            assert value in GENERIC_RFCS or (len(value) in (12, 13) and stdnum_rfc.validate(value, validate_check_digits=True))
    finally:
        await engine.dispose()


async def finance_checks(engine: AsyncEngine) -> dict[str, tuple[int, int]]:
    """Every rule the demo's invoices, payment CFDIs and credit notes keep: name -> (rows checked, mismatches)."""
    async with engine.connect() as connection:
        async def rows(model: type) -> list[Any]:
            return (await connection.execute(sa.select(model.__table__).order_by(model.__table__.c.id))).all()

        invoices = {row.id: row for row in await rows(Invoice)}
        payments = {row.id: row for row in await rows(PaymentCfdi)}
        related = await rows(PaymentRelatedDocument)
        notes = await rows(CreditNote)
        accounts = dict((await connection.execute(sa.select(Account.__table__.c.id, Account.__table__.c.currency))).all())
        lined = set((await connection.execute(sa.select(InvoiceLine.__table__.c.invoice_id).distinct())).scalars())
    checks: dict[str, list[bool]] = defaultdict(list)

    def check(name: str, ok: bool) -> None:
        checks[name].append(ok)

    by_payment: dict[int, list[Any]] = defaultdict(list)
    paid_by_issued: dict[int, list[Any]] = defaultdict(list)  # invoice -> its documents of issued payments
    for document in related:
        by_payment[document.payment_cfdi_id].append(document)
        if payments[document.payment_cfdi_id].status is FiscalDocumentStatus.ISSUED:
            paid_by_issued[document.invoice_id].append(document)
    for invoice in invoices.values():
        check("every invoice has lines", invoice.id in lined)
        chain = sorted(paid_by_issued[invoice.id], key=lambda d: d.installment)
        check("installments are numbered 1..n", [d.installment for d in chain] == list(range(1, len(chain) + 1)))
        previous = [invoice.total, *(d.remaining_balance for d in chain)][: len(chain)]
        check("the first previous balance is the total, then the last remaining",
              [d.previous_balance for d in chain] == previous)
        check("remaining = previous - paid", all(d.remaining_balance == d.previous_balance - d.amount_paid for d in chain))
        dates = [payments[d.payment_cfdi_id].payment_date for d in chain]
        check("payments are dated from the issue date on, in installment order",
              all(invoice.date <= day for day in dates) and dates == sorted(dates))
        paid = sum((d.amount_paid for d in chain), Decimal(0))
        if invoice.status is InvoiceStatus.CANCELLED:
            check("a cancelled invoice owes nothing and has no payments", invoice.balance == 0 and not chain)
        elif invoice.payment_method is PaymentMethod.PPD:
            check("a PPD invoice's balance = total - what its payments paid", invoice.balance == invoice.total - paid)
        else:
            owed = 0 if invoice.status is InvoiceStatus.PAID else invoice.total
            check("a PUE invoice has no payment CFDI and owes all or nothing", not chain and invoice.balance == owed)
        if invoice.status is InvoiceStatus.PAID:
            check("a paid invoice owes nothing", invoice.balance == 0)
        if invoice.status is InvoiceStatus.PARTIALLY_PAID:
            check("a partly paid invoice owes part of its total", 0 < invoice.balance < invoice.total)
    issued_documents = {(d.invoice_id, d.installment, d.previous_balance, d.amount_paid)
                        for chain in paid_by_issued.values() for d in chain}
    for payment in payments.values():
        documents = by_payment[payment.id]
        check("a payment's amount = what it applies to its invoices",
              bool(documents) and payment.amount == sum((d.amount_paid for d in documents), Decimal(0)))
        check("a payment pays invoices of its account in their currency", all(
            invoices[d.invoice_id].account_id == payment.account_id and invoices[d.invoice_id].currency == payment.currency
            for d in documents))
        if payment.status is FiscalDocumentStatus.CANCELLED:
            check("a cancelled payment was stamped again as issued", all(
                (d.invoice_id, d.installment, d.previous_balance, d.amount_paid) in issued_documents for d in documents))
    for note in notes:
        check("a credit note's total = subtotal + tax", note.total == note.subtotal + note.tax_total)
        currency = invoices[note.related_invoice_id].currency if note.related_invoice_id else accounts[note.account_id]
        check("a credit note is in its invoice's (or account's) currency", note.currency == currency)
    return {name: (len(results), results.count(False)) for name, results in checks.items()}


async def test_demo_invoices_payments_and_credit_notes_add_up(tmp_path) -> None:
    engine = await _fresh(tmp_path, "finance.db")
    try:
        await seed_demo(engine, accounts=120, seed=1)
        checks = await finance_checks(engine)
    finally:
        await engine.dispose()
    assert {name: mismatches for name, (_, mismatches) in checks.items()} == dict.fromkeys(checks, 0)
    # Every rule saw rows: the demo has PPD invoices paid in installments, cancelled payments, credit notes.
    assert len(checks) == 15 and all(checked for checked, _ in checks.values()), checks
    assert checks["installments are numbered 1..n"][0] == checks["every invoice has lines"][0]
