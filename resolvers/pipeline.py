"""The one shape of every mutation: parse and check, load, write with its log row, answer.

A mutation module declares a `MutationDef`: its input type, the node it answers with, and two steps.
- `check(session, input, problems) -> plan`: parse and normalize the input, validate it, load what it
  refers to, and add every problem to `problems` (with its path into the input). Nothing is written.
- `write(session, plan, log) -> id`: write through the ORM inside the transaction, log the change with
  `log.add(...)` (the token, what changed, before and after), and return the id of the node to answer
  with. A write that finds the row changed under it raises `Refused` (a CONFLICT): nothing is kept.

`run` does the rest the same way for all of them: one transaction (resolvers/transaction.py), the
answer read back inside it, no write at all when there is a problem. `mutation_field` turns a
definition into the GraphQL field with its `<Name>Payload { <node> errors }`; the registry of
mutations is resolvers/mutation.py.
"""

from __future__ import annotations

import datetime as dt
import enum
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Annotated, Any, Optional

import sqlalchemy as sa
import strawberry
from sqlmodel import select
from sqlmodel.ext.asyncio.session import AsyncSession
from strawberry.utils.str_converters import to_camel_case

from models import ActivityLog, Relation, Table
from models.types import utcnow
from resolvers import validation
from resolvers.context import RequestContext, RequestInfo
from resolvers.errors import ErrorCode, Problems, UserError
from resolvers.transaction import read_back, read_back_children, read_session, write_session
from schema.node import global_id, to_node
from schema.types import NODE_TYPES


class Refused(Exception):
    """A write that cannot go on (the row changed under it): the transaction is rolled back and the
    payload carries these problems."""

    def __init__(self, problems: Problems) -> None:
        super().__init__("refused")
        self.problems = problems


@dataclass(frozen=True)
class MutationDef:
    """One mutation: what the registry needs to expose it and the pipeline needs to run it."""

    name: str  #: GraphQL field name, e.g. "createAccount"
    description: str
    input: type  #: its Strawberry input type
    input_description: str
    node: str  #: payload field of the node, e.g. "account"
    model: type[Table]  #: table of that node
    node_description: str
    check: Callable[[AsyncSession, Any, Problems, RequestContext], Awaitable[Any]]
    write: Callable[[AsyncSession, Any, Log], Awaitable[int]]
    children: tuple[Relation, ...] = ()  #: child lists of the node read back with it (lines)
    #: Rows of other tables the answer usually shows (an order's vendor and contact), read back with the
    #: node so that nothing needs the database after the commit.
    also: Callable[[Any], list[tuple[type[Table], list[int]]]] = lambda plan: []


def _json(value: Any) -> Any:
    """A value as the log's JSON keeps it: what the API shows (enum names, decimal strings, ISO dates)."""
    if isinstance(value, enum.Enum):
        return value.name
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    if isinstance(value, list | tuple):
        return [_json(v) for v in value]
    return value


def as_stored(model: type[Table] | None, column: str, value: Any) -> Any:
    """A value as its column gives it back: a decimal at the column's scale (10 -> 10.00 for money)."""
    scale = None if model is None else getattr(model.__table__.c[column].type, "scale", None)
    if isinstance(value, Decimal) and scale is not None:
        return value.quantize(Decimal(1).scaleb(-scale))
    return value


def changes(before: Mapping[str, Any] | None, after: Mapping[str, Any], references: Mapping[str, str] = {}, *,
            model: type[Table] | None = None) -> dict[str, Any]:
    """`{apiField: {"before": ..., "after": ...}}` for every column whose value differs (for a new row,
    `before` None: every column it fills), as `model`'s columns store them. `references` maps a foreign-key column to
    the type of its global id."""
    result = {}
    for column, new in after.items():
        old = None if before is None else before.get(column)
        old, new = as_stored(model, column, old), as_stored(model, column, new)
        if old == new:  # for a new row, the columns it leaves empty
            continue
        if column in references:
            old, new = (None if v is None else global_id(references[column], v) for v in (old, new))
        result[to_camel_case(column)] = {"before": _json(old), "after": _json(new)}
    return result


class Log:
    """The activity-log rows of one mutation, written in its transaction, as its token."""

    def __init__(self, session: AsyncSession, context: RequestContext) -> None:
        self.session, self.context, self.at = session, context, utcnow()

    def add(
        self,
        action: str,
        summary: str,
        *,
        account_id: int | None = None,
        contact_id: int | None = None,
        changed: dict[str, Any] | None = None,
        **details: Any,
    ) -> None:
        """One entry about an account, a contact or both; `changed` is `changes(before, after)`."""
        payload = {**({"changes": changed} if changed is not None else {}), **details}
        self.session.add(ActivityLog(
            account_id=account_id, contact_id=contact_id, at=self.at, actor=self.context.actor, action=action,
            summary=summary[:254], details=payload or None,
        ))


def next_updated_at(previous: dt.datetime | None) -> dt.datetime:
    """Now, or a microsecond after `previous` when the clock has not moved past it: every write gives a
    row a new `updatedAt`, so a compare-and-set on it never mistakes two versions for one."""
    now = utcnow()
    return now if previous is None or now > previous else previous + dt.timedelta(microseconds=1)


async def load_for_update(session: AsyncSession, model: type[Table], pk: int) -> Any:
    """The ORM row to update, locked until the transaction ends on PostgreSQL, so concurrent updates of
    one row check and write one after the other (SQLite has one writer at a time anyway)."""
    return (await session.exec(select(model).where(model.id == pk).with_for_update())).first()


async def compare_and_set(session: AsyncSession, model: type[Table], pk: int, expected: Mapping[str, Any],
                          values: Mapping[str, Any]) -> bool:
    """`UPDATE model SET values WHERE id = pk AND <each expected column equals its value>`: whether the
    row still was as expected (and is now changed). One statement: no read between check and write."""
    table = model.__table__
    statement = sa.update(table).where(table.c.id == pk, *(table.c[c] == v for c, v in expected.items())).values(**values)
    result = await (await session.connection()).execute(statement)
    return result.rowcount == 1


def version_fields(what: str) -> dict[str, tuple[Any, Any]]:
    """The `id` and `expectedUpdatedAt` fields of an input that changes a `what` (an account, ...)."""
    return {
        "id": (strawberry.ID, strawberry.field(description=f"Global id of the {what}.")),
        "expected_updated_at": (Optional[dt.datetime], strawberry.field(
            default=None, description=f"The {what}'s `updatedAt` as last read: if it has changed since, nothing is "
            f"written and the answer is a CONFLICT. Omit to apply the change to the {what} as it is.")),
    }


async def load_version(session: AsyncSession, problems: Problems, model: type[Table], input: Any, what: str,
                       name: Callable[[Any], str]) -> Any:
    """The row the input's `id` names, locked (`load_for_update`), its `expectedUpdatedAt` checked: a
    missing row is NOT_FOUND, a time without its UTC offset INVALID, a version not the row's a CONFLICT.
    `name(row)` names the row in messages ("account CLI-000123")."""
    pk = validation.global_id(problems, ["id"], input.id, model)
    row = await load_for_update(session, model, pk) if pk is not None else None
    if pk is not None and row is None:
        problems.add(["id"], ErrorCode.NOT_FOUND, f"there is no {what} {input.id[:64]!r}")
    if row is None:
        return None
    expected = input.expected_updated_at
    if expected is not None and expected.tzinfo is None:
        problems.add(["expectedUpdatedAt"], ErrorCode.INVALID, "expectedUpdatedAt needs its UTC offset, as updatedAt "
                     f"gives it (e.g. {row.updated_at.isoformat()})")
    elif expected is not None and expected != row.updated_at:
        problems.add(["expectedUpdatedAt"], ErrorCode.CONFLICT, f"{name(row)} changed since expectedUpdatedAt: it was "
                     f"last updated at {row.updated_at.isoformat()}; read it again and apply the change to what it is now")
    return row


async def write_version(session: AsyncSession, model: type[Table], pk: int, read_at: dt.datetime,
                        values: Mapping[str, Any], what: str) -> dt.datetime:
    """The values written only if the row is still at the version the checks read (`read_at`), with a new
    `updated_at`, which is returned; a row changed meanwhile is `changed_meanwhile` (nothing is kept)."""
    updated_at = next_updated_at(read_at)
    if not await compare_and_set(session, model, pk, {"updated_at": read_at}, {**values, "updated_at": updated_at}):
        raise changed_meanwhile(what)
    return updated_at


def changed_meanwhile(what: str, path: Sequence[str] = ("expectedUpdatedAt",), detail: str = "") -> Refused:
    """The refusal of a compare-and-set that found the row changed by another write after the checks."""
    problems = Problems()
    problems.add(path, ErrorCode.CONFLICT, f"{what} changed while this update ran{detail}; read it again and apply "
                 "the change to what it is now")
    return Refused(problems)


async def run(definition: MutationDef, context: RequestContext, input: Any) -> dict[str, Any]:
    """Check, write and read back in one transaction: the payload's values."""
    problems = Problems()
    try:
        async with write_session(context) as session:
            plan = await definition.check(session, input, problems, context)
            if problems:
                return {definition.node: None, "errors": problems.errors}
            pk = await definition.write(session, plan, Log(session, context))
            await session.flush()
            # Read back before the commit: once it is committed, nothing may fail on the way to the answer.
            (row,) = await read_back(session, definition.model, [pk])
            children = [(relation, await read_back_children(session, relation, pk)) for relation in definition.children]
            others = [(model, await read_back(session, model, ids)) for model, ids in definition.also(plan)]
    except Refused as refusal:
        return {definition.node: None, "errors": refusal.problems.errors}
    context.loaders.prime(definition.model, [row])
    for relation, rows in children:
        context.loaders.prime_children(relation, pk, rows)
    for model, rows in others:
        context.loaders.prime(model, rows)
    return {definition.node: to_node(NODE_TYPES[definition.model.type_name()], row), "errors": []}


async def check_only(definition: MutationDef, context: RequestContext, input: Any) -> tuple[Problems, Any]:
    """The check step alone, in a transaction that is rolled back: what a preview shows."""
    problems = Problems()
    async with read_session(context) as session:
        plan = await definition.check(session, input, problems, context)
    return problems, plan


def payload_type(definition: MutationDef) -> type:
    """`<Name>Payload { <node>: <Node> errors: [UserError!]! }`."""
    node_type = NODE_TYPES[definition.model.type_name()]
    name = definition.name[0].upper() + definition.name[1:] + "Payload"
    namespace = {
        "__annotations__": {definition.node: Optional[node_type], "errors": list[UserError]},
        definition.node: strawberry.field(description=f"{definition.node_description}; null when there are errors."),
        "errors": strawberry.field(description="Why nothing was written; empty on success."),
    }
    return strawberry.type(type(name, (), namespace), description=f"The result of {definition.name}.")


def mutation_field(definition: MutationDef, permission_classes: list[type]) -> Any:
    """The Mutation type's field of a definition, run by the pipeline."""
    payload = payload_type(definition)

    async def resolve(info: RequestInfo, input: Any) -> Any:
        return payload(**await run(definition, info.context, input))

    resolve.__annotations__ = {
        "info": strawberry.Info,
        "input": Annotated[definition.input, strawberry.argument(description=definition.input_description)],
        "return": Optional[payload],
    }
    return strawberry.mutation(resolver=resolve, permission_classes=permission_classes, description=definition.description)
