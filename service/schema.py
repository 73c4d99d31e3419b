"""The Strawberry Schema object of crmgraph: the root types of `resolvers/` with the types, limits and
executor of `schema/`, configured by the settings (passed on as plain values)."""

from __future__ import annotations

import asyncio
from collections.abc import Callable

from graphql.validation import ASTValidationRule
from strawberry.extensions import (
    AddValidationRules,
    DisableIntrospection,
    MaxTokensLimiter,
    ParserCache,
    SchemaExtension,
)
from strawberry.schema.config import StrawberryConfig

from loaders.errors import RequestErrorCode
from loaders.paging import MAX_PAGE
from resolvers.mutation import Mutation
from resolvers.root import Query
from schema.compiled import compiled_execution_context
from schema.complexity import DocumentComplexity
from schema.errors import MaskUnexpectedErrors, Schema
from schema.filters import FilterLimits
from schema.limits import NodeBudget, alias_limit, depth_limit
from schema.scalars import SCALAR_OVERRIDES
from schema.types import NODE_TYPES
from schema.validation import ValidatedDocuments
from service.settings import Settings


def build_schema(settings: Settings | None = None) -> Schema:
    settings = settings or Settings()
    # The rule classes are made once: ValidatedDocuments keys on them, so a document is validated once.
    limits: list[type[ASTValidationRule]] = [depth_limit(settings.max_depth), alias_limit(settings.max_aliases)]
    # One per worker: how many heavy queries run at once (see NodeBudget).
    heavy_gate = asyncio.Semaphore(settings.heavy_concurrency)
    extensions: list[type[SchemaExtension] | Callable[[], SchemaExtension]] = [
        ParserCache,
        lambda: ValidatedDocuments(hide_suggestions=not settings.introspection),
        lambda: MaxTokensLimiter(max_token_count=settings.max_tokens),
        DocumentComplexity,
        lambda: AddValidationRules(limits),
        FilterLimits,  # before NodeBudget: an oversized filter is refused before any variable is coerced
        lambda: NodeBudget(budget=settings.node_budget, heavy_cost=settings.heavy_cost, heavy_gate=heavy_gate),
        MaskUnexpectedErrors,
    ]
    if not settings.introspection:
        extensions.append(DisableIntrospection)
    built = Schema(
        query=Query,
        mutation=Mutation,
        types=[*NODE_TYPES.values(), RequestErrorCode],
        scalar_overrides=SCALAR_OVERRIDES,
        config=StrawberryConfig(relay_max_results=MAX_PAGE, batching_config={"max_operations": settings.max_batch}),
        extensions=extensions,
        execution_context_class=compiled_execution_context(
            compiled=settings.compiled_executor, hide_suggestions=not settings.introspection
        ),
    )
    built.heavy_gate = heavy_gate  # type: ignore[attr-defined]
    return built


#: The schema with default settings: what `crmgraph schema` prints.
schema = build_schema()
