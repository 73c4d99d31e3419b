"""The Strawberry Schema object of crmgraph, with the limits of its settings."""

from __future__ import annotations

from strawberry.extensions import (
    AddValidationRules,
    DisableIntrospection,
    MaxTokensLimiter,
    ParserCache,
    ValidationCache,
)
from strawberry.schema.config import StrawberryConfig

from resolvers.mutation import Mutation
from resolvers.root import Query
from schema.complexity import DocumentComplexity
from schema.errors import MaskUnexpectedErrors, Schema
from schema.filters import FilterLimits
from schema.limits import NodeBudget, alias_limit, depth_limit
from schema.scalars import SCALAR_OVERRIDES
from schema.types import NODE_TYPES
from service.settings import Settings


def build_schema(settings: Settings | None = None) -> Schema:
    settings = settings or Settings()
    # The rule classes are made once: ValidationCache keys on them, so a document is validated once.
    limits = [depth_limit(settings.max_depth), alias_limit(settings.max_aliases)]
    extensions = [
        ParserCache,
        ValidationCache,
        lambda: MaxTokensLimiter(max_token_count=settings.max_tokens),
        DocumentComplexity,
        lambda: AddValidationRules(limits),
        FilterLimits,  # before NodeBudget: an oversized filter is refused before any variable is coerced
        lambda: NodeBudget(budget=settings.node_budget),
        MaskUnexpectedErrors,
    ]
    if not settings.introspection:
        extensions.append(DisableIntrospection)
    return Schema(
        query=Query,
        mutation=Mutation,
        types=list(NODE_TYPES.values()),
        scalar_overrides=SCALAR_OVERRIDES,
        config=StrawberryConfig(relay_max_results=100, batching_config={"max_operations": settings.max_batch}),
        extensions=extensions,
    )


#: The schema with default settings: what `crmgraph schema` prints.
schema = build_schema()
