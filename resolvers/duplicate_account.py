"""duplicateAccount ("Duplicar"): a new account from an existing one.

Copies the fiscal and commercial data, credit, store and shipping preferences, price list,
assigned user and parent account; never the RFC, name (razón social), account number,
timestamps or related records. The caller gives the new name and RFC, usually email and phone,
and may override any copied field. The source is unchanged; both get an activity-log entry.
"""

from decimal import Decimal
from typing import Annotated, Any, Optional

import strawberry
from strawberry.types.unset import UNSET, UnsetType
from strawberry.utils.str_converters import to_camel_case

from models import Account, ActivityLog, AppUser, PriceList
from models.enums import AccountType, PaymentMethod, ShippingMethod
from models.types import utcnow
from resolvers import validation
from resolvers.errors import ErrorCode, Problems, UserError
from resolvers.transaction import pending_number, read_back, write_session
from schema.node import global_id, to_node
from schema.types import NODE_TYPES

AccountNode = NODE_TYPES["Account"]

#: The fields a duplicate takes from its source (DOMAIN.md, "Duplicar").
COPIED_FIELDS = (
    "trade_name", "industry", "account_type", "website",
    "tax_regime", "cfdi_use", "payment_form", "payment_method", "fiscal_postal_code", "currency",
    "credit_limit", "credit_days", "payment_terms",
    "do_not_email", "marketing_opt_in", "shipping_methods", "store_visible",
    "price_list_id", "assigned_user_id", "parent_account_id",
)  # fmt: skip
#: Copied fields that cannot be null: an override may change them, not clear them.
_NOT_NULL = {"account_type", "currency", "credit_limit", "credit_days", "do_not_email", "marketing_opt_in",
             "shipping_methods", "store_visible"}
_REFERENCES = {"price_list_id": PriceList, "assigned_user_id": AppUser, "parent_account_id": Account}
_TEXT_LENGTHS = {"trade_name": 254, "industry": 80, "website": 254, "payment_terms": 254}
MAX_CREDIT = Decimal("1e15")


def _override(description: str) -> Any:
    return strawberry.field(default=UNSET, description=f"{description} Omit to copy it from the source.")


@strawberry.input(description="The new account's own data, and any copied field to change.")
class DuplicateAccountInput:
    source_id: strawberry.ID = strawberry.field(description="Global id of the account to duplicate.")
    name: str = strawberry.field(description="Razón social of the new account (required, at most 254 characters).")
    rfc: str = strawberry.field(description="RFC of the new account (required; the generic XAXX010101000 is accepted).")
    email: Optional[str] = strawberry.field(default=None, description="Email of the new account.")
    phone: Optional[str] = strawberry.field(default=None, description="Phone of the new account (at most 40 characters).")
    trade_name: Optional[str] = _override("Trade name (at most 254 characters).")
    industry: Optional[str] = _override("Industry (at most 80 characters).")
    account_type: Optional[AccountType] = _override("Kind of account.")
    website: Optional[str] = _override("Web site (at most 254 characters).")
    tax_regime: Optional[str] = _override("SAT c_RegimenFiscal code; must fit the RFC (company or person).")
    cfdi_use: Optional[str] = _override("SAT c_UsoCFDI code; must be allowed for the régimen.")
    payment_form: Optional[str] = _override("SAT c_FormaPago code (99 with PPD).")
    payment_method: Optional[PaymentMethod] = _override("PUE or PPD.")
    fiscal_postal_code: Optional[str] = _override("Código postal of the fiscal address (5 digits).")
    currency: Optional[str] = _override("ISO 4217 currency.")
    credit_limit: Optional[Decimal] = _override("Credit limit (>= 0).")
    credit_days: Optional[int] = _override("Days of credit (0..3650).")
    payment_terms: Optional[str] = _override("Payment terms (at most 254 characters).")
    do_not_email: Optional[bool] = _override("Never email the account.")
    marketing_opt_in: Optional[bool] = _override("Accepts marketing.")
    shipping_methods: Optional[list[ShippingMethod]] = _override("Shipping methods accepted ([] for none).")
    store_visible: Optional[bool] = _override("May buy in the online store.")
    price_list_id: Optional[strawberry.ID] = _override("Global id of the price list (null for none).")
    assigned_user_id: Optional[strawberry.ID] = _override("Global id of the owning user (null for none).")
    parent_account_id: Optional[strawberry.ID] = _override("Global id of the corporate parent (null for none).")


@strawberry.type(description="The result of duplicateAccount.")
class DuplicateAccountPayload:
    account: Optional[AccountNode] = strawberry.field(  # type: ignore[valid-type]
        description="The new account, with every field and tab; null when there are errors."
    )
    errors: list[UserError] = strawberry.field(description="Why nothing was written; empty on success.")


def _clean_override(problems: Problems, field: str, value: Any) -> Any:
    """The override's value, checked for its own sake (fit with the rest is checked later)."""
    path = [to_camel_case(field)]
    if value is None:
        if field in _NOT_NULL:
            problems.add(path, ErrorCode.INVALID, f"{path[0]} cannot be null; omit it to copy it from the source")
        return None
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
        return value.strip().upper()
    if field == "shipping_methods":
        return list(dict.fromkeys(value))  # each method once, in the order given
    if field in _REFERENCES:
        return validation.global_id(problems, path, value, _REFERENCES[field])
    return value


async def duplicate_account(
    info: strawberry.Info, input: Annotated[DuplicateAccountInput, strawberry.argument(description="What to copy and what to change.")]
) -> Optional[DuplicateAccountPayload]:
    problems = Problems()
    source_pk = validation.global_id(problems, ["sourceId"], input.source_id, Account)
    name = validation.required_text(problems, ["name"], input.name, 254)
    rfc = validation.rfc(problems, ["rfc"], input.rfc)
    email = validation.email(problems, ["email"], input.email)
    phone = validation.optional_text(problems, ["phone"], input.phone, 40)
    overrides = {
        field: _clean_override(problems, field, getattr(input, field))
        for field in COPIED_FIELDS
        if not isinstance(getattr(input, field), UnsetType)
    }

    context = info.context
    async with write_session(context) as session:
        source = await session.get(Account, source_pk) if source_pk is not None else None
        if source_pk is not None and source is None:
            problems.add(["sourceId"], ErrorCode.NOT_FOUND, f"there is no account {input.source_id!r}")
        values = {field: getattr(source, field) for field in COPIED_FIELDS} if source else {}
        values.update(overrides)
        for field, model in _REFERENCES.items():
            if field in overrides and overrides[field] is not None and await session.get(model, overrides[field]) is None:
                problems.add([to_camel_case(field)], ErrorCode.NOT_FOUND, f"there is no {model.type_name()} with that id")
        if source is not None:
            copied = f"copied from {source.account_no}"
            validation.fiscal_profile(
                problems,
                rfc,
                tax_regime=values["tax_regime"],
                cfdi_use=values["cfdi_use"],
                payment_form=values["payment_form"],
                payment_method=values["payment_method"],
                origin={to_camel_case(f): copied for f in COPIED_FIELDS if f not in overrides},
            )
        if problems:
            return DuplicateAccountPayload(account=None, errors=problems.errors)

        now = utcnow()
        account = Account(account_no=pending_number(), name=name, rfc=rfc, email=email, phone=phone,
                          created_at=now, updated_at=now, **values)
        session.add(account)
        await session.flush()  # the id gives the number, unique however many duplicate at once
        account.account_no = Account.assigned_number(account.id)
        changed = sorted(to_camel_case(f) for f in overrides)
        session.add_all([
            ActivityLog(account_id=account.id, at=now, actor=context.actor, action="DUPLICATED",
                        summary=f"Duplicated from {source.account_no} ({source.name})",
                        details={"source": global_id("Account", source.id), "sourceAccountNo": source.account_no,
                                 "overridden": changed}),
            ActivityLog(account_id=source.id, at=now, actor=context.actor, action="DUPLICATED_TO",
                        summary=f"Duplicated to {account.account_no} ({name})",
                        details={"account": global_id("Account", account.id), "accountNo": account.account_no}),
        ])
        await session.flush()
        # Read back before the commit: once it is committed, nothing may fail on the way to the answer.
        (row,) = await read_back(session, Account, [account.id])

    context.loaders.prime(Account, [row])
    return DuplicateAccountPayload(account=to_node(AccountNode, row), errors=[])
