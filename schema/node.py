"""The Relay Node interface, opaque global ids, and rows turned into node objects."""

from __future__ import annotations

import base64
import binascii
import re
from collections.abc import Sequence, Sized
from typing import Any, TypeVar

import strawberry
from sqlalchemy import Row

from loaders.errors import UserInputError
from loaders.paging import MAX_PAGE
from models import NODE_MODELS, Table

T = TypeVar("T")
#: Primary keys are INTEGER: a larger number is no id of this API.
MAX_ID = 2**31 - 1
_PK = re.compile(r"[1-9][0-9]{0,9}")


@strawberry.interface(description="An object with a global id, fetchable with `node(id:)`.")
class Node:
    id: strawberry.ID = strawberry.field(description="Opaque global id. Do not parse it: it may change form.")

#: Ids one `nodes(ids:)` takes: a page's worth.
MAX_NODE_IDS = MAX_PAGE


def global_id(type_name: str, pk: int) -> str:
    return base64.b64encode(f"{type_name}:{pk}".encode()).decode()


def parse_global_id(value: str) -> tuple[str, int]:
    """(type name, primary key) of a global id; a clear error for anything this API did not make."""
    try:
        type_name, _, pk = base64.b64decode(value.encode(), validate=True).decode().partition(":")
    except (binascii.Error, UnicodeError, ValueError):
        raise UserInputError(f"invalid id {value[:64]!r}: not an id of this API") from None
    # The key as `global_id` writes it: int() alone would also read "٥٠٧" (Arabic-Indic digits),
    # " 507" or "0507", and a row would have many ids.
    if not type_name or not _PK.fullmatch(pk) or int(pk) > MAX_ID:
        raise UserInputError(f"invalid id {value[:64]!r}: not an id of this API")
    return type_name, int(pk)


def pk_of(value: str, model: type[Table]) -> int | None:
    """The primary key a global id gives for `model`; None when it is an id of another type.
    A string that is no global id at all is a UserInputError."""
    type_name, pk = parse_global_id(value)
    return pk if type_name == model.type_name() else None


def expected_pk(value: str, model: type[Table]) -> int:
    """The primary key of a global id that must name a `model` row; any other id is a UserInputError."""
    pk = pk_of(value, model)
    if pk is None:
        raise UserInputError(f"invalid id {value[:64]!r}: not an id of a {model.type_name()}")
    return pk


def node_key(value: str, expected: type[Table] | None = None) -> tuple[type[Table], int] | None:
    """(model, primary key) of a global id: of `expected` when given, else of whichever node type it
    names (None for a type this API does not have)."""
    if expected is not None:
        return expected, expected_pk(value, expected)
    type_name, pk = parse_global_id(value)
    model = NODE_MODELS.get(type_name)
    return None if model is None else (model, pk)


def check_node_ids(ids: Sized) -> None:
    """`nodes(ids:)` takes at most MAX_NODE_IDS ids."""
    if len(ids) > MAX_NODE_IDS:
        raise UserInputError(f"nodes takes at most {MAX_NODE_IDS} ids, got {len(ids)}")


def to_node(cls: type[T], row: Row[Any]) -> T:
    """A node object straight from a Core row: no ORM entity, no dataclass __init__ on the hot path."""
    return to_nodes(cls, [row])[0]


def to_nodes(cls: type[T], rows: Sequence[Row[Any]]) -> list[T]:
    """Node objects for rows of one statement (their field names are read once, not per row)."""
    if not rows:
        return []
    fields = rows[0]._fields
    type_name = cls.graphql_name  # type: ignore[attr-defined]
    new = cls.__new__
    nodes = []
    for row in rows:
        node = new(cls)
        values = node.__dict__
        values.update(zip(fields, row, strict=True))
        values["pk"] = pk = values["id"]
        values["id"] = global_id(type_name, pk)
        nodes.append(node)
    return nodes
