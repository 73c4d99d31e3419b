"""Invoices with their lines and tax breakdown, payment CFDIs matched to the invoices they pay
(documentos relacionados), and credit notes with subtotal, tax and currency: served alike by both
executors, guarded by the database's own checks, batched whatever the number of parents."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from decimal import Decimal

import httpx
import pytest
import sqlalchemy as sa

from models import (
    Account,
    CreditNote,
    Invoice,
    InvoiceLine,
    PaymentCfdi,
    PaymentRelatedDocument,
    Product,
    Scope,
    Service,
)
from models.enums import PaymentMethod, Tax
from models.totals import document_totals, line_amounts
from service.app import create_app
from service.auth import create_token
from service.settings import Settings
from tests.client import GraphQLClient, gid

INVOICE = """
query($id: ID!) {
  node(id: $id) {
    ... on Invoice {
      folio currency subtotal discountTotal taxTotal total balance paymentMethod
      lines { position description quantity unitPrice discountPercent tax taxRate gross discount net taxAmount total
              product { name } service { name } invoice { folio } }
      taxBreakdown { tax rate base amount }
      payments { installment previousBalance amountPaid remainingBalance
                 paymentCfdi { folio amount status relatedDocuments { installment amountPaid invoice { folio } } } }
    }
  }
}
"""


@pytest.fixture(scope="module")
async def stock_gql(database_url: str) -> AsyncIterator[GraphQLClient]:
    """The same database through graphql-core's stock executor (the `gql` fixture runs the compiled one)."""
    app = create_app(Settings(database_url=database_url, compiled_executor=False))
    tokens = {"write": await create_token(app.state.engine, f"stock-{uuid.uuid4().hex[:8]}", {Scope.READ, Scope.WRITE})}
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://stock.test") as http:
        yield GraphQLClient(http, app.state.engine, tokens)
    await app.state.engine.dispose()


async def _both(gql: GraphQLClient, stock: GraphQLClient, query: str, variables: dict) -> dict:
    """The answer of the compiled executor, after checking the stock one gives the same."""
    compiled = (await gql(query, variables)).data
    assert (await stock(query, variables)).data == compiled
    return compiled


async def _invoice(factory, account: int, folio: str, lines: list[dict]) -> tuple[int, Decimal]:  # noqa: ANN001
    """An invoice whose stored totals are those of its lines (written out of position order); returns (id, total)."""
    amounts = [line_amounts(line["quantity"], line["unit_price"], discount_percent=line.get("discount_percent"),
                            tax=line.get("tax")) for line in lines]
    totals = document_totals(amounts)
    invoice = await factory.insert(
        Invoice, account_id=account, folio=folio, currency="MXN", payment_method=PaymentMethod.PPD, status="ISSUED",
        subtotal=totals.subtotal, discount_total=totals.discount_total, tax_total=totals.tax_total,
        total=totals.total, balance=totals.total,
    )
    for position, line, amount in reversed(list(zip(range(1, len(lines) + 1), lines, amounts, strict=True))):
        await factory.insert(
            InvoiceLine, invoice_id=invoice, position=position, tax_rate=amount.tax_rate, gross=amount.gross,
            discount=amount.discount, net=amount.net, tax_amount=amount.tax_amount, total=amount.total, **line,
        )
    return invoice, totals.total


async def _pay(factory, account: int, folio: str, applied: list[tuple[int, int, Decimal, Decimal]]) -> int:  # noqa: ANN001
    """A payment CFDI applying (invoice, installment, previous balance, amount paid) to each invoice."""
    payment = await factory.insert(PaymentCfdi, account_id=account, folio=folio,
                                   amount=sum((paid for *_, paid in applied), Decimal(0)))
    for invoice, installment, previous, paid in applied:
        await factory.insert(PaymentRelatedDocument, payment_cfdi_id=payment, invoice_id=invoice,
                             installment=installment, previous_balance=previous, amount_paid=paid,
                             remaining_balance=previous - paid)
    return payment


async def test_an_invoice_serves_its_lines_tax_breakdown_and_payments_in_both_executors(gql, stock_gql, factory) -> None:
    account = await factory.insert(Account)
    toner = await factory.insert(Product, name="Tóner negro")
    setup = await factory.insert(Service, name="Instalación")
    # docs/domain.md §5's example line, an exempt one and a second IVA 16 % one.
    first, first_total = await _invoice(factory, account, "F-1", [
        {"product_id": toner, "description": "Tóner", "quantity": Decimal(3), "unit_price": Decimal("199.99"),
         "discount_percent": Decimal(10), "tax": Tax.IVA_16},
        {"service_id": setup, "description": "Instalación", "quantity": Decimal(1), "unit_price": Decimal("1000.00"),
         "tax": Tax.EXENTO},
        {"product_id": toner, "description": "Tóner", "quantity": Decimal(2), "unit_price": Decimal("250.00"),
         "tax": Tax.IVA_16},
    ])
    second, second_total = await _invoice(factory, account, "F-2", [
        {"service_id": setup, "description": "Soporte", "quantity": Decimal("1.5"), "unit_price": Decimal("100.00"),
         "tax": Tax.IVA_16},
    ])
    assert (first_total, second_total) == (Decimal("2206.37"), Decimal("174.00"))
    await _pay(factory, account, "P-1", [(first, 1, first_total, Decimal("1000.00"))])
    await _pay(factory, account, "P-2", [(first, 2, Decimal("1206.37"), Decimal("1206.37")),
                                         (second, 1, second_total, Decimal("74.00"))])

    invoice = (await _both(gql, stock_gql, INVOICE, {"id": gid("Invoice", first)}))["node"]
    assert {k: invoice[k] for k in ("subtotal", "discountTotal", "taxTotal", "total")} == {
        "subtotal": "2099.97", "discountTotal": "60.00", "taxTotal": "166.40", "total": "2206.37"}
    assert [line["position"] for line in invoice["lines"]] == [1, 2, 3]
    assert invoice["lines"][0] == {
        "position": 1, "description": "Tóner", "quantity": "3.0000", "unitPrice": "199.99", "discountPercent": "10.0000",
        "tax": "IVA_16", "taxRate": "0.1600", "gross": "599.97", "discount": "60.00", "net": "539.97",
        "taxAmount": "86.40", "total": "626.37", "product": {"name": "Tóner negro"}, "service": None,
        "invoice": {"folio": "F-1"},
    }
    assert invoice["lines"][1]["service"] == {"name": "Instalación"} and invoice["lines"][1]["taxAmount"] == "0.00"
    assert invoice["taxBreakdown"] == [
        {"tax": "IVA_16", "rate": "0.16", "base": "1039.97", "amount": "166.40"},
        {"tax": "EXENTO", "rate": "0.00", "base": "1000.00", "amount": None},
    ]
    assert [(p["installment"], p["previousBalance"], p["amountPaid"], p["remainingBalance"], p["paymentCfdi"]["folio"])
            for p in invoice["payments"]] == [(1, "2206.37", "1000.00", "1206.37", "P-1"),
                                              (2, "1206.37", "1206.37", "0.00", "P-2")]
    # The second payment pays both invoices (by installment number): its amount is the sum of what it applies.
    p2 = invoice["payments"][1]["paymentCfdi"]
    assert p2["amount"] == "1280.37"
    assert [(d["invoice"]["folio"], d["installment"], d["amountPaid"]) for d in p2["relatedDocuments"]] == [
        ("F-2", 1, "74.00"), ("F-1", 2, "1206.37")]


async def test_payments_list_the_invoices_they_pay_from_the_account_tab(gql, stock_gql, factory) -> None:
    account = await factory.insert(Account)
    invoice, total = await _invoice(factory, account, "F-9", [
        {"description": "Renta", "quantity": Decimal(1), "unit_price": Decimal("500.00"), "tax": Tax.IVA_8}])
    await _pay(factory, account, "P-9", [(invoice, 1, total, Decimal("540.00"))])
    data = await _both(gql, stock_gql, """
query($id: ID!) {
  account(id: $id) {
    paymentCfdis(first: 5) { nodes { folio amount relatedDocuments {
      installment previousBalance amountPaid remainingBalance paymentCfdi { folio }
      invoice { folio total payments { installment } } } } }
  }
}""", {"id": gid("Account", account)})
    (payment,) = data["account"]["paymentCfdis"]["nodes"]
    assert payment == {"folio": "P-9", "amount": "540.00", "relatedDocuments": [{
        "installment": 1, "previousBalance": "540.00", "amountPaid": "540.00", "remainingBalance": "0.00",
        "paymentCfdi": {"folio": "P-9"}, "invoice": {"folio": "F-9", "total": "540.00", "payments": [{"installment": 1}]},
    }]}


async def test_a_credit_note_serves_its_subtotal_tax_and_currency(gql, stock_gql, factory) -> None:
    account = await factory.insert(Account)
    invoice, _ = await _invoice(factory, account, "F-20", [
        {"description": "Mercancía", "quantity": Decimal(10), "unit_price": Decimal("100.00"), "tax": Tax.IVA_16}])
    await factory.insert(CreditNote, account_id=account, related_invoice_id=invoice, folio="NC-1", currency="USD",
                         subtotal=Decimal("250.00"), tax_total=Decimal("40.00"), total=Decimal("290.00"))
    data = await _both(gql, stock_gql, """
query($id: ID!) {
  account(id: $id) { creditNotes(first: 5) { nodes { folio currency subtotal taxTotal total relatedInvoice { folio } } } }
}""", {"id": gid("Account", account)})
    assert data["account"]["creditNotes"]["nodes"] == [{
        "folio": "NC-1", "currency": "USD", "subtotal": "250.00", "taxTotal": "40.00", "total": "290.00",
        "relatedInvoice": {"folio": "F-20"},
    }]


@pytest.mark.parametrize(("values", "constraint"), [
    ({"amount_paid": Decimal("0.00"), "remaining_balance": Decimal("100.00")}, "ck_payment_related_document_amount_paid"),
    ({"remaining_balance": Decimal("0.01")}, "ck_payment_related_document_remaining_balance"),
    ({"amount_paid": Decimal("100.01"), "remaining_balance": Decimal("-0.01")}, "ck_payment_related_document_not_overpaid"),
    ({"installment": 0}, "ck_payment_related_document_installment"),
])
async def test_the_database_refuses_a_related_document_that_does_not_add_up(gql, factory, values, constraint) -> None:
    # Consistent values are previous 100.00, paid 100.00, remaining 0.00, installment 1 (tests/factories.py).
    await factory.insert(PaymentRelatedDocument)
    with pytest.raises(sa.exc.IntegrityError, match=constraint):
        await factory.insert(PaymentRelatedDocument, **values)


async def test_the_database_refuses_a_credit_note_whose_total_is_not_subtotal_plus_tax(gql, factory) -> None:
    await factory.insert(CreditNote, subtotal=Decimal("100.00"), tax_total=Decimal("16.00"), total=Decimal("116.00"))
    with pytest.raises(sa.exc.IntegrityError, match="ck_credit_note_total"):
        await factory.insert(CreditNote, subtotal=Decimal("100.00"), tax_total=Decimal("16.00"), total=Decimal("100.00"))


async def test_an_invoice_with_payments_cannot_be_deleted_but_a_payment_takes_its_related_documents(gql, factory) -> None:
    account = await factory.insert(Account)
    invoice, total = await _invoice(factory, account, "F-30", [
        {"description": "Servicio", "quantity": Decimal(1), "unit_price": Decimal("10.00"), "tax": Tax.IVA_0}])
    payment = await _pay(factory, account, "P-30", [(invoice, 1, total, total)])
    invoices, payments = Invoice.__table__, PaymentCfdi.__table__
    related = PaymentRelatedDocument.__table__
    with pytest.raises(sa.exc.IntegrityError):
        async with gql.engine.begin() as connection:
            await connection.execute(sa.delete(invoices).where(invoices.c.id == invoice))
    async with gql.engine.begin() as connection:
        await connection.execute(sa.delete(payments).where(payments.c.id == payment))
        left = (await connection.execute(sa.select(sa.func.count()).where(related.c.invoice_id == invoice))).scalar_one()
    assert left == 0


NESTED = """
query($ids: [ID!]!) {
  nodes(ids: $ids) {
    ... on Account {
      invoices(first: 5) { nodes {
        folio total lines { position net product { name } }
        taxBreakdown { tax base amount }
        payments { installment amountPaid paymentCfdi { folio relatedDocuments { amountPaid invoice { folio } } } }
      } }
      paymentCfdis(first: 5) { nodes { amount relatedDocuments { installment invoice { folio lines { total } } } } }
      creditNotes(first: 5) { nodes { subtotal taxTotal currency relatedInvoice { folio } } }
    }
  }
}
"""


@pytest.fixture(scope="module")
async def paid_accounts(factory) -> list[str]:
    """Twelve accounts, each with two invoices of two lines, paid by two payments, and a credit note."""
    product = await factory.insert(Product, name="Papel bond")
    ids = []
    for n in range(12):
        account = await factory.insert(Account)
        ids.append(gid("Account", account))
        lines = [{"product_id": product, "description": "Papel", "quantity": Decimal(n + 1), "unit_price": Decimal("85.50"),
                  "tax": Tax.IVA_16},
                 {"description": "Flete", "quantity": Decimal(1), "unit_price": Decimal("120.00"), "tax": Tax.IVA_16}]
        (a, total_a), (b, total_b) = [await _invoice(factory, account, f"B{n}-{k}", lines) for k in (1, 2)]
        await _pay(factory, account, f"BP{n}-1", [(a, 1, total_a, Decimal("100.00"))])
        await _pay(factory, account, f"BP{n}-2", [(a, 2, total_a - Decimal("100.00"), Decimal("50.00")),
                                                  (b, 1, total_b, total_b)])
        await factory.insert(CreditNote, account_id=account, related_invoice_id=a, subtotal=total_a,
                             tax_total=Decimal(0), total=total_a)
    return ids


@pytest.mark.parametrize("size", [1, 4, 12])
async def test_invoice_lines_and_payments_make_the_same_statements_for_1_or_12_accounts(gql, paid_accounts, size) -> None:
    response = await gql(NESTED, {"ids": paid_accounts[:size]})
    nodes = response.data["nodes"]
    assert len(nodes) == size
    assert all(len(n["invoices"]["nodes"]) == 2 and len(n["paymentCfdis"]["nodes"]) == 2 for n in nodes)
    assert all(len(i["lines"]) == 2 and i["taxBreakdown"] and i["payments"] for n in nodes for i in n["invoices"]["nodes"])
    # One statement per relation per level, whatever the number of accounts: accounts by id; the pages of
    # invoices, payment CFDIs and credit notes; the invoices' lines, their taxBreakdown's columns, their
    # products, their payments and those payments' CFDIs, related documents and invoices; the payment
    # CFDIs' related documents, their invoices and those invoices' lines; the credit notes' invoices.
    assert len(response.statements) == 15, "\n\n".join(response.statements)
