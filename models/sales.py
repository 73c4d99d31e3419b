"""Selling and buying: opportunities, quotes, sales and purchase orders with their lines, subscriptions."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import ClassVar

from sqlmodel import Field, SQLModel

from models.base import Table, choice, money, ref, text, timestamp
from models.base import quantity as measure
from models.enums import (
    BillingPeriod,
    OpportunityStage,
    ProjectStatus,
    PurchaseOrderStatus,
    QuoteStage,
    SalesOrderStatus,
    SubscriptionStatus,
    Tax,
)


class DocumentTotals(SQLModel):
    """Stored totals of a quote, order or invoice, computed on the server from its lines."""

    currency: str = text("ISO 4217 currency.", default="MXN", max_length=3)
    subtotal: Decimal = money("Σ gross of the lines (quantity × unit price).")
    discount_total: Decimal = money("Σ discount of the lines.")
    tax_total: Decimal = money("Σ tax of the lines.")
    total: Decimal = money("Subtotal − discountTotal + taxTotal.")


class DocumentLine(SQLModel):
    """A line of a quote, order or invoice: one product or service, with its amounts rounded half-up."""

    position: int = Field(default=1, description="Position of the line in the document, from 1.")
    product_id: int | None = ref("product", "Product of the line (or a service).")
    service_id: int | None = ref("service", "Service of the line (or a product).")
    description: str | None = text("Description shown on the document.")
    quantity: Decimal = measure("Quantity (> 0).")
    unit_price: Decimal = money("Unit price before tax (>= 0).")
    discount_percent: Decimal | None = measure("Discount as a percentage of gross, 0..100.", optional=True)
    discount_amount: Decimal | None = money("Discount as an amount (<= gross).", optional=True)
    tax: Tax | None = choice(Tax, "Tax applied to the line.")
    tax_rate: Decimal = measure("Rate of that tax, e.g. 0.1600.")
    gross: Decimal = money("Quantity × unit price.")
    discount: Decimal = money("Discount applied.")
    net: Decimal = money("Gross − discount: the tax base.")
    tax_amount: Decimal = money("Net × tax rate.")
    total: Decimal = money("Net + tax.")


class Opportunity(Table, table=True):
    __tablename__ = "opportunity"
    label: ClassVar[str] = "Oportunidad: a possible sale in the pipeline."
    default_order: ClassVar[tuple[str, ...]] = ("-expected_close_date",)

    account_id: int | None = ref("account", "Account the opportunity is with.")
    name: str = text("Name of the opportunity.", max_length=254)
    stage: OpportunityStage = choice(OpportunityStage, "Stage in the pipeline.", default=OpportunityStage.PROSPECTING)
    amount: Decimal = money("Expected amount.")
    probability: int = Field(default=10, description="Probability of closing, 0..100 (%).")
    expected_close_date: dt.date = Field(description="Expected close date.")
    lead_source: str | None = text("Where the lead came from.", max_length=80)


class Quote(DocumentTotals, Table, table=True):
    __tablename__ = "quote"
    number_prefix: ClassVar[str] = "COT"
    label: ClassVar[str] = "Cotización: a quote sent to an account or contact."
    default_order: ClassVar[tuple[str, ...]] = ("-date",)

    account_id: int | None = ref("account", "Account quoted.")
    contact_id: int | None = ref("contact", "Contact quoted.")
    number: str = text("Quote number, e.g. COT-000123.", max_length=20, unique=True)
    subject: str = text("Subject.", max_length=254)
    date: dt.date = Field(description="Date of the quote.")
    stage: QuoteStage = choice(QuoteStage, "Stage of the quote.", default=QuoteStage.DRAFT)
    valid_until: dt.date | None = Field(default=None, description="Last day the prices hold.")


class QuoteLine(DocumentLine, Table, table=True):
    __tablename__ = "quote_line"
    label: ClassVar[str] = "A line of a quote."
    default_order: ClassVar[tuple[str, ...]] = ("position",)

    quote_id: int = ref("quote", "Quote of the line.", required=True, owned=True)


class SalesOrder(DocumentTotals, Table, table=True):
    __tablename__ = "sales_order"
    number_prefix: ClassVar[str] = "OV"
    label: ClassVar[str] = "Orden de venta: a sale to an account or contact."
    default_order: ClassVar[tuple[str, ...]] = ("-date",)

    account_id: int | None = ref("account", "Account that bought.")
    contact_id: int | None = ref("contact", "Contact that bought.")
    quote_id: int | None = ref("quote", "Quote the order came from.")
    number: str = text("Order number, e.g. OV-000123.", max_length=20, unique=True)
    subject: str = text("Subject.", max_length=254)
    date: dt.date = Field(description="Date of the order.")
    status: SalesOrderStatus = choice(SalesOrderStatus, "State of the order.", default=SalesOrderStatus.CREATED)


class SalesOrderLine(DocumentLine, Table, table=True):
    __tablename__ = "sales_order_line"
    label: ClassVar[str] = "A line of a sales order."
    default_order: ClassVar[tuple[str, ...]] = ("position",)

    sales_order_id: int = ref("sales_order", "Sales order of the line.", required=True, owned=True)


class PurchaseOrder(DocumentTotals, Table, table=True):
    __tablename__ = "purchase_order"
    number_prefix: ClassVar[str] = "OC"
    label: ClassVar[str] = "Orden de compra: a purchase from a vendor, requested by or for a contact."
    default_order: ClassVar[tuple[str, ...]] = ("-date",)

    contact_id: int | None = ref("contact", "Contact who requested or approved the purchase.")
    vendor_id: int = ref("vendor", "Vendor the order is placed with.", required=True)
    number: str = text("Order number, e.g. OC-000001; assigned by the server.", max_length=20, unique=True)
    subject: str = text("Descriptive title of the purchase.", max_length=254)
    date: dt.date = Field(description="Date of the order.")
    status: PurchaseOrderStatus = choice(PurchaseOrderStatus, "State of the order.", default=PurchaseOrderStatus.CREATED)
    terms_and_conditions: str | None = text("Terms and conditions: delivery, warranty, returns.")
    shipping_address: str | None = text("Where the goods are delivered (a copy, as issued).")
    billing_address: str | None = text("Where the invoice is sent (a copy, as issued).")
    created_at: dt.datetime = timestamp("When the order was recorded (UTC).")
    updated_at: dt.datetime = timestamp("When the order last changed (UTC); every write changes it.")


class PurchaseOrderLine(DocumentLine, Table, table=True):
    __tablename__ = "purchase_order_line"
    label: ClassVar[str] = "A line of a purchase order."
    default_order: ClassVar[tuple[str, ...]] = ("position",)

    purchase_order_id: int = ref("purchase_order", "Purchase order of the line.", required=True, owned=True)


class RentalSubscription(Table, table=True):
    __tablename__ = "rental_subscription"
    label: ClassVar[str] = "Renta o suscripción: a recurring service billed to an account."
    default_order: ClassVar[tuple[str, ...]] = ("-start_date",)

    account_id: int = ref("account", "Account subscribed.", required=True)
    plan: str = text("Plan or rented item.", max_length=120)
    status: SubscriptionStatus = choice(SubscriptionStatus, "State of the subscription.", default=SubscriptionStatus.ACTIVE)
    start_date: dt.date = Field(description="First day.")
    end_date: dt.date | None = Field(default=None, description="Last day, if it ends.")
    billing_period: BillingPeriod = choice(BillingPeriod, "How often it is billed.", default=BillingPeriod.MONTHLY)
    amount: Decimal = money("Amount billed each period.")
    next_billing_date: dt.date | None = Field(default=None, description="Next date it will be billed.")


class Project(Table, table=True):
    __tablename__ = "project"
    label: ClassVar[str] = "Proyecto: a project carried out for an account."
    default_order: ClassVar[tuple[str, ...]] = ("-start_date",)

    account_id: int | None = ref("account", "Account the project is for.")
    name: str = text("Project name.", max_length=254)
    status: ProjectStatus = choice(ProjectStatus, "State of the project.", default=ProjectStatus.PLANNED)
    start_date: dt.date = Field(description="Start date.")
    target_end_date: dt.date | None = Field(default=None, description="Planned end date.")
    progress: int = Field(default=0, description="Progress, 0..100 (%).")
    budget: Decimal = money("Budget.")
