"""An account's fields as the mutations take them, and the rules every account write keeps.

createAccount, updateAccount and duplicateAccount declare their inputs from `FIELDS` (`input_type`),
check each value with `clean`, the rows a value refers to with `check_references`, the SAT codes
together with `check_fiscal` and a new corporate parent with `check_parent`; `insert_account` and
`set_parent` write an account and keep its "Clientes" tab (PARENT / SUBSIDIARY rows, both ways)
in step with `parentAccount`.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from decimal import Decimal
from typing import Any

import sqlalchemy as sa
import strawberry
from sqlmodel.ext.asyncio.session import AsyncSession
from strawberry.utils.str_converters import to_camel_case

from models import Account, AccountRelation, AppUser, PriceList, Table
from models.enums import AccountRelationKind, AccountType, PaymentMethod, ShippingMethod
from resolvers import fields as field_specs
from resolvers import validation
from resolvers.errors import ErrorCode, Problems
from resolvers.transaction import stored_id

#: Every field a mutation may set on an account: python name -> (GraphQL type, description).
FIELDS: dict[str, tuple[Any, str]] = {
    "name": (str, "Razón social: the legal name, as on CFDIs (at most 254 characters)."),
    "rfc": (str, "RFC: 12 characters for a company, 13 for a person; the generic XAXX010101000 (público en general) "
                 "and XEXX010101000 (extranjero) are accepted."),
    "email": (str, "Main email address."),
    "phone": (str, "Main phone number: 10 digits for Mexico, or + and the country code (at most 40 characters)."),
    "trade_name": (str, "Trade name (at most 254 characters)."),
    "industry": (str, "Industry (at most 80 characters)."),
    "account_type": (AccountType, "Kind of account."),
    "website": (str, "Web site (at most 254 characters)."),
    "tax_regime": (str, "SAT c_RegimenFiscal code; must fit the RFC (company or person)."),
    "cfdi_use": (str, "SAT c_UsoCFDI code; must be allowed for the régimen."),
    "payment_form": (str, "SAT c_FormaPago code (99 with PPD)."),
    "payment_method": (PaymentMethod, "PUE or PPD."),
    "fiscal_postal_code": (str, "Código postal of the fiscal address (5 digits)."),
    "currency": (str, "ISO 4217 currency: a code of `satCatalogs.currencies`."),
    "credit_limit": (Decimal, "Credit limit (>= 0)."),
    "credit_days": (int, "Days of credit (0..3650)."),
    "payment_terms": (str, "Payment terms (at most 254 characters)."),
    "do_not_email": (bool, "Never email the account."),
    "marketing_opt_in": (bool, "Accepts marketing."),
    "shipping_methods": (list[ShippingMethod], "Shipping methods accepted ([] for none)."),
    "store_visible": (bool, "May buy in the online store."),
    "price_list_id": (strawberry.ID, "Global id of the price list (null for none)."),
    "assigned_user_id": (strawberry.ID, "Global id of the owning user (null for none)."),
    "parent_account_id": (strawberry.ID, "Global id of the corporate parent (null for none)."),
}
#: Fields that cannot be null: a mutation may change them, not clear them.
NOT_NULL = frozenset({"name", "rfc", "account_type", "currency", "credit_limit", "credit_days", "do_not_email",
                      "marketing_opt_in", "shipping_methods", "store_visible"})
#: What a CFDI 4.0 receptor needs besides name and RFC: never cleared.
INVOICEABLE = {"tax_regime": "régimen fiscal", "cfdi_use": "uso de CFDI", "fiscal_postal_code": "código postal fiscal"}
REFERENCES: dict[str, type[Table]] = {"price_list_id": PriceList, "assigned_user_id": AppUser, "parent_account_id": Account}
#: The type of each reference's global id, as the activity log records it.
REFERENCE_TYPES = {field: model.type_name() for field, model in REFERENCES.items()}
_TEXT_LENGTHS = {"trade_name": 254, "industry": 80, "website": 254, "payment_terms": 254}
MAX_CREDIT = Decimal("1e15")
#: Longest chain of corporate parents walked to refuse a cycle.
MAX_PARENT_DEPTH = 100


def input_type(name: str, description: str, own: Mapping[str, tuple[Any, Any]], fields: Iterable[str], omitted: str) -> type:
    """A Strawberry input of the `own` fields, then the account fields `fields`, omitted by default."""
    return field_specs.input_type(FIELDS, name, description, own, fields, omitted)


def clean(problems: Problems, field: str, value: Any, *, omit: str) -> Any:
    """The value of `field`, checked for its own sake (fit with the rest is checked later). `omit`
    says what leaving the field out does, for the message that refuses a null."""
    path = [to_camel_case(field)]
    if value is None:
        if field in NOT_NULL:
            problems.add(path, ErrorCode.INVALID, f"{path[0]} cannot be null; {omit}")
        elif field in INVOICEABLE:
            problems.add(path, ErrorCode.INVALID, f"{path[0]} cannot be null: an account without its {INVOICEABLE[field]} "
                         f"cannot be invoiced under CFDI 4.0; {omit}")
        return None
    if field == "name":
        return validation.required_text(problems, path, value, 254)
    if field == "rfc":
        return validation.rfc(problems, path, value)
    if field == "email":
        return validation.email(problems, path, value)
    if field == "phone":
        return validation.phone(problems, path, value)
    if field in _TEXT_LENGTHS:
        return validation.optional_text(problems, path, value, _TEXT_LENGTHS[field])
    if field == "fiscal_postal_code":
        return validation.postal_code(problems, path, value)
    if field == "currency":
        return validation.currency(problems, path, value)
    if field == "credit_limit":
        return validation.amount(problems, path, value, places=2, minimum=Decimal(0), maximum=MAX_CREDIT)
    if field == "credit_days" and not 0 <= value <= 3650:
        problems.add(path, ErrorCode.OUT_OF_RANGE, f"creditDays must be between 0 and 3650, got {value}")
        return None
    if field in ("tax_regime", "cfdi_use", "payment_form"):
        return validation.nfc(value).strip().upper()
    if field == "shipping_methods":
        return list(dict.fromkeys(value))  # each method once, in the order given
    if field in REFERENCES:
        return validation.global_id(problems, path, value, REFERENCES[field])
    return value


def given(input: Any, fields: Iterable[str], problems: Problems, *, omit: str) -> dict[str, Any]:
    """The clean value of every field of `fields` the input gives (null included), by column."""
    return field_specs.given(input, fields, lambda field, value: clean(problems, field, value, omit=omit))


async def check_references(session: AsyncSession, problems: Problems, values: Mapping[str, Any]) -> None:
    """Every price list, user and parent the values name exists."""
    await field_specs.check_references(session, problems, values, REFERENCES)


def check_fiscal(problems: Problems, rfc: str | None, values: Mapping[str, Any], origin: Mapping[str, str]) -> None:
    """The SAT codes of the account as it will be fit each other and the RFC; said only for a field
    that has no problem yet (a refused null is reason enough). `origin` says where a value not given
    came from (copied, kept)."""
    fit = Problems()
    validation.fiscal_profile(
        fit, rfc, tax_regime=values.get("tax_regime"), cfdi_use=values.get("cfdi_use"),
        payment_form=values.get("payment_form"), payment_method=values.get("payment_method"), origin=origin,
    )
    problems.extend_new(fit)


async def check_parent(session: AsyncSession, problems: Problems, account_id: int, parent_id: int | None) -> None:
    """A new corporate parent is not the account itself nor one of its subsidiaries, at any depth."""
    if await field_specs.reaches(session, Account, "parent_account_id", parent_id, account_id, MAX_PARENT_DEPTH):
        problems.add(["parentAccountId"], ErrorCode.INVALID, "an account cannot be its own corporate parent, "
                     "directly or through its subsidiaries")


async def set_parent(session: AsyncSession, account_id: int, old: int | None, new: int | None) -> None:
    """The PARENT / SUBSIDIARY rows of both accounts, in both directions, follow a change of parent."""
    if old == new:
        return
    table = AccountRelation.__table__
    if old is not None:
        await (await session.connection()).execute(sa.delete(table).where(sa.or_(
            sa.and_(table.c.account_id == account_id, table.c.related_account_id == old,
                    table.c.kind == AccountRelationKind.PARENT),
            sa.and_(table.c.account_id == old, table.c.related_account_id == account_id,
                    table.c.kind == AccountRelationKind.SUBSIDIARY),
        )))
    if new is not None:
        session.add_all([
            AccountRelation(account_id=account_id, related_account_id=new, kind=AccountRelationKind.PARENT),
            AccountRelation(account_id=new, related_account_id=account_id, kind=AccountRelationKind.SUBSIDIARY),
        ])


async def insert_account(session: AsyncSession, values: Mapping[str, Any]) -> Account:
    """A new account with these column values, numbered from its id, with its parent relation rows."""
    account = await field_specs.insert_numbered(session, Account, "account_no", values)
    await set_parent(session, stored_id(account), None, account.parent_account_id)
    return account


def column_values(account: Any) -> dict[str, Any]:
    """The editable values of an account (a row or an ORM object), by column."""
    return field_specs.column_values(account, FIELDS)
