"""Alembic owns the schema: after `migrate`, the database matches the models exactly."""

from __future__ import annotations

import asyncio
import datetime as dt
from decimal import Decimal

import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlmodel import SQLModel

from models import (
    Account,
    ActivityLog,
    Contact,
    CreditNote,
    Invoice,
    InvoiceLine,
    PaymentRelatedDocument,
    PurchaseOrder,
    PurchaseOrderLine,
    Vendor,
)
from models.types import Money
from service.db import create_engine
from service.migrate import downgrade, migrate
from tests.conftest import scratch_database
from tests.factories import Factory


async def test_the_migrated_database_matches_the_models(gql) -> None:
    def differences(connection) -> list:  # noqa: ANN001
        return compare_metadata(MigrationContext.configure(connection), SQLModel.metadata)

    async with gql.engine.connect() as connection:
        assert await connection.run_sync(differences) == []


async def on(url: str, work) -> object:  # noqa: ANN001
    """`work(engine)` on a fresh engine of the database at `url`, disposed of afterwards."""
    engine = create_engine(url)
    try:
        return await work(engine)
    finally:
        await engine.dispose()


@pytest.mark.parametrize("kind", ["sqlite", "postgresql"])
def test_renaming_subscription_to_rental_subscription_keeps_every_row(kind, tmp_path) -> None:
    """0006 renames the table whose GraphQL type clashed with the subscription root; rows survive it
    both ways."""

    async def insert(engine) -> None:  # noqa: ANN001 - at 0005; the account table is the same before and after
        account = await Factory(engine).insert(Account)
        async with engine.begin() as connection:
            await connection.execute(sa.text(
                "INSERT INTO subscription (id, account_id, plan, status, start_date, billing_period, amount) "
                "VALUES (7, :account, 'Renta de montacargas', 'ACTIVE', '2026-01-01', 'MONTHLY', 1500)"),
                {"account": account})

    def rows(table: str):  # noqa: ANN202
        async def read(engine) -> list[tuple]:  # noqa: ANN001
            async with engine.connect() as connection:
                statement = sa.text(f"SELECT id, account_id, plan, status FROM {table} ORDER BY id")
                return [tuple(row) for row in (await connection.execute(statement)).all()]
        return read

    with scratch_database(kind, tmp_path, "crmgraph_rename", lambda url: migrate(url, "0005")) as url:
        asyncio.run(on(url, insert))
        before = asyncio.run(on(url, rows("subscription")))
        assert [row[2] for row in before] == ["Renta de montacargas"]
        migrate(url, "0006")
        assert asyncio.run(on(url, rows("rental_subscription"))) == before
        downgrade(url, "0005")
        assert asyncio.run(on(url, rows("subscription"))) == before
        migrate(url)
        assert asyncio.run(on(url, rows("rental_subscription"))) == before


@pytest.mark.parametrize("kind", ["sqlite", "postgresql"])
def test_invoices_and_credit_notes_of_0007_survive_0008_and_back(kind, tmp_path) -> None:
    """0008 details invoices and credit notes: an invoice of 0007 keeps its amounts (no discount known),
    a credit note's total becomes its subtotal, in its invoice's or else its account's currency; and
    downgrading gives the 0007 rows back as they were."""

    factory = Factory(None)  # one factory for every engine below: its values stay distinct (unique columns)

    async def insert(engine) -> None:  # noqa: ANN001 - at 0007, in the columns 0007 has
        factory.engine = engine
        account = await factory.insert(Account, currency="MXN")
        invoice = sa.table("invoice", *(sa.column(c) for c in (
            "id", "account_id", "date", "status", "currency", "payment_method")),
            *(sa.column(c, Money) for c in ("subtotal", "tax_total", "total", "balance")))
        note = sa.table("credit_note", *(sa.column(c) for c in (
            "id", "account_id", "date", "related_invoice_id", "reason", "status")), sa.column("total", Money))
        async with engine.begin() as connection:
            await connection.execute(sa.insert(invoice).values(
                id=41, account_id=account, date=dt.date(2026, 1, 15), status="PARTIALLY_PAID", currency="USD",
                payment_method="PPD", subtotal=Decimal("1000.10"), tax_total=Decimal("160.02"),
                total=Decimal("1160.12"), balance=Decimal("500.00")))
            for note_id, invoice_id, total in ((51, 41, "116.01"), (52, None, "99.99")):
                await connection.execute(sa.insert(note).values(
                    id=note_id, account_id=account, date=dt.date(2026, 2, 1), related_invoice_id=invoice_id,
                    reason="Devolución", status="ISSUED", total=Decimal(total)))

    async def tables(engine) -> set[str]:  # noqa: ANN001
        async with engine.connect() as connection:
            return set(await connection.run_sync(lambda sync: sa.inspect(sync).get_table_names()))

    # Read through the models' types: amounts are exact Decimals on both databases (cents on SQLite).
    def amounts(table: sa.Table, *columns: str):  # noqa: ANN202
        async def read(engine) -> list[tuple]:  # noqa: ANN001
            async with engine.connect() as connection:
                statement = sa.select(*(table.c[c] for c in columns)).order_by(table.c.id)
                return [tuple(row) for row in (await connection.execute(statement)).all()]
        return read

    async def detail(engine) -> None:  # noqa: ANN001
        factory.engine = engine
        await factory.insert(InvoiceLine, invoice_id=41)
        await factory.insert(PaymentRelatedDocument, invoice_id=41)

    async def discount(engine) -> None:  # noqa: ANN001 - 10.00 off: the subtotal before discounts grows by as much
        async with engine.begin() as connection:
            await connection.execute(sa.update(Invoice.__table__).values(
                subtotal=Decimal("1010.10"), discount_total=Decimal("10.00")))

    old_invoices = amounts(Invoice.__table__, "id", "subtotal", "tax_total", "total", "balance", "currency")
    old_notes = amounts(CreditNote.__table__, "id", "related_invoice_id", "total", "status")
    with scratch_database(kind, tmp_path, "crmgraph_finance", lambda url: migrate(url, "0007")) as url:
        asyncio.run(on(url, insert))
        invoices_before, notes_before = asyncio.run(on(url, old_invoices)), asyncio.run(on(url, old_notes))
        assert invoices_before == [(41, Decimal("1000.10"), Decimal("160.02"), Decimal("1160.12"), Decimal("500.00"), "USD")]
        migrate(url, "0008")
        invoice = asyncio.run(on(url, amounts(Invoice.__table__, "subtotal", "discount_total", "tax_total", "total")))
        assert invoice == [(Decimal("1000.10"), Decimal("0.00"), Decimal("160.02"), Decimal("1160.12"))]
        notes = asyncio.run(on(url, amounts(CreditNote.__table__, "id", "currency", "subtotal", "tax_total", "total")))
        assert notes == [(51, "USD", Decimal("116.01"), Decimal("0.00"), Decimal("116.01")),
                         (52, "MXN", Decimal("99.99"), Decimal("0.00"), Decimal("99.99"))]
        # An old invoice without lines is valid, and gets lines and payments like any other.
        asyncio.run(on(url, detail))
        # A discount recorded at 0008 is taken off the subtotal again for 0007, where subtotal was after discounts.
        asyncio.run(on(url, discount))
        downgrade(url, "0007")
        assert asyncio.run(on(url, old_invoices)) == invoices_before
        assert asyncio.run(on(url, old_notes)) == notes_before
        assert {"invoice_line", "payment_related_document"}.isdisjoint(asyncio.run(on(url, tables)))
        migrate(url)
        assert asyncio.run(on(url, amounts(CreditNote.__table__, "total", "subtotal"))) == [
            (Decimal("116.01"), Decimal("116.01")), (Decimal("99.99"), Decimal("99.99"))]


@pytest.mark.parametrize("kind", ["sqlite", "postgresql"])
def test_history_of_a_contact_without_an_account_is_never_dropped_by_a_downgrade(kind, tmp_path) -> None:
    """0007 lets an activity-log entry be about a contact alone; going back to 0006, which cannot hold
    such an entry, refuses rather than deleting it, and works once nothing would be lost."""

    async def insert(engine) -> None:  # noqa: ANN001
        contact = await Factory(engine).insert(Contact)
        async with engine.begin() as connection:
            await connection.execute(sa.insert(ActivityLog.__table__).values(
                contact_id=contact, actor="test", action="PURCHASE_ORDER_ADDED", summary="solo",
                at=dt.datetime(2026, 12, 7, tzinfo=dt.UTC)))

    async def entries(engine) -> int:  # noqa: ANN001
        async with engine.connect() as connection:
            return (await connection.execute(sa.text("SELECT count(*) FROM activity_log"))).scalar_one()

    async def reassign(engine) -> None:  # noqa: ANN001
        account = await Factory(engine).insert(Account)
        async with engine.begin() as connection:
            await connection.execute(sa.text("UPDATE activity_log SET account_id = :a"), {"a": account})

    with scratch_database(kind, tmp_path, "crmgraph_history", lambda url: migrate(url, "0007")) as url:
        asyncio.run(on(url, insert))
        with pytest.raises(RuntimeError, match="1 activity-log entries are about a contact without an account"):
            downgrade(url, "0006")
        assert asyncio.run(on(url, entries)) == 1
        asyncio.run(on(url, reassign))
        downgrade(url, "0006")
        assert asyncio.run(on(url, entries)) == 1


@pytest.mark.parametrize("kind", ["sqlite", "postgresql"])
def test_orders_of_0008_get_their_created_at_as_updated_at_and_keep_their_lines(kind, tmp_path) -> None:
    """0009 adds purchase_order.updated_at without rebuilding the table (which on SQLite would cascade
    to the lines): an order keeps its lines both ways, and was last changed when it was recorded."""
    created = dt.datetime(2026, 3, 4, 5, 6, 7, 891011, tzinfo=dt.UTC)

    async def insert(engine) -> None:  # noqa: ANN001 - at 0008: the order's columns but updated_at
        factory = Factory(engine)
        vendor, contact = await factory.insert(Vendor), await factory.insert(Contact)
        async with engine.begin() as connection:
            await connection.execute(sa.text(
                "INSERT INTO purchase_order (id, contact_id, vendor_id, number, subject, date, status, currency, subtotal, "
                "discount_total, tax_total, total, created_at) VALUES (5, :c, :v, 'OC-000005', 'Papel', '2026-03-04', "
                "'CREATED', 'MXN', 10, 0, 0, 10, :at)"),
                {"c": contact, "v": vendor, "at": created.replace(tzinfo=None) if kind == "sqlite" else created})
            await connection.execute(sa.insert(PurchaseOrderLine.__table__).values(
                purchase_order_id=5, position=1, description="Resma", quantity=1, unit_price=10, tax_rate=0, gross=10,
                discount=0, net=10, tax_amount=0, total=10))

    async def state(engine) -> tuple:  # noqa: ANN001
        async with engine.connect() as connection:
            lines = (await connection.execute(sa.text("SELECT count(*) FROM purchase_order_line"))).scalar_one()
            columns = [c["name"] for c in await connection.run_sync(
                lambda sync: sa.inspect(sync).get_columns("purchase_order"))]
            updated = None
            if "updated_at" in columns:
                updated = (await connection.execute(
                    sa.select(PurchaseOrder.__table__.c.updated_at).where(PurchaseOrder.__table__.c.id == 5))).scalar_one()
            return lines, updated

    with scratch_database(kind, tmp_path, "crmgraph_po_updated", lambda url: migrate(url, "0008")) as url:
        asyncio.run(on(url, insert))
        migrate(url, "0009")
        assert asyncio.run(on(url, state)) == (1, created)
        downgrade(url, "0008")
        assert asyncio.run(on(url, state)) == (1, None)
