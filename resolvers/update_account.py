"""updateAccount: change any subset of an account's fields ("realizar ajustes adicionales").

Omitted fields stay; an explicit null clears a field that may be empty. Every rule is checked on the
account as it will be, not only on the fields sent: a person's RFC with the kept régimen 601 is
refused. The write is a compare-and-set on `updated_at`: with `expectedUpdatedAt`, a row that changed
since is a CONFLICT; without it, concurrent updates of one account apply one after the other, each
checked against what the other wrote.
"""

import datetime as dt
from dataclasses import dataclass
from typing import Any

from sqlmodel.ext.asyncio.session import AsyncSession
from strawberry.utils.str_converters import to_camel_case

from models import Account
from resolvers import accounts
from resolvers.context import RequestContext
from resolvers.errors import Problems
from resolvers.pipeline import Log, MutationDef, changes, load_version, version_fields, write_version
from schema.node import global_id

_OMIT = "omit it to keep it"

UpdateAccountInput = accounts.input_type(
    "UpdateAccountInput", "The account to change and the fields to change; omitted fields stay as they are.",
    version_fields("account"), accounts.FIELDS, "Omit to keep it.",
)


@dataclass
class _Plan:
    account_id: int
    read_at: dt.datetime  #: the updated_at the checks saw: the write applies only to that version
    before: dict[str, Any]
    after: dict[str, Any]


async def _check(session: AsyncSession, input: Any, problems: Problems, context: RequestContext) -> _Plan | None:
    values = accounts.given(input, accounts.FIELDS, problems, omit=_OMIT)
    account = await load_version(session, problems, Account, input, "account", lambda row: f"account {row.account_no}")
    if account is None:
        return None
    before = accounts.column_values(account)
    after = {**before, **{f: v for f, v in values.items() if v is not None or f not in accounts.NOT_NULL}}
    await accounts.check_references(session, problems, values)
    if values.get("parent_account_id") is not None:
        await accounts.check_parent(session, problems, account.id, values["parent_account_id"])
    kept = f"the current value of {account.account_no}"
    accounts.check_fiscal(problems, after["rfc"], after, {to_camel_case(f): kept for f in accounts.FIELDS if f not in values})
    return _Plan(account.id, account.updated_at, before, after)


async def _write(session: AsyncSession, plan: _Plan, log: Log) -> int:
    changed = {field: value for field, value in plan.after.items() if plan.before[field] != value}
    if not changed:
        return plan.account_id  # nothing to change: nothing written, updatedAt stays
    await write_version(session, Account, plan.account_id, plan.read_at, changed, "the account")
    name = plan.after["name"]
    summary = f"Updated {', '.join(to_camel_case(f) for f in changed)}"
    log.add("UPDATED", summary, account_id=plan.account_id,
            changed=changes(plan.before, plan.after, accounts.REFERENCE_TYPES, model=Account))
    old_parent, new_parent = plan.before["parent_account_id"], plan.after["parent_account_id"]
    if old_parent != new_parent:
        await accounts.set_parent(session, plan.account_id, old_parent, new_parent)
        this = global_id("Account", plan.account_id)
        if old_parent is not None:
            log.add("SUBSIDIARY_REMOVED", f"{name} is no longer a subsidiary", account_id=old_parent, account=this)
        if new_parent is not None:
            log.add("SUBSIDIARY_ADDED", f"New subsidiary {name}", account_id=new_parent, account=this)
    return plan.account_id


MUTATION = MutationDef(
    name="updateAccount",
    description="Change an account: any subset of its fields, checked as the account will be; with "
    "`expectedUpdatedAt`, only if nobody changed it since.",
    input=UpdateAccountInput,
    input_description="The account and the fields to change.",
    node="account",
    model=Account,
    node_description="The account as it is now",
    check=_check,
    write=_write,
)
