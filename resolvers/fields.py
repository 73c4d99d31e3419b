"""The editable fields of a node, declared once as specs and shared by its create and update mutations.

A node's module (resolvers/contacts.py) declares `{python_name: (GraphQL type, description)}` and a
`clean(field, value)` for one value; from them `input_type` builds the inputs, `given` reads what an
input gives, `column_values` what a row holds, `check_references` finds the rows it names, and
`reaches` walks a chain of self-references (reports to, corporate parent) to refuse a cycle.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from typing import Any, Optional, TypeVar

import strawberry
from sqlmodel import select
from sqlmodel.ext.asyncio.session import AsyncSession
from strawberry.types.unset import UNSET
from strawberry.utils.str_converters import to_camel_case

from models import Table
from resolvers.errors import ErrorCode, Problems
from resolvers.pipeline import next_updated_at
from resolvers.transaction import pending_number, stored_id

#: python name -> (GraphQL type, description) of every field a mutation may set on a node.
Specs = Mapping[str, tuple[Any, str]]
NumberedTable = TypeVar("NumberedTable", bound=Table)


def input_type(specs: Specs, name: str, description: str, own: Mapping[str, tuple[Any, Any]], fields: Iterable[str],
               omitted: str) -> type:
    """A Strawberry input: the `own` fields (annotation, strawberry.field) first, then each of `fields`
    (keys of `specs`) optional and omitted by default (UNSET), its description ending with `omitted`."""
    annotations: dict[str, Any] = {}
    namespace: dict[str, Any] = {"__annotations__": annotations}
    for field, (annotation, definition) in own.items():
        annotations[field], namespace[field] = annotation, definition
    for field in fields:
        annotation, text = specs[field]
        annotations[field] = Optional[annotation]
        namespace[field] = strawberry.field(default=UNSET, description=f"{text} {omitted}")
    return strawberry.input(type(name, (), namespace), description=description)


def column_values(row: Any, fields: Iterable[str]) -> dict[str, Any]:
    """The values of `fields` on a row (a database row or an ORM object), by column."""
    return {field: getattr(row, field) for field in fields}


def given(input: Any, fields: Iterable[str], clean: Callable[[str, Any], Any]) -> dict[str, Any]:
    """`clean(field, value)` of every field of `fields` the input gives (null included), by column."""
    values = {}
    for field in fields:
        value = getattr(input, field)
        if value is not UNSET:
            values[field] = clean(field, value)
    return values


async def check_references(session: AsyncSession, problems: Problems, values: Mapping[str, Any],
                           references: Mapping[str, type[Table]]) -> None:
    """Every row the values name (a column of `references` -> its model) exists."""
    for field, model in references.items():
        if values.get(field) is not None and await session.get(model, values[field]) is None:
            problems.add([to_camel_case(field)], ErrorCode.NOT_FOUND, f"there is no {model.type_name()} with that id")


async def reaches(session: AsyncSession, model: type[Table], column: str, start: int | None, target: int,
                  limit: int) -> bool:
    """Whether following `column` (a reference of `model` to itself) from `start`, at most `limit` steps,
    arrives at `target`: setting target's `column` to `start` would then make a cycle."""
    table = model.__table__
    current, steps = start, 0
    while current is not None and steps < limit:
        if current == target:
            return True
        current = (await session.exec(select(table.c[column]).where(table.c.id == current))).first()
        steps += 1
    return False


async def insert_numbered(session: AsyncSession, model: type[NumberedTable], number_column: str,
                          values: Mapping[str, Any]) -> NumberedTable:
    """A new row of `model` numbered from its id (CLI-000123, CON-000123): inserted with a stand-in
    number, which the id then replaces, so numbers are unique however many rows are created at once.
    Its createdAt and updatedAt are one instant."""
    now = next_updated_at(None)
    assigned: dict[str, Any] = {number_column: pending_number(), "created_at": now, "updated_at": now}
    row = model(**assigned, **values)
    session.add(row)
    await session.flush()
    setattr(row, number_column, model.assigned_number(stored_id(row)))
    return row
