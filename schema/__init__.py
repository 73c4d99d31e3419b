"""The Strawberry Schema object of crmgraph."""

from __future__ import annotations

from strawberry.extensions import ParserCache, ValidationCache
from strawberry.schema.config import StrawberryConfig

from resolvers.mutation import Mutation
from resolvers.root import Query
from schema.errors import MaskUnexpectedErrors, Schema
from schema.scalars import SCALAR_OVERRIDES
from schema.types import NODE_TYPES


def build_schema() -> Schema:
    return Schema(
        query=Query,
        mutation=Mutation,
        types=list(NODE_TYPES.values()),
        scalar_overrides=SCALAR_OVERRIDES,
        config=StrawberryConfig(relay_max_results=100),
        extensions=[ParserCache, ValidationCache, MaskUnexpectedErrors],
    )


schema = build_schema()
