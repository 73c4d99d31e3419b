"""How the values a plan reads become the JSON values the stock schema writes: scalar converters
chosen from a field's GraphQL type, global ids, and decimals as strings."""

from __future__ import annotations

import binascii
import datetime as dt
from collections.abc import Callable
from decimal import Decimal
from typing import Any

from graphql import GraphQLList, GraphQLNonNull

#: GraphQL scalars whose Python values are not JSON values as they are: how the stock schema writes them.
CONVERTERS: dict[str, Callable[[Any], Any]] = {
    "Decimal": str,
    "Date": dt.date.isoformat,
    "DateTime": dt.datetime.isoformat,
}


def global_id_of(type_name: str) -> Callable[[int], str]:
    """`schema.node.global_id` for one type, with its prefix made once."""
    prefix = f"{type_name}:"
    encode = binascii.b2a_base64

    def make(pk: int) -> str:
        return encode((prefix + str(pk)).encode(), newline=False).decode()

    return make


def decimal_text(value: Decimal | None) -> str | None:
    """A decimal as the stock schema writes it: a string (None stays None)."""
    return None if value is None else str(value)


def unwrap_non_null(gtype: Any) -> Any:
    """The GraphQL type without its non-null wrapper."""
    while isinstance(gtype, GraphQLNonNull):
        gtype = gtype.of_type
    return gtype


def json_converter(gtype: Any) -> Callable[[Any], Any] | None:
    """How a leaf value of this GraphQL type becomes JSON; None when it is JSON as it comes."""
    gtype = unwrap_non_null(gtype)
    if isinstance(gtype, GraphQLList):
        inner = json_converter(gtype.of_type)
        return None if inner is None else (lambda values: [None if v is None else inner(v) for v in values])
    return CONVERTERS.get(gtype.name)
