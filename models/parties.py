"""The two centres, accounts (clientes) and contacts (contactos), and the people and places around them."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import ClassVar

import sqlalchemy as sa
from sqlmodel import Field

from models.base import Table, choice, money, ref, text, timestamp
from models.enums import AccountRelationKind, AccountType, AddressKind, PaymentMethod, ShippingMethod
from models.types import EnumList


class AppUser(Table, table=True):
    __tablename__ = "app_user"
    graphql_name: ClassVar[str] = "User"
    label: ClassVar[str] = "A user of the CRM: salesperson, owner of records."
    default_order: ClassVar[tuple[str, ...]] = ("name",)

    name: str = text("Full name.", max_length=120)
    email: str = text("Work email.", max_length=254)
    active: bool = Field(default=True, description="Whether the user may still sign in.")


class PriceList(Table, table=True):
    __tablename__ = "price_list"
    label: ClassVar[str] = "A price list assigned to accounts."
    default_order: ClassVar[tuple[str, ...]] = ("name",)

    name: str = text("Name of the price list.", max_length=120)
    currency: str = text("ISO 4217 currency of its prices.", default="MXN", max_length=3)


class Account(Table, table=True):
    __tablename__ = "account"
    number_prefix: ClassVar[str] = "CLI"
    label: ClassVar[str] = "Cliente: a customer company (persona moral) or person (persona física)."
    default_order: ClassVar[tuple[str, ...]] = ("name",)

    account_no: str = text("Account number, e.g. CLI-000123; assigned by the server, unique.", max_length=20, unique=True)
    name: str = text("Razón social: the legal name, as on CFDIs.", max_length=254, index=True)
    trade_name: str | None = text("Nombre comercial: the trade name.", max_length=254)
    rfc: str | None = text("RFC, the Mexican tax id (12 characters for a company, 13 for a person).", max_length=13, index=True)
    email: str | None = text("Main email address.", max_length=254)
    phone: str | None = text("Main phone number.", max_length=40)
    website: str | None = text("Web site.", max_length=254)
    industry: str | None = text("Industry or sector.", max_length=80)
    account_type: AccountType = choice(AccountType, "Kind of account.", default=AccountType.CUSTOMER)
    assigned_user_id: int | None = ref("app_user", "User who owns the account.")
    parent_account_id: int | None = ref("account", "Corporate parent account.")
    tax_regime: str | None = text("SAT c_RegimenFiscal code, e.g. 601, 612, 626.", max_length=3)
    cfdi_use: str | None = text("SAT c_UsoCFDI code used by default on its CFDIs, e.g. G01, G03, S01.", max_length=4)
    payment_form: str | None = text("SAT c_FormaPago code, e.g. 01 cash, 03 transfer, 99 to be defined.", max_length=2)
    payment_method: PaymentMethod | None = choice(PaymentMethod, "SAT c_MetodoPago: PUE or PPD.")
    fiscal_postal_code: str | None = text("Código postal of the fiscal address (5 digits).", max_length=5)
    currency: str = text("ISO 4217 currency it is billed in.", default="MXN", max_length=3)
    credit_limit: Decimal = money("Credit limit.")
    credit_days: int = Field(default=0, description="Days of credit granted.")
    payment_terms: str | None = text("Payment terms, as agreed.", max_length=254)
    do_not_email: bool = Field(default=False, description="No enviar correos: never email this account.")
    marketing_opt_in: bool = Field(default=False, description="Suscrito a mercadotecnia: accepts marketing.")
    shipping_methods: list[ShippingMethod] = Field(
        default_factory=list, sa_type=EnumList(ShippingMethod), description="Shipping methods this account accepts."
    )
    store_visible: bool = Field(default=True, description="Whether the account may buy in the online store.")
    price_list_id: int | None = ref("price_list", "Price list applied to this account.")
    created_at: datetime = timestamp("When the account was created (UTC).")
    updated_at: datetime = timestamp("When the account last changed (UTC).")


class Contact(Table, table=True):
    __tablename__ = "contact"
    number_prefix: ClassVar[str] = "CON"
    label: ClassVar[str] = "Contacto: a person, usually at an account."
    default_order: ClassVar[tuple[str, ...]] = ("last_name", "first_name")

    contact_no: str = text("Contact number, e.g. CON-000123; assigned by the server, unique.", max_length=20, unique=True)
    first_name: str | None = text("First name(s).", max_length=120)
    last_name: str = text("Last name(s).", max_length=120, index=True)
    title: str | None = text("Job title.", max_length=120)
    department: str | None = text("Department.", max_length=120)
    email: str | None = text("Email address.", max_length=254)
    phone: str | None = text("Office phone.", max_length=40)
    mobile: str | None = text("Mobile phone.", max_length=40)
    account_id: int | None = ref("account", "Account the contact works for.")
    reports_to_id: int | None = ref("contact", "Contact this person reports to.")
    do_not_email: bool = Field(default=False, description="Never email this contact.")
    marketing_opt_in: bool = Field(default=False, description="Accepts marketing.")
    assigned_user_id: int | None = ref("app_user", "User who owns the contact.")
    created_at: datetime = timestamp("When the contact was created (UTC).")
    updated_at: datetime = timestamp("When the contact last changed (UTC).")


class Vendor(Table, table=True):
    __tablename__ = "vendor"
    label: ClassVar[str] = "Proveedor: a supplier that purchase orders are placed with."
    default_order: ClassVar[tuple[str, ...]] = ("name",)

    name: str = text("Legal or trade name.", max_length=254, index=True)
    rfc: str | None = text("RFC of the vendor.", max_length=13)
    email: str | None = text("Email address.", max_length=254)
    phone: str | None = text("Phone number.", max_length=40)
    created_at: datetime = timestamp("When the vendor was created (UTC).")


class AccountRelation(Table, table=True):
    __tablename__ = "account_relation"
    label: ClassVar[str] = "Relación entre cuentas: how an account relates to another (parent, subsidiary, ...)."
    default_order: ClassVar[tuple[str, ...]] = ("kind",)

    account_id: int = ref("account", "Account this relation belongs to.", required=True, owned=True)
    related_account_id: int = ref("account", "The other account.", required=True, owned=True)
    kind: AccountRelationKind = choice(AccountRelationKind, "What the related account is to this one.")
    notes: str | None = text("Free notes.")


class Address(Table, table=True):
    __tablename__ = "address"
    __table_args__ = (
        sa.CheckConstraint("(account_id IS NULL) <> (contact_id IS NULL)", name="ck_address_one_owner"),
    )
    label: ClassVar[str] = "Dirección: a fiscal, billing, shipping or other address of an account or contact."
    default_order: ClassVar[tuple[str, ...]] = ("kind",)

    account_id: int | None = ref("account", "Account the address belongs to.", owned=True)
    contact_id: int | None = ref("contact", "Contact the address belongs to.", owned=True)
    kind: AddressKind = choice(AddressKind, "Use of the address.", default=AddressKind.OTHER)
    is_primary: bool = Field(default=False, description="Primary address of its kind.")
    street: str = text("Calle.", max_length=254)
    ext_number: str | None = text("Número exterior.", max_length=20)
    int_number: str | None = text("Número interior.", max_length=20)
    colonia: str | None = text("Colonia.", max_length=120)
    city: str | None = text("Ciudad / localidad.", max_length=120)
    municipality: str | None = text("Municipio o alcaldía.", max_length=120)
    state: str | None = text("Estado.", max_length=80)
    postal_code: str | None = text("Código postal (5 digits).", max_length=5)
    country: str = text("ISO 3166 country code.", default="MX", max_length=2)
