"""updateContact: change any subset of a contact's fields, as a sync script corrects what it created.

Omitted fields stay; an explicit null clears a field that may be empty (never the last name). A contact
may move to another account, or to none: the entry of the log then goes on the contact's history and on
the bitácora of both accounts, the one it left and the one it joined. A new manager may not close a
cycle of reports. The write is a compare-and-set on `updated_at`, as updateAccount's: with
`expectedUpdatedAt`, a contact changed since is a CONFLICT.
"""

import datetime as dt
from dataclasses import dataclass
from typing import Any

from sqlmodel.ext.asyncio.session import AsyncSession
from strawberry.utils.str_converters import to_camel_case

from models import Account, Contact
from resolvers import contacts
from resolvers.context import RequestContext
from resolvers.errors import Problems
from resolvers.pipeline import Log, MutationDef, changes, load_version, version_fields, write_version
from schema.node import global_id

_OMIT = "omit it to keep it"

UpdateContactInput = contacts.input_type(
    "UpdateContactInput", "The contact to change and the fields to change; omitted fields stay as they are.",
    version_fields("contact"), contacts.FIELDS, "Omit to keep it.",
)


@dataclass
class _Plan:
    contact_id: int
    contact_no: str
    read_at: dt.datetime  #: the updated_at the checks saw: the write applies only to that version
    before: dict[str, Any]
    after: dict[str, Any]
    accounts: dict[int | None, str]  #: account number of the old and the new account


async def _check(session: AsyncSession, input: Any, problems: Problems, context: RequestContext) -> _Plan | None:
    values = contacts.given(input, contacts.FIELDS, problems, omit=_OMIT)
    contact = await load_version(session, problems, Contact, input, "contact", lambda row: f"contact {row.contact_no}")
    await contacts.check_references(session, problems, values)
    if contact is None:
        return None
    before = contacts.column_values(contact)
    after = {**before, **{f: v for f, v in values.items() if v is not None or f not in contacts.NOT_NULL}}
    if after["reports_to_id"] != before["reports_to_id"]:
        await contacts.check_reports_to(session, problems, contact.id, after["reports_to_id"])
    if problems:
        return None
    numbers = await contacts.account_numbers(session, before["account_id"], after["account_id"])
    return _Plan(contact.id, contact.contact_no, contact.updated_at, before, after, numbers)


def _summary(plan: _Plan, changed: list[str]) -> str:
    """One line for the bitácora: who, and what changed (where it moved, if it did)."""
    who = f"Contact {plan.contact_no} ({contacts.full_name(plan.after['first_name'], plan.after['last_name'])})"
    old, new = plan.before["account_id"], plan.after["account_id"]
    others = [to_camel_case(field) for field in changed if field != "account_id"]
    if old == new:
        return f"{who} updated: {', '.join(others)}"
    moved = f"{who} moved from {plan.accounts[old]} to {plan.accounts[new]}"
    return f"{moved}; updated {', '.join(others)}" if others else moved


async def _write(session: AsyncSession, plan: _Plan, log: Log) -> int:
    changed = [field for field, value in plan.after.items() if plan.before[field] != value]
    if not changed:
        return plan.contact_id  # nothing to change: nothing written, updatedAt stays
    await write_version(session, Contact, plan.contact_id, plan.read_at, {f: plan.after[f] for f in changed}, "the contact")
    old, new = plan.before["account_id"], plan.after["account_id"]
    action = "CONTACT_MOVED" if old != new else "CONTACT_UPDATED"
    summary = _summary(plan, changed)
    changed_values = changes(plan.before, plan.after, contacts.REFERENCE_TYPES)
    # The contact's own history, on the bitácora of the account it now belongs to (if any) ...
    log.add(action, summary, account_id=new, contact_id=plan.contact_id, contactNo=plan.contact_no, changed=changed_values)
    if old != new and old is not None:
        # ... and on the bitácora of the account it left, without a second entry in its own history.
        log.add(action, summary, account_id=old, contact=global_id("Contact", plan.contact_id), contactNo=plan.contact_no,
                changed=changed_values)
    return plan.contact_id


MUTATION = MutationDef(
    name="updateContact",
    description="Change a contact: any subset of its fields, moving it to another account or to none included; "
    "with `expectedUpdatedAt`, only if nobody changed it since.",
    input=UpdateContactInput,
    input_description="The contact and the fields to change.",
    node="contact",
    model=Contact,
    node_description="The contact as it is now",
    check=_check,
    write=_write,
    also=lambda plan: [(Account, [plan.after["account_id"]])] if plan.after["account_id"] is not None else [],
)
