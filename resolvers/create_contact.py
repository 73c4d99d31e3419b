"""createContact: a new contact (contacto), optionally under an account; a sync script's first write.

The last name is required; email, phone and mobile are validated (resolvers/contacts.py), text fits its
column, and the account, manager and owner it names exist. The contact number is assigned from the id.
The entry of the log goes on the contact's history and, when it has one, on its account's bitácora.
"""

from typing import Any

import strawberry
from sqlmodel.ext.asyncio.session import AsyncSession

from models import Account, Contact
from resolvers import contacts
from resolvers.context import RequestContext
from resolvers.errors import Problems
from resolvers.pipeline import Log, MutationDef, changes
from resolvers.transaction import stored_id

_OMIT = "omit it for false"  # only the flags are not null and optional

CreateContactInput = contacts.input_type(
    "CreateContactInput", "A new contact: the last name, and any other field.",
    {"last_name": (str, strawberry.field(description=f"{contacts.FIELDS['last_name'][1]} Required."))},
    [field for field in contacts.FIELDS if field != "last_name"],
    "Optional: empty (false for a flag) when omitted.",
)


async def _check(session: AsyncSession, input: Any, problems: Problems, context: RequestContext) -> dict[str, Any]:
    values = contacts.given(input, contacts.FIELDS, problems, omit=_OMIT)
    await contacts.check_references(session, problems, values)
    # A new contact has no reports yet: whoever it reports to, no cycle can close through it.
    return values


async def _write(session: AsyncSession, values: dict[str, Any], log: Log) -> int:
    contact = await contacts.insert_contact(session, values)
    log.add("CONTACT_CREATED", f"Contact {contact.contact_no} created ({contacts.full_name(contact.first_name, contact.last_name)})",
            account_id=contact.account_id, contact_id=contact.id, contactNo=contact.contact_no,
            changed=changes(None, contacts.column_values(contact), contacts.REFERENCE_TYPES))
    return stored_id(contact)


MUTATION = MutationDef(
    name="createContact",
    description="A new contact, optionally under an account. The last name is required; the contact number is "
    "assigned; email and phones are validated.",
    input=CreateContactInput,
    input_description="The contact's fields.",
    node="contact",
    model=Contact,
    node_description="The new contact, with its number and every field and tab",
    check=_check,
    write=_write,
    # Its account is what a script usually reads back with it (its contacts tab).
    also=lambda values: [(Account, [values["account_id"]])] if values.get("account_id") is not None else [],
)
