"""A contact's fields as the mutations take them, and the rules every contact write keeps.

createContact and updateContact declare their inputs from `FIELDS` (`input_type`), check each value
with `clean` (lengths and nullability come from the `contact` table's columns), the rows a value
refers to with `check_references` and a new manager with `check_reports_to`; `insert_contact`
writes a new contact with its number.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

import strawberry
from sqlmodel.ext.asyncio.session import AsyncSession
from strawberry.utils.str_converters import to_camel_case

from models import Account, AppUser, Contact, Table
from resolvers import fields as field_specs
from resolvers import validation
from resolvers.errors import ErrorCode, Problems

_COLUMNS = Contact.__table__.c


def _max_length(field: str) -> int:
    """How many characters the text column of `field` holds."""
    length = getattr(_COLUMNS[field].type, "length", None)
    assert isinstance(length, int), f"contact.{field} is not a text column of a given length"
    return length


def _at_most(field: str) -> str:
    return f"at most {_max_length(field)} characters"


_PHONE = "10 digits for Mexico, or + and the country code"

#: Every field a mutation may set on a contact: python name -> (GraphQL type, description).
FIELDS: dict[str, tuple[Any, str]] = {
    "first_name": (str, f"First name(s) ({_at_most('first_name')})."),
    "last_name": (str, f"Last name(s) ({_at_most('last_name')}); never empty."),
    "title": (str, f"Job title ({_at_most('title')})."),
    "department": (str, f"Department ({_at_most('department')})."),
    "email": (str, f"Email address ({_at_most('email')})."),
    "phone": (str, f"Office phone: {_PHONE} ({_at_most('phone')})."),
    "mobile": (str, f"Mobile phone: {_PHONE} ({_at_most('mobile')})."),
    "account_id": (strawberry.ID, "Global id of the account the contact works for (null for none)."),
    "reports_to_id": (strawberry.ID, "Global id of the contact this person reports to (null for none); not the contact "
                                     "itself nor anyone who reports to it."),
    "do_not_email": (bool, "Never email this contact."),
    "marketing_opt_in": (bool, "Accepts marketing."),
    "assigned_user_id": (strawberry.ID, "Global id of the owning user (null for none)."),
}
#: Fields whose column cannot be null: a mutation may change them, not clear them.
NOT_NULL = frozenset(field for field in FIELDS if not _COLUMNS[field].nullable)
REFERENCES: dict[str, type[Table]] = {"account_id": Account, "reports_to_id": Contact, "assigned_user_id": AppUser}
#: The type of each reference's global id, as the activity log records it.
REFERENCE_TYPES = {field: model.type_name() for field, model in REFERENCES.items()}
#: Longest chain of managers walked to refuse a cycle of reports.
MAX_REPORTS_DEPTH = 100


def input_type(name: str, description: str, own: Mapping[str, tuple[Any, Any]], fields: Iterable[str], omitted: str) -> type:
    """A Strawberry input of the `own` fields, then the contact fields `fields`, omitted by default."""
    return field_specs.input_type(FIELDS, name, description, own, fields, omitted)


def clean(problems: Problems, field: str, value: Any, *, omit: str) -> Any:
    """The value of `field`, checked for its own sake. `omit` says what leaving the field out does,
    for the message that refuses a null."""
    path = [to_camel_case(field)]
    if value is None:
        if field in NOT_NULL:
            problems.add(path, ErrorCode.INVALID, f"{path[0]} cannot be null; {omit}")
        return None
    if field == "last_name":
        return validation.required_text(problems, path, value, _max_length(field))
    if field == "email":
        address = validation.email(problems, path, value)
        return validation.optional_text(problems, path, address, _max_length(field))
    if field in ("phone", "mobile"):
        return validation.phone(problems, path, value, _max_length(field))
    if field in REFERENCES:
        return validation.global_id(problems, path, value, REFERENCES[field])
    if isinstance(value, str):
        return validation.optional_text(problems, path, value, _max_length(field))
    return value


def given(input: Any, fields: Iterable[str], problems: Problems, *, omit: str) -> dict[str, Any]:
    """The clean value of every field of `fields` the input gives (null included), by column."""
    return field_specs.given(input, fields, lambda field, value: clean(problems, field, value, omit=omit))


async def check_references(session: AsyncSession, problems: Problems, values: Mapping[str, Any]) -> None:
    """Every account, contact and user the values name exists."""
    await field_specs.check_references(session, problems, values, REFERENCES)


async def check_reports_to(session: AsyncSession, problems: Problems, contact_id: int, manager_id: int | None) -> None:
    """A new manager is not the contact itself nor anyone who reports to it, at any depth."""
    if await field_specs.reaches(session, Contact, "reports_to_id", manager_id, contact_id, MAX_REPORTS_DEPTH):
        problems.add(["reportsToId"], ErrorCode.INVALID, "a contact cannot report to itself, directly or through "
                     "the people who report to it")


async def insert_contact(session: AsyncSession, values: Mapping[str, Any]) -> Contact:
    """A new contact with these column values, numbered from its id."""
    return await field_specs.insert_numbered(session, Contact, "contact_no", values)


def column_values(contact: Any) -> dict[str, Any]:
    """The editable values of a contact (a row or an ORM object), by column."""
    return field_specs.column_values(contact, FIELDS)


def full_name(first_name: str | None, last_name: str) -> str:
    """The name a log summary shows: first and last name."""
    return " ".join(part for part in (first_name, last_name) if part)


async def account_numbers(session: AsyncSession, *ids: int | None) -> dict[int | None, str]:
    """The account number of each id (already loaded ones come from the session), "no account" for None."""
    numbers: dict[int | None, str] = {None: "no account"}
    for pk in ids:
        if pk is not None:
            account = await session.get(Account, pk)
            assert account is not None, "a contact's account exists: a foreign key, or checked by check_references"
            numbers[pk] = account.account_no
    return numbers
