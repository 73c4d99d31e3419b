"""Money of an account: invoices with their lines, fiscal documents (CFDI) and the payments they
record, cash, banks and commissions."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any, ClassVar

import sqlalchemy as sa
from sqlmodel import Field

from models.base import Table, choice, money, quantity, ref, text
from models.enums import (
    BankTransactionKind,
    CashFlowKind,
    CommissionStatus,
    CreditNoteStatus,
    FiscalDocumentStatus,
    InvoiceStatus,
    PaymentMethod,
)
from models.sales import DocumentLine, DocumentTotals


def _uuid() -> Any:
    return text("Folio fiscal (UUID) given by the SAT when the CFDI was stamped.", max_length=36)


def _serie() -> Any:
    return text("Serie of the CFDI.", max_length=25)


def _folio() -> Any:
    return text("Folio of the CFDI within its serie.", max_length=40)


class Invoice(DocumentTotals, Table, table=True):
    __tablename__ = "invoice"
    label: ClassVar[str] = "Factura: an income CFDI issued to an account, detailed by its lines."
    default_order: ClassVar[tuple[str, ...]] = ("-date",)

    account_id: int = ref("account", "Account invoiced.", required=True)
    contact_id: int | None = ref("contact", "Contact the invoice was addressed to.")
    uuid: str | None = _uuid()
    serie: str | None = _serie()
    folio: str | None = _folio()
    date: dt.date = Field(description="Date of issue.")
    due_date: dt.date | None = Field(default=None, description="Date payment is due.")
    status: InvoiceStatus = choice(InvoiceStatus, "State of the invoice.", default=InvoiceStatus.DRAFT)
    balance: Decimal = money(
        "Amount still unpaid (saldo insoluto): total − Σ amountPaid of its payments by payment CFDIs that are "
        "not cancelled; 0 for a PUE invoice paid at issue or a cancelled one."
    )
    payment_method: PaymentMethod = choice(PaymentMethod, "SAT c_MetodoPago: PUE or PPD.", default=PaymentMethod.PUE)


class InvoiceLine(DocumentLine, Table, table=True):
    __tablename__ = "invoice_line"
    label: ClassVar[str] = "A line of an invoice (concepto of the CFDI)."
    default_order: ClassVar[tuple[str, ...]] = ("position",)

    invoice_id: int = ref("invoice", "Invoice of the line.", required=True, owned=True)


class PaymentCfdi(Table, table=True):
    __tablename__ = "payment_cfdi"
    label: ClassVar[str] = "CFDI de pago: the payment complement stamped when an account pays a PPD invoice."
    default_order: ClassVar[tuple[str, ...]] = ("-payment_date",)

    account_id: int = ref("account", "Account that paid.", required=True)
    uuid: str | None = _uuid()
    serie: str | None = _serie()
    folio: str | None = _folio()
    payment_date: dt.date = Field(description="Date the payment was received.")
    payment_form: str = text("SAT c_FormaPago code of the payment.", default="03", max_length=2)
    amount: Decimal = money("Amount paid (Monto): Σ amountPaid of its related documents.")
    currency: str = text("ISO 4217 currency.", default="MXN", max_length=3)
    status: FiscalDocumentStatus = choice(FiscalDocumentStatus, "Stamped or cancelled.", default=FiscalDocumentStatus.ISSUED)


class PaymentRelatedDocument(Table, table=True):
    __tablename__ = "payment_related_document"
    # The arithmetic SAT checks on every documento relacionado, kept by the database itself.
    __table_args__ = (
        sa.CheckConstraint("installment >= 1", name="ck_payment_related_document_installment"),
        sa.CheckConstraint("amount_paid > 0", name="ck_payment_related_document_amount_paid"),
        sa.CheckConstraint("remaining_balance = previous_balance - amount_paid",
                           name="ck_payment_related_document_remaining_balance"),
        sa.CheckConstraint("remaining_balance >= 0", name="ck_payment_related_document_not_overpaid"),
    )
    label: ClassVar[str] = (
        "Documento relacionado (CFDI 4.0, complemento de pagos 2.0): one invoice a payment CFDI pays, with the "
        "installment and the balances before and after it."
    )
    default_order: ClassVar[tuple[str, ...]] = ("installment",)

    payment_cfdi_id: int = ref("payment_cfdi", "Payment CFDI that pays the invoice.", required=True, owned=True)
    invoice_id: int = ref("invoice", "Invoice paid (IdDocumento: the invoice's folio fiscal).", required=True)
    installment: int = Field(default=1, description="NumParcialidad: which payment of the invoice this is, from 1.")
    previous_balance: Decimal = money("ImpSaldoAnt: what the invoice owed before this payment.")
    amount_paid: Decimal = money("ImpPagado: what this payment applies to the invoice (> 0).")
    remaining_balance: Decimal = money(
        "ImpSaldoInsoluto: what the invoice owes after this payment: previousBalance − amountPaid (>= 0)."
    )


class CreditNote(Table, table=True):
    __tablename__ = "credit_note"
    __table_args__ = (
        sa.CheckConstraint("total = subtotal + tax_total", name="ck_credit_note_total"),
    )
    label: ClassVar[str] = "Nota de crédito: an egress CFDI for returns, discounts or adjustments."
    default_order: ClassVar[tuple[str, ...]] = ("-date",)

    account_id: int = ref("account", "Account credited.", required=True)
    uuid: str | None = _uuid()
    serie: str | None = _serie()
    folio: str | None = _folio()
    date: dt.date = Field(description="Date of issue.")
    related_invoice_id: int | None = ref("invoice", "Invoice the credit note relates to.")
    reason: str | None = text("Why it was issued.", max_length=254)
    currency: str = text("ISO 4217 currency (Moneda).", default="MXN", max_length=3)
    subtotal: Decimal = money("Amount credited before tax (SubTotal).")
    tax_total: Decimal = money("Taxes transferred back (IVA, TotalImpuestosTrasladados).")
    total: Decimal = money("Amount credited: subtotal + taxTotal (Total).")
    status: CreditNoteStatus = choice(CreditNoteStatus, "State of the credit note.", default=CreditNoteStatus.ISSUED)


class TransferInvoice(Table, table=True):
    __tablename__ = "transfer_invoice"
    label: ClassVar[str] = "Factura de traslado: a transfer CFDI covering goods moved between places."
    default_order: ClassVar[tuple[str, ...]] = ("-date",)

    account_id: int = ref("account", "Account the goods belong to or go to.", required=True)
    uuid: str | None = _uuid()
    serie: str | None = _serie()
    folio: str | None = _folio()
    date: dt.date = Field(description="Date of issue.")
    origin: str = text("Where the goods leave from.", max_length=254)
    destination: str = text("Where the goods go.", max_length=254)
    status: FiscalDocumentStatus = choice(FiscalDocumentStatus, "Stamped or cancelled.", default=FiscalDocumentStatus.ISSUED)


class CashFlow(Table, table=True):
    __tablename__ = "cash_flow"
    label: ClassVar[str] = "Flujo de efectivo: money in or out tied to an account."
    default_order: ClassVar[tuple[str, ...]] = ("-date",)

    account_id: int = ref("account", "Account the money comes from or goes to.", required=True)
    date: dt.date = Field(description="Date of the movement.")
    kind: CashFlowKind = choice(CashFlowKind, "Inflow or outflow.", default=CashFlowKind.INFLOW)
    category: str = text("Category, e.g. sales, refund.", max_length=80)
    amount: Decimal = money("Amount.")
    currency: str = text("ISO 4217 currency.", default="MXN", max_length=3)
    reference: str | None = text("Reference, e.g. an invoice folio.", max_length=120)


class BankTransaction(Table, table=True):
    __tablename__ = "bank_transaction"
    label: ClassVar[str] = "Caja y banco: a deposit or withdrawal of an account in a bank account or till."
    default_order: ClassVar[tuple[str, ...]] = ("-date",)

    account_id: int = ref("account", "Account the transaction belongs to.", required=True)
    bank_account: str = text("Bank account or till, e.g. 'BBVA 0123'.", max_length=120)
    bank: str | None = text("Bank name.", max_length=80)
    date: dt.date = Field(description="Date of the transaction.")
    kind: BankTransactionKind = choice(BankTransactionKind, "Deposit or withdrawal.", default=BankTransactionKind.DEPOSIT)
    amount: Decimal = money("Amount.")
    reference: str | None = text("Bank reference.", max_length=120)
    reconciled: bool = Field(default=False, description="Whether it has been reconciled with the statement.")


class Commission(Table, table=True):
    __tablename__ = "commission"
    label: ClassVar[str] = "Comisión: what a salesperson earns on an account's sales."
    default_order: ClassVar[tuple[str, ...]] = ("-period",)

    account_id: int = ref("account", "Account the sales were made to.", required=True)
    salesperson_id: int | None = ref("app_user", "Salesperson who earns it.")
    base_amount: Decimal = money("Amount the rate applies to.")
    rate: Decimal = quantity("Rate as a fraction, e.g. 0.0500 for 5%.")
    amount: Decimal = money("Commission earned.")
    status: CommissionStatus = choice(CommissionStatus, "State of the commission.", default=CommissionStatus.PENDING)
    period: str = text("Period, YYYY-MM.", max_length=7)

