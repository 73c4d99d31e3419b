"""The Relay Node interface, opaque global ids, and rows turned into node objects."""

from __future__ import annotations

import base64
import binascii
from typing import Any, TypeVar

import strawberry
from sqlalchemy import Row

from loaders.errors import UserInputError

T = TypeVar("T")


@strawberry.interface(description="An object with a global id, fetchable with `node(id:)`.")
class Node:
    id: strawberry.ID = strawberry.field(description="Opaque global id. Do not parse it: it may change form.")


def global_id(type_name: str, pk: int) -> str:
    return base64.b64encode(f"{type_name}:{pk}".encode()).decode()


def parse_global_id(value: str) -> tuple[str, int]:
    """(type name, primary key) of a global id; a clear error for anything this API did not make."""
    try:
        type_name, _, pk = base64.b64decode(value.encode(), validate=True).decode().partition(":")
        number = int(pk)
    except (binascii.Error, UnicodeError, ValueError):
        raise UserInputError(f"invalid id {value[:64]!r}: not an id of this API") from None
    if not type_name or number < 1 or not pk.isdigit():
        raise UserInputError(f"invalid id {value[:64]!r}: not an id of this API")
    return type_name, number


def to_node(cls: type[T], row: Row[Any]) -> T:
    """A node object straight from a Core row: no ORM entity, no dataclass __init__ on the hot path."""
    node = cls.__new__(cls)
    values = node.__dict__
    values.update(row._mapping)
    values["pk"] = pk = values["id"]
    values["id"] = global_id(cls.graphql_name, pk)  # type: ignore[attr-defined]
    return node
