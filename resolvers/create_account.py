"""createAccount: a new account (cliente), from the form Duplicar copies ("idéntico al de creación de cliente").

Every rule duplicateAccount keeps applies (resolvers/accounts.py): a valid RFC, SAT codes that fit it
and each other, lengths and ranges, references that exist, the parent's relation rows both ways. Name,
RFC, régimen and uso de CFDI are required; every other field has the account's default when omitted.
"""

from typing import Any

import strawberry
from sqlmodel.ext.asyncio.session import AsyncSession
from strawberry.utils.str_converters import to_camel_case

from models import Account
from resolvers import accounts
from resolvers.context import RequestContext
from resolvers.errors import ErrorCode, Problems
from resolvers.pipeline import Log, MutationDef, changes
from resolvers.transaction import stored_id
from schema.node import global_id

#: What a new account must have: a CFDI 4.0 receptor's name, RFC, régimen and uso.
REQUIRED = ("name", "rfc", "tax_regime", "cfdi_use")
_OMIT = "omit it for the default"

CreateAccountInput = accounts.input_type(
    "CreateAccountInput", "A new account: its razón social, RFC, régimen fiscal and uso de CFDI, and any other field.",
    {field: (str, strawberry.field(description=f"{accounts.FIELDS[field][1]} Required.")) for field in REQUIRED},
    [field for field in accounts.FIELDS if field not in REQUIRED],
    "Omit for the default.",
)


async def _check(session: AsyncSession, input: Any, problems: Problems, context: RequestContext) -> dict[str, Any] | None:
    values = {}
    for field in REQUIRED:
        value = getattr(input, field)
        if field in ("tax_regime", "cfdi_use") and not value.strip():
            problems.add([to_camel_case(field)], ErrorCode.REQUIRED, f"{to_camel_case(field)} is required: a CFDI 4.0 "
                         f"receptor needs its {accounts.INVOICEABLE[field]}; allowed codes are in `satCatalogs`")
            continue
        values[field] = accounts.clean(problems, field, value, omit=_OMIT)
    values.update(accounts.given(input, (f for f in accounts.FIELDS if f not in REQUIRED), problems, omit=_OMIT))
    await accounts.check_references(session, problems, values)
    accounts.check_fiscal(problems, values.get("rfc"), values, {})
    return values


async def _write(session: AsyncSession, values: dict[str, Any], log: Log) -> int:
    account = await accounts.insert_account(session, values)
    account_id = stored_id(account)
    log.add("CREATED", f"Account {account.account_no} created ({account.name})", account_id=account_id,
            changed=changes(None, accounts.column_values(account), accounts.REFERENCE_TYPES, model=Account))
    if account.parent_account_id is not None:
        log.add("SUBSIDIARY_ADDED", f"New subsidiary {account.account_no} ({account.name})",
                account_id=account.parent_account_id, account=global_id("Account", account_id), accountNo=account.account_no)
    return account_id


MUTATION = MutationDef(
    name="createAccount",
    description="A new account (cliente). Name, RFC, régimen and uso de CFDI are required; the account number is "
    "assigned; every rule of duplicateAccount applies.",
    input=CreateAccountInput,
    input_description="The account's fields.",
    node="account",
    model=Account,
    node_description="The new account, with its number and every field and tab",
    check=_check,
    write=_write,
)
