"""duplicateAccount ("Duplicar"): a new account from an existing one, and the form it opens with.

Copies the fiscal and commercial data, credit, store and shipping preferences, price list,
assigned user and parent account; never the RFC, name (razón social), account number,
timestamps or related records. The caller gives the new name (which must differ from the
source's: the product says it "debe modificarse") and RFC, usually email and phone, and may
override any copied field, but not clear what a CFDI 4.0 receptor needs (régimen, uso de CFDI,
fiscal código postal). When it has a corporate parent, the PARENT /
SUBSIDIARY relation rows are written in both directions, as for every account. The source is
unchanged; the new account, the source and the parent each get an activity-log entry.

`duplicateAccountDraft` serves the form pre-filled from the same copy (`copied_values`).
"""

import typing
from decimal import Decimal
from typing import Annotated, Any, Optional

import strawberry
from strawberry.types.unset import UNSET, UnsetType
from strawberry.utils.str_converters import to_camel_case

from loaders.errors import UserInputError
from loaders.filters import fold_text
from models import Account, AccountRelation, ActivityLog, AppUser, PriceList
from models.enums import AccountRelationKind, AccountType, PaymentMethod, ShippingMethod
from models.types import utcnow
from resolvers import validation
from resolvers.errors import ErrorCode, Problems, UserError
from resolvers.transaction import pending_number, read_back, write_session
from schema.node import global_id, pk_of, to_node
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
#: What a CFDI 4.0 receptor needs besides name and RFC: a duplicate always has them.
_INVOICEABLE = {"tax_regime": "régimen fiscal", "cfdi_use": "uso de CFDI", "fiscal_postal_code": "código postal fiscal"}
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
    currency: Optional[str] = _override("ISO 4217 currency: a code of `satCatalogs.currencies`.")
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
        elif field in _INVOICEABLE:
            problems.add(path, ErrorCode.INVALID, f"{path[0]} cannot be null: an account without its {_INVOICEABLE[field]} "
                         "cannot be invoiced under CFDI 4.0; omit it to copy it from the source")
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
        values = {**copied_values(source), **overrides} if source else {}
        for field, model in _REFERENCES.items():
            if field in overrides and overrides[field] is not None and await session.get(model, overrides[field]) is None:
                problems.add([to_camel_case(field)], ErrorCode.NOT_FOUND, f"there is no {model.type_name()} with that id")
        if source is not None:
            copied = f"copied from {source.account_no}"
            if name is not None and same_name(name, source.name):
                problems.add(["name"], ErrorCode.CONFLICT, f"the new account needs its own razón social: {name!r} is the "
                             f"name of {source.account_no}, the account it is duplicated from",
                             existing_id=global_id("Account", source.id))
            fit = Problems()  # how the codes fit each other: said for a field not refused already (a null)
            validation.fiscal_profile(
                fit,
                rfc,
                tax_regime=values["tax_regime"],
                cfdi_use=values["cfdi_use"],
                payment_form=values["payment_form"],
                payment_method=values["payment_method"],
                origin={to_camel_case(f): copied for f in COPIED_FIELDS if f not in overrides},
            )
            problems.extend_new(fit)
        if problems:
            return DuplicateAccountPayload(account=None, errors=problems.errors)

        now = utcnow()
        account = Account(account_no=pending_number(), name=name, rfc=rfc, email=email, phone=phone,
                          created_at=now, updated_at=now, **values)
        session.add(account)
        await session.flush()  # the id gives the number, unique however many duplicate at once
        account.account_no = Account.assigned_number(account.id)
        changed = sorted(to_camel_case(f) for f in overrides)
        entries = [
            ActivityLog(account_id=account.id, at=now, actor=context.actor, action="DUPLICATED",
                        summary=f"Duplicated from {source.account_no} ({source.name})"[:254],
                        details={"source": global_id("Account", source.id), "sourceAccountNo": source.account_no,
                                 "overridden": changed}),
            ActivityLog(account_id=source.id, at=now, actor=context.actor, action="DUPLICATED_TO",
                        summary=f"Duplicated to {account.account_no} ({name})"[:254],
                        details={"account": global_id("Account", account.id), "accountNo": account.account_no}),
        ]
        parent_id = values["parent_account_id"]
        if parent_id is not None:
            # The "Clientes" tab of both accounts agrees with parentAccount, as in every seeded pair.
            session.add_all([
                AccountRelation(account_id=account.id, related_account_id=parent_id, kind=AccountRelationKind.PARENT),
                AccountRelation(account_id=parent_id, related_account_id=account.id, kind=AccountRelationKind.SUBSIDIARY),
            ])
            if parent_id != source.id:
                entries.append(ActivityLog(
                    account_id=parent_id, at=now, actor=context.actor, action="SUBSIDIARY_ADDED",
                    summary=f"New subsidiary {account.account_no} ({name})"[:254],
                    details={"account": global_id("Account", account.id), "accountNo": account.account_no},
                ))
        session.add_all(entries)
        await session.flush()
        # Read back before the commit: once it is committed, nothing may fail on the way to the answer.
        (row,) = await read_back(session, Account, [account.id])

    context.loaders.prime(Account, [row])
    return DuplicateAccountPayload(account=to_node(AccountNode, row), errors=[])


def copied_values(source: Account) -> dict[str, Any]:
    """What a duplicate of `source` takes from it, by column."""
    return {field: getattr(source, field) for field in COPIED_FIELDS}


def same_name(new: str, old: str) -> bool:
    """Whether two razones sociales are the same name, written alike or not (case, accents, spaces)."""
    return fold_text(" ".join(new.split())) == fold_text(" ".join(old.split()))


# --- duplicateAccountDraft: the form Duplicar opens with ---------------------------------------

def _draft_type() -> type:
    """The output twin of DuplicateAccountInput: the same fields, names and types, so a form built from
    the draft sends it back as the mutation's input. Declared once, in the input."""
    fields = {f.python_name: f for f in DuplicateAccountInput.__strawberry_definition__.fields}
    hints = typing.get_type_hints(DuplicateAccountInput)
    own = {
        "source_id": (strawberry.ID, "Global id of the account the form duplicates."),
        "name": (str, "Razón social: always empty, the user types the new account's own (it must differ from the source's)."),
        "rfc": (str, "RFC: always empty, the user types the new account's own."),
        "email": (Optional[str], "The source's email, pre-filled for the user to change."),
        "phone": (Optional[str], "The source's phone, pre-filled for the user to change."),
    }
    namespace: dict[str, Any] = {"__annotations__": {}}
    for python_name in fields:
        if python_name in own:
            annotation, description = own[python_name]
        else:
            annotation = hints[python_name]
            if python_name in _NOT_NULL:  # the source always has one
                (annotation,) = (a for a in typing.get_args(annotation) if a is not type(None))
            description = fields[python_name].description.replace(" Omit to copy it from the source.", "")
            description = f"{description} Copied from the source."
        namespace["__annotations__"][python_name] = annotation
        namespace[python_name] = strawberry.field(description=description)
    cls = type("DuplicateAccountDraft", (), namespace)
    return strawberry.type(cls, description="The form Duplicar opens with: every field the duplicate copies, pre-filled "
                           "from the source, email and phone to update, name and RFC empty. Send it back, completed, "
                           "as the input of duplicateAccount.")


DuplicateAccountDraft = _draft_type()


async def duplicate_account_draft(
    info: strawberry.Info,
    source_id: Annotated[strawberry.ID, strawberry.argument(description="Global id of the account to duplicate.")],
) -> Optional[DuplicateAccountDraft]:  # type: ignore[valid-type]
    """The draft of a duplicate of the account; null when there is no such account."""
    pk = pk_of(source_id, Account)
    if pk is None:
        raise UserInputError(f"invalid id {source_id[:64]!r}: not an id of a {Account.type_name()}")
    source = await info.context.loaders.by_id(Account).load(pk)
    if source is None:
        return None
    values = copied_values(source)
    for field, model in _REFERENCES.items():
        if values[field] is not None:
            values[field] = global_id(model.type_name(), values[field])
    return DuplicateAccountDraft(source_id=global_id("Account", source.id), name="", rfc="", email=source.email,
                                 phone=source.phone, **values)
