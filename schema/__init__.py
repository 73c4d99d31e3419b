"""The Strawberry Schema object of crmgraph."""

from __future__ import annotations

import strawberry
from graphql import GraphQLError
from strawberry.extensions import MaskErrors, ParserCache, ValidationCache
from strawberry.schema.config import StrawberryConfig

from loaders.errors import UserInputError
from resolvers.root import Query
from schema.types import NODE_TYPES


def _should_mask(error: GraphQLError) -> bool:
    """Mask only what the client did not cause: our own input errors and GraphQL errors stay precise."""
    original = error.original_error
    return original is not None and not isinstance(original, (UserInputError, GraphQLError))


def build_schema() -> strawberry.Schema:
    return strawberry.Schema(
        query=Query,
        types=list(NODE_TYPES.values()),
        config=StrawberryConfig(relay_max_results=100),
        extensions=[
            ParserCache,
            ValidationCache,
            lambda: MaskErrors(should_mask_error=_should_mask, error_message="Unexpected error"),
        ],
    )


schema = build_schema()
