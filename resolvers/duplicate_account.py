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
from dataclasses import dataclass
from typing import Annotated, Any, Optional

import strawberry
from sqlalchemy import Row
from sqlmodel.ext.asyncio.session import AsyncSession
from strawberry.types.base import get_object_definition
from strawberry.utils.str_converters import to_camel_case

from loaders.filters import fold_text
from models import Account
from resolvers import accounts, validation
from resolvers import fields as field_specs
from resolvers.context import RequestContext, RequestInfo
from resolvers.errors import ErrorCode, Problems
from resolvers.pipeline import Log, MutationDef, changes
from resolvers.transaction import stored_id
from schema.node import expected_pk, global_id

#: The fields a duplicate takes from its source (docs/domain.md §6, "Duplicar").
COPIED_FIELDS = (
    "trade_name", "industry", "account_type", "website",
    "tax_regime", "cfdi_use", "payment_form", "payment_method", "fiscal_postal_code", "currency",
    "credit_limit", "credit_days", "payment_terms",
    "do_not_email", "marketing_opt_in", "shipping_methods", "store_visible",
    "price_list_id", "assigned_user_id", "parent_account_id",
)  # fmt: skip
_OMIT = "omit it to copy it from the source"

DuplicateAccountInput = accounts.input_type(
    "DuplicateAccountInput", "The new account's own data, and any copied field to change.",
    {
        "source_id": (strawberry.ID, strawberry.field(description="Global id of the account to duplicate.")),
        "name": (str, strawberry.field(description="Razón social of the new account (required, at most 254 characters; "
                                                   "not the source's).")),
        "rfc": (str, strawberry.field(description="RFC of the new account (required; the generic XAXX010101000 and XEXX010101000 are accepted).")),
        "email": (Optional[str], strawberry.field(default=None, description="Email of the new account.")),
        "phone": (Optional[str], strawberry.field(default=None, description="Phone of the new account: 10 digits for "
                                                  "Mexico, or + and the country code (at most 40 characters).")),
    },
    COPIED_FIELDS,
    "Omit to copy it from the source.",
)


@dataclass
class _Plan:
    source: Account
    own: dict[str, Any]  #: name, rfc, email, phone
    values: dict[str, Any]  #: the copied fields, overrides applied
    overridden: list[str]


async def _check(session: AsyncSession, input: Any, problems: Problems, context: RequestContext) -> _Plan | None:
    source_pk = validation.global_id(problems, ["sourceId"], input.source_id, Account)
    own = {"name": validation.required_text(problems, ["name"], input.name, 254),
           "rfc": validation.rfc(problems, ["rfc"], input.rfc),
           "email": validation.email(problems, ["email"], input.email),
           "phone": validation.phone(problems, ["phone"], input.phone)}
    overrides = accounts.given(input, COPIED_FIELDS, problems, omit=_OMIT)
    source = await session.get(Account, source_pk) if source_pk is not None else None
    if source_pk is not None and source is None:
        problems.add(["sourceId"], ErrorCode.NOT_FOUND, f"there is no account {input.source_id!r}")
    await accounts.check_references(session, problems, overrides)
    if source is None:
        return None
    values = {**copied_values(source), **overrides}
    if own["name"] is not None and same_name(own["name"], source.name):
        problems.add(["name"], ErrorCode.CONFLICT, f"the new account needs its own razón social: {own['name']!r} is the "
                     f"name of {source.account_no}, the account it is duplicated from",
                     existing_id=global_id("Account", stored_id(source)))
    copied = f"copied from {source.account_no}"
    accounts.check_fiscal(problems, own["rfc"], values, {to_camel_case(f): copied for f in COPIED_FIELDS if f not in overrides})
    return _Plan(source, own, values, sorted(to_camel_case(f) for f in overrides))


async def _write(session: AsyncSession, plan: _Plan, log: Log) -> int:
    source, source_id = plan.source, stored_id(plan.source)
    account = await accounts.insert_account(session, {**plan.own, **plan.values})
    account_id = stored_id(account)
    name = plan.own["name"]
    log.add("DUPLICATED", f"Duplicated from {source.account_no} ({source.name})", account_id=account_id,
            changed=changes(None, accounts.column_values(account), accounts.REFERENCE_TYPES, model=Account),
            source=global_id("Account", source_id), sourceAccountNo=source.account_no, overridden=plan.overridden)
    log.add("DUPLICATED_TO", f"Duplicated to {account.account_no} ({name})", account_id=source_id,
            account=global_id("Account", account_id), accountNo=account.account_no)
    parent_id = account.parent_account_id
    if parent_id is not None and parent_id != source_id:
        log.add("SUBSIDIARY_ADDED", f"New subsidiary {account.account_no} ({name})", account_id=parent_id,
                account=global_id("Account", account_id), accountNo=account.account_no)
    return account_id


MUTATION = MutationDef(
    name="duplicateAccount",
    description="Duplicar: a new account from an existing one, with a new name, RFC and account number.",
    input=DuplicateAccountInput,
    input_description="What to copy and what to change.",
    node="account",
    model=Account,
    node_description="The new account, with every field and tab",
    check=_check,
    write=_write,
)


def copied_values(source: Account | Row[Any]) -> dict[str, Any]:
    """What a duplicate of `source` (an ORM object or a database row) takes from it, by column."""
    return field_specs.column_values(source, COPIED_FIELDS)


def same_name(new: str, old: str) -> bool:
    """Whether two razones sociales are the same name, written alike or not (case, accents, spaces)."""
    return fold_text(" ".join(new.split())) == fold_text(" ".join(old.split()))


# --- duplicateAccountDraft: the form Duplicar opens with ---------------------------------------

def _draft_type() -> type:
    """The output twin of DuplicateAccountInput: the same fields, names and types, so a form built from
    the draft sends it back as the mutation's input. Declared once, in the input."""
    fields = {f.python_name: f for f in get_object_definition(DuplicateAccountInput, strict=True).fields}
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
            if python_name in accounts.NOT_NULL:  # the source always has one
                (annotation,) = (a for a in typing.get_args(annotation) if a is not type(None))
            input_description = fields[python_name].description
            assert input_description is not None, "input_type describes every field"
            description = input_description.replace(" Omit to copy it from the source.", "") + " Copied from the source."
        namespace["__annotations__"][python_name] = annotation
        namespace[python_name] = strawberry.field(description=description)
    cls = type("DuplicateAccountDraft", (), namespace)
    return strawberry.type(cls, description="The form Duplicar opens with: every field the duplicate copies, pre-filled "
                           "from the source, email and phone to update, name and RFC empty. Send it back, completed, "
                           "as the input of duplicateAccount.")


DuplicateAccountDraft = _draft_type()


async def duplicate_account_draft(
    info: RequestInfo,
    source_id: Annotated[strawberry.ID, strawberry.argument(description="Global id of the account to duplicate.")],
) -> Optional[DuplicateAccountDraft]:  # type: ignore[valid-type]
    """The draft of a duplicate of the account; null when there is no such account."""
    source = await info.context.loaders.by_id(Account).load(expected_pk(source_id, Account))
    if source is None:
        return None
    values = copied_values(source)
    for field, model in accounts.REFERENCES.items():
        if values[field] is not None:
            values[field] = global_id(model.type_name(), values[field])
    draft = DuplicateAccountDraft(source_id=global_id("Account", source.id), name="", rfc="", email=source.email,
                                  phone=source.phone, **values)
    return draft  # type: ignore[no-any-return]  # a type built at import: mypy sees no class to check it against
