"""Things linked to many accounts and contacts through link tables: products, services, emails, documents, campaigns, events."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import ClassVar

from sqlmodel import Field

from models.base import Table, choice, money, quantity, text, timestamp
from models.enums import CampaignStatus, CampaignType, EmailDirection, EventKind, EventStatus


class Product(Table, table=True):
    __tablename__ = "product"
    label: ClassVar[str] = "Inventariable: a stocked product."
    default_order: ClassVar[tuple[str, ...]] = ("name",)

    name: str = text("Product name.", max_length=254, index=True)
    sku: str | None = text("Stock keeping unit.", max_length=60, index=True)
    unit: str = text("Unit of measure (SAT c_ClaveUnidad), e.g. H87 piece.", default="H87", max_length=10)
    price: Decimal = money("List price before tax.")
    stock: Decimal = quantity("Units in stock.")
    sat_product_code: str | None = text("SAT c_ClaveProdServ (8 digits).", max_length=8)
    active: bool = Field(default=True, description="Whether it may still be sold or bought.")


class Service(Table, table=True):
    __tablename__ = "service"
    label: ClassVar[str] = "No inventariable: a service, not stocked."
    default_order: ClassVar[tuple[str, ...]] = ("name",)

    name: str = text("Service name.", max_length=254, index=True)
    code: str | None = text("Internal code.", max_length=60)
    unit: str = text("Unit of measure (SAT c_ClaveUnidad), e.g. E48 service unit.", default="E48", max_length=10)
    price: Decimal = money("List price before tax.")
    sat_product_code: str | None = text("SAT c_ClaveProdServ (8 digits).", max_length=8)
    active: bool = Field(default=True, description="Whether it may still be sold or bought.")


class Email(Table, table=True):
    __tablename__ = "email"
    label: ClassVar[str] = "Email: a message sent to or received from accounts and contacts."
    default_order: ClassVar[tuple[str, ...]] = ("-sent_at",)

    subject: str = text("Subject line.", max_length=254)
    from_address: str = text("Sender address.", max_length=254)
    to_addresses: str = text("Recipients, comma separated.")
    cc_addresses: str | None = text("Copy recipients, comma separated.")
    sent_at: datetime = timestamp("When it was sent or received (UTC).")
    direction: EmailDirection = choice(EmailDirection, "Received or sent.", default=EmailDirection.OUTBOUND)
    body_preview: str | None = text("First characters of the body.")
    message_id: str | None = text("RFC 5322 Message-ID.", max_length=254)


class Document(Table, table=True):
    __tablename__ = "document"
    label: ClassVar[str] = "Archivo: a stored document (contract, proposal, ...)."
    default_order: ClassVar[tuple[str, ...]] = ("-uploaded_at",)

    title: str = text("Title.", max_length=254)
    filename: str = text("Original file name.", max_length=254)
    mime_type: str = text("MIME type.", max_length=120)
    size: int = Field(default=0, description="Size in bytes.")
    storage_key: str = text("Key of the file in the document store.", max_length=254)
    uploaded_at: datetime = timestamp("When it was uploaded (UTC).")


class Campaign(Table, table=True):
    __tablename__ = "campaign"
    label: ClassVar[str] = "Campaña: a marketing campaign."
    default_order: ClassVar[tuple[str, ...]] = ("-start_date",)

    name: str = text("Campaign name.", max_length=254)
    type: CampaignType = choice(CampaignType, "Channel of the campaign.", default=CampaignType.EMAIL)
    status: CampaignStatus = choice(CampaignStatus, "State of the campaign.", default=CampaignStatus.PLANNED)
    start_date: date = Field(description="First day.")
    end_date: date | None = Field(default=None, description="Last day.")
    budget: Decimal = money("Budget.")
    expected_revenue: Decimal = money("Expected revenue.")


class CalendarEvent(Table, table=True):
    __tablename__ = "calendar_event"
    label: ClassVar[str] = "Calendario: a call, meeting or task."
    default_order: ClassVar[tuple[str, ...]] = ("-start_at",)

    subject: str = text("Subject.", max_length=254)
    kind: EventKind = choice(EventKind, "Call, meeting or task.", default=EventKind.MEETING)
    start_at: datetime = timestamp("Start (UTC).")
    end_at: datetime | None = timestamp("End (UTC).", optional=True)
    status: EventStatus = choice(EventStatus, "State of the activity.", default=EventStatus.PLANNED)
    location: str | None = text("Where it takes place.", max_length=254)
