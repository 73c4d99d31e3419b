"""What the database holds, read with plain SQL and Python, to compare the API against; and answers
made comparable across two apps."""

from __future__ import annotations

import datetime as dt
import enum
import functools
import json
from decimal import Decimal
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncEngine
from strawberry.utils.str_converters import to_camel_case

from models import Relation, Table


def scalar_columns(model: type[Table]) -> list[str]:
    """Columns a node type exposes as plain fields (not the id, not foreign keys)."""
    return [c.name for c in model.__table__.columns if c.name != "id" and not c.foreign_keys]


def selection(model: type[Table]) -> str:
    return " ".join(to_camel_case(name) for name in scalar_columns(model))


def as_json(value: Any) -> Any:
    """A database value as GraphQL serializes it."""
    if isinstance(value, list):
        return [as_json(v) for v in value]
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, dt.datetime):
        return value.astimezone(dt.UTC).isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


async def related_rows(engine: AsyncEngine, relation: Relation, parent_id: int) -> list[dict[str, Any]]:
    """The relation's rows for one parent, in the order docs/domain.md §2.5 gives (NULLs last, id breaks ties)."""
    target = relation.target.__table__
    if relation.link is None:
        statement = sa.select(target).where(target.c[relation.fk] == parent_id)
    else:
        link = relation.link.__table__
        statement = (
            sa.select(target)
            .join(link, link.c[relation.link_target] == target.c.id)
            .where(link.c[relation.link_parent] == parent_id)
        )
    async with engine.connect() as connection:
        rows = [dict(row._mapping) for row in await connection.execute(statement)]
    return sort_rows(rows, relation.target.default_order)


def sort_rows(rows: list[dict[str, Any]], default_order: tuple[str, ...]) -> list[dict[str, Any]]:
    terms = [(name.lstrip("-"), name.startswith("-")) for name in default_order if name.lstrip("-") != "id"]
    terms.append(("id", terms[0][1] if terms else False))

    def compare(a: dict[str, Any], b: dict[str, Any]) -> int:
        for column, descending in terms:
            x, y = a[column], b[column]
            if x == y:
                continue
            if x is None or y is None:
                return 1 if x is None else -1  # NULLs last in both directions
            result = -1 if x < y else 1
            return -result if descending else result
        return 0

    return sorted(rows, key=functools.cmp_to_key(compare))


def comparable(body: Any) -> Any:
    """A response as it can be compared: masked errors' request ids blanked, errors in one order, and the
    rate limit's state of each app's own bucket blanked (its limit and the cost charged must agree)."""
    if isinstance(body, list):  # a batch
        return [comparable(answer) for answer in body]
    if isinstance(body, dict) and "rateLimit" in (body.get("extensions") or {}):
        rate = {**body["extensions"]["rateLimit"], "remaining": "<per app>", "resetAt": "<per app>"}
        body = {**body, "extensions": {**body["extensions"], "rateLimit": rate}}
    if not isinstance(body, dict) or not body.get("errors"):
        return body
    errors = [_without_request_id(error) for error in body["errors"]]
    return {**body, "errors": sorted(errors, key=lambda error: json.dumps(error, sort_keys=True))}


def _without_request_id(error: dict[str, Any]) -> dict[str, Any]:
    extensions = error.get("extensions") or {}
    if extensions.get("code") != "INTERNAL_SERVER_ERROR" or "requestId" not in extensions:
        return error
    return {**error, "extensions": {**extensions, "requestId": "<request id>"}}
