"""Where the compiled executor takes over from graphql-core.

Strawberry still parses, validates and runs every extension (limits, cost, error masking) and
owns the SDL; graphql-core still coerces the variables. Then, for a query operation, this
executor runs a cached plan (`plan.py`) instead of resolving field by field. Mutations,
introspection and any field the planner does not know go to the stock executor, and so does any
query whose run raises: reads change nothing, so the stock executor answering instead gives the
client graphql-core's own errors, paths and null propagation, exactly.
"""

from __future__ import annotations

import logging
from typing import Any

from graphql import OperationType
from graphql.execution.collect_fields import collect_fields
from graphql.language import (
    FieldNode,
    FragmentSpreadNode,
    InlineFragmentNode,
    OperationDefinitionNode,
    SelectionSetNode,
    VariableNode,
)
from strawberry.schema.schema import StrawberryGraphQLCoreExecutionContext

from loaders.caches import IdentityCache
from schema.compiled.arguments import BACKREF
from schema.compiled.plan import Planner, Unsupported
from schema.compiled.roots import RootPlan
from schema.compiled.run import Run

log = logging.getLogger("crmgraph.compiled")

#: Plans kept per worker: a plan is a few kilobytes; a document's plans are rebuilt when it comes back.
PLAN_CACHE_SIZE = 512


class _OperationPlans:
    """The plans of one operation node, by the values of the variables its @skip/@include read."""

    def __init__(self, operation: OperationDefinitionNode, fragments: dict[str, Any]) -> None:
        self.directive_variables = tuple(sorted(_directive_variables(operation.selection_set, fragments, set())))
        self.plans: dict[tuple[Any, ...], RootPlan | None] = {}


def _directive_variables(selection_set: SelectionSetNode | None, fragments: dict[str, Any], seen: set[str]) -> set[str]:
    """Names of the variables an @include or @skip of these selections (fragments too) reads."""
    names: set[str] = set()
    for selection in selection_set.selections if selection_set else ():
        for directive in selection.directives or ():
            if directive.name.value in ("include", "skip"):
                names.update(a.value.name.value for a in directive.arguments or () if isinstance(a.value, VariableNode))
        if isinstance(selection, (FieldNode, InlineFragmentNode)):
            names |= _directive_variables(selection.selection_set, fragments, seen)
        elif isinstance(selection, FragmentSpreadNode) and selection.name.value not in seen:
            seen.add(selection.name.value)
            fragment = fragments.get(selection.name.value)
            if fragment is not None:
                names |= _directive_variables(fragment.definition.selection_set, fragments, seen)
    return names


class PlanCache:
    """Plans by operation node (the parser cache hands out the same one for the same text)."""

    def __init__(self, size: int = PLAN_CACHE_SIZE) -> None:
        self._entries = IdentityCache(size)

    def entry(self, operation: OperationDefinitionNode, fragments: dict[str, Any]) -> _OperationPlans:
        found, entry = self._entries.get(operation)
        return entry if found else self._entries.put(_OperationPlans(operation, fragments), operation)


def compiled_execution_context(
    *, compiled: bool = True, hide_suggestions: bool = False
) -> type[StrawberryGraphQLCoreExecutionContext]:
    """An executor class with its own plan cache (one per schema, so per app). `compiled=False`
    leaves every operation to graphql-core; `hide_suggestions` keeps "Did you mean ...?" out of
    the errors of variables (introspection off)."""
    cache = PlanCache()
    planners: dict[int, Planner] = {}

    class CompiledExecutionContext(StrawberryGraphQLCoreExecutionContext):
        @classmethod
        def build(cls, *args: Any, **kwargs: Any) -> Any:
            if hide_suggestions:
                kwargs["hide_suggestions"] = True
            return super().build(*args, **kwargs)

        def execute_operation(self, serially: bool | None = None) -> Any:
            if not compiled or self.operation.operation is not OperationType.QUERY or serially:
                return super().execute_operation(serially)
            plan = self._plan()
            if plan is None:
                return super().execute_operation(serially)
            return self._run(plan)

        def _plan(self) -> RootPlan | None:
            entry = cache.entry(self.operation, self.fragments)
            coerced = self.variable_values.coerced
            key = tuple(coerced.get(name) for name in entry.directive_variables)
            if key in entry.plans:
                return entry.plans[key]
            planner = self._planner()
            try:
                root_type = self.schema.query_type
                assert root_type is not None  # only query operations are planned
                collected = collect_fields(
                    self.schema, self.fragments, self.variable_values, root_type, self.operation, self.hide_suggestions
                )
                plan: RootPlan | None = planner.plan(self, collected.grouped_field_set)
            except Unsupported:
                plan = None
            entry.plans[key] = plan
            return plan

        def _planner(self) -> Planner:
            planner = planners.get(id(self.schema))
            if planner is None:
                planner = planners[id(self.schema)] = Planner(self.schema.extensions[BACKREF])
            return planner

        async def _run(self, plan: RootPlan) -> Any:
            context = self.context_value
            run = Run(self._planner(), context.loaders.reader, self.variable_values, self.hide_suggestions)
            try:
                data = await plan.run(run)
            except Exception:  # noqa: BLE001 - the stock executor answers, with its own errors
                log.debug("request %s: compiled run failed; the stock executor answers", context.request_id,
                          exc_info=True)
                result = super().execute_operation(None)
                return await result if self.is_awaitable(result) else result
            return self.build_response(data)

    return CompiledExecutionContext

