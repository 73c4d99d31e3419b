"""The limits a query must keep before it runs: its depth, its aliases, and the node budget.

The node budget is how many rows a query may ask for, as GitHub does: each connection field costs
its `first` (or its default) times the `first`s of the connections above it; `nodes(ids:)` costs its
number of ids. The sum must stay within the budget, and every answer reports it in `extensions.cost`.

Every figure is computed once per fragment and reused wherever the fragment is spread, and a spread
repeated in one selection set counts once (as execution collects it once). A fragment that spreads
another twice, nested twenty levels, is then twenty small sums, not a million walks.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable
from typing import Any, TypeVar

from graphql import (
    BREAK,
    DocumentNode,
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLError,
    GraphQLInt,
    GraphQLList,
    GraphQLNonNull,
    GraphQLSchema,
    InlineFragmentNode,
    OperationDefinitionNode,
    OperationType,
    SelectionSetNode,
    ValidationRule,
    Visitor,
    get_named_type,
    value_from_ast,
    visit,
)
from graphql import ExecutionResult as GraphQLExecutionResult
from graphql.execution.values import get_variable_values
from graphql.utilities import get_operation_ast
from strawberry.extensions import SchemaExtension

from loaders.caches import IdentityCache
from loaders.errors import RequestErrorCode

_IDS = GraphQLNonNull(GraphQLList(GraphQLNonNull(GraphQLInt)))
Figure = TypeVar("Figure")


def _fragments(document: DocumentNode) -> dict[str, FragmentDefinitionNode]:
    return {d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)}


def spread_names(selection_set: SelectionSetNode) -> list[str]:
    """The fragments a selection set spreads, at any nesting."""
    names, pending = [], [selection_set]
    while pending:
        for selection in pending.pop().selections:
            if isinstance(selection, FragmentSpreadNode):
                names.append(selection.name.value)
            elif isinstance(selection, (FieldNode, InlineFragmentNode)) and selection.selection_set is not None:
                pending.append(selection.selection_set)
    return names


def _dependency_order(fragments: dict[str, FragmentDefinitionNode]) -> list[str]:
    """Every fragment after those it spreads. Iterative, so a long chain of fragments cannot exhaust
    Python's stack; a cycle (NoFragmentCycles refuses it) is cut where it closes."""
    spreads = {name: spread_names(fragment.selection_set) for name, fragment in fragments.items()}
    order: list[str] = []
    seen: set[str] = set()
    for root in fragments:
        if root in seen:
            continue
        seen.add(root)
        stack = [(root, iter(spreads[root]))]
        while stack:
            name, children = stack[-1]
            child = next((c for c in children if c in spreads and c not in seen), None)
            if child is None:
                stack.pop()
                order.append(name)
            else:
                seen.add(child)
                stack.append((child, iter(spreads[child])))
    return order


def per_fragment(
    document: DocumentNode, figure: Callable[[FragmentDefinitionNode, dict[str, Figure]], Figure]
) -> dict[str, Figure]:
    """`figure(fragment, figures)` of each fragment, computed once; `figures` already holds those of
    the fragments it spreads (but one cut from a cycle, and unknown names)."""
    fragments = _fragments(document)
    figures: dict[str, Figure] = {}
    for name in _dependency_order(fragments):
        figures[name] = figure(fragments[name], figures)
    return figures


# Depth and aliases: validation rules, with the messages of Strawberry's QueryDepthLimiter and
# MaxAliasesLimiter (whose walks expand every spread, so they are exponential in nested fragments).

def _depth(selection_set: SelectionSetNode, fragments: dict[str, tuple[int, FieldNode | None]]) -> tuple[int, FieldNode | None]:
    """How many levels the fields of a selection set nest below it, and its deepest field."""
    deepest: tuple[int, FieldNode | None] = (0, None)
    depth: tuple[int, FieldNode | None]
    for selection in selection_set.selections:
        if isinstance(selection, FieldNode):
            # An introspection field's own selections are GraphQL's, not the data's: they do not count.
            if selection.selection_set is None or selection.name.value.startswith("__"):
                depth = (0, selection)
            else:
                below, field = _depth(selection.selection_set, fragments)
                depth = (1 + below, field)
        elif isinstance(selection, InlineFragmentNode):
            depth = _depth(selection.selection_set, fragments)
        elif isinstance(selection, FragmentSpreadNode):
            depth = fragments.get(selection.name.value, (0, None))
        if depth[0] > deepest[0] or deepest[1] is None:
            deepest = depth
    return deepest


def _aliases(selection_set: SelectionSetNode, fragments: dict[str, int]) -> int:
    total, spread = 0, set()
    for selection in selection_set.selections:
        if isinstance(selection, FieldNode):
            total += selection.alias is not None
            total += _aliases(selection.selection_set, fragments) if selection.selection_set else 0
        elif isinstance(selection, InlineFragmentNode):
            total += _aliases(selection.selection_set, fragments)
        elif isinstance(selection, FragmentSpreadNode) and selection.name.value not in spread:
            spread.add(selection.name.value)
            total += fragments.get(selection.name.value, 0)
    return total


def depth_limit(max_depth: int) -> type[ValidationRule]:
    """A rule refusing each operation whose fields nest more than `max_depth` levels."""

    class DepthLimit(ValidationRule):
        def enter_document(self, document: DocumentNode, *_: Any) -> object:
            fragments = per_fragment(document, lambda fragment, figures: _depth(fragment.selection_set, figures))
            for operation in document.definitions:
                if isinstance(operation, OperationDefinitionNode):
                    depth, deepest = _depth(operation.selection_set, fragments)
                    if depth > max_depth:
                        name = operation.name.value if operation.name else "anonymous"
                        self.report_error(GraphQLError(
                            f"'{name}' exceeds maximum operation depth of {max_depth}", deepest or operation,
                        ))
            return BREAK  # everything is known: this rule need not visit the nodes

    return DepthLimit


def alias_limit(max_aliases: int) -> type[ValidationRule]:
    """A rule refusing a document whose operations, fragments expanded, hold more than `max_aliases` aliases."""

    class AliasLimit(ValidationRule):
        def enter_document(self, document: DocumentNode, *_: Any) -> object:
            fragments = per_fragment(document, lambda fragment, figures: _aliases(fragment.selection_set, figures))
            total = sum(
                _aliases(operation.selection_set, fragments)
                for operation in document.definitions if isinstance(operation, OperationDefinitionNode)
            )
            if total > max_aliases:
                self.report_error(GraphQLError(f"{total} aliases found. Allowed: {max_aliases}"))
            return BREAK

    return AliasLimit


# The node budget: it needs the variables, so it is computed when the operation is about to run.

class _Costs:
    """Costs of one document, by operation and the values of the variables that size its lists
    (`first`, `ids`): a document sent again costs a dict lookup, not a walk."""

    def __init__(self, document: DocumentNode) -> None:
        self.sizing = tuple(sorted(_sizing_variables(document)))
        self.costs: dict[tuple[Any, ...], int] = {}


def _sizing_variables(document: DocumentNode) -> set[str]:
    names: set[str] = set()

    class Find(Visitor):
        def enter_argument(self, node: Any, *_: Any) -> None:
            if node.name.value in ("first", "ids"):
                visit(node.value, Collect())

    class Collect(Visitor):
        def enter_variable(self, node: Any, *_: Any) -> None:
            names.add(node.name.value)

    visit(document, Find())
    return names


def _frozen(value: Any) -> Any:
    return tuple(_frozen(v) for v in value) if isinstance(value, list) else value if isinstance(value, (int, str, type(None))) else repr(value)


COST_CACHE_SIZE = 512
_COSTS = IdentityCache(COST_CACHE_SIZE)


def cached_requested_nodes(schema: GraphQLSchema, document: DocumentNode, operation_name: str | None, variables: dict[str, Any]) -> int:
    """`requested_nodes`, remembered per document and sizing variables (at most COST_CACHE_SIZE documents)."""
    found, cached = _COSTS.get(document)
    entry: _Costs = cached if found else _COSTS.put(_Costs(document), document)
    key = (operation_name, *(_frozen(variables.get(name)) for name in entry.sizing))
    cost = entry.costs.get(key)
    if cost is None:
        if len(entry.costs) >= COST_CACHE_SIZE:
            entry.costs.clear()
        cost = entry.costs[key] = requested_nodes(schema, document, operation_name, variables)
    return cost


def requested_nodes(schema: GraphQLSchema, document: DocumentNode, operation_name: str | None, variables: dict[str, Any]) -> int:
    operation = get_operation_ast(document, operation_name)
    if operation is None:
        return 0
    # The values execution will use: the variables sent, with the defaults of those not sent.
    coerced = get_variable_values(schema, operation.variable_definitions or (), variables or {})
    variables = {} if isinstance(coerced, list) else coerced.coerced  # a list: errors

    # A fragment's cost under `first`s multiplying to m is m times its cost under none.
    def fragment_cost(fragment: FragmentDefinitionNode, costs: dict[str, int]) -> int:
        condition = schema.get_type(fragment.type_condition.name.value)
        return _cost(schema, fragment.selection_set, condition, 1, costs, variables)

    costs = per_fragment(document, fragment_cost)
    root = schema.get_root_type(operation.operation)
    return _cost(schema, operation.selection_set, root, 1, costs, variables) if root else 0


def _cost(schema: GraphQLSchema, selection_set: SelectionSetNode, parent: Any, multiplier: int,
          fragment_costs: dict[str, int], variables: dict[str, Any]) -> int:
    total, spread = 0, set()
    for selection in selection_set.selections:
        if isinstance(selection, FieldNode):
            field = getattr(parent, "fields", {}).get(selection.name.value)
            if field is None:
                continue
            size = _page_size(field, selection, variables)
            inner = multiplier
            if size is not None:
                total += multiplier * size
                inner = multiplier * size
            if selection.selection_set is not None:
                total += _cost(schema, selection.selection_set, get_named_type(field.type), inner, fragment_costs, variables)
        elif isinstance(selection, InlineFragmentNode):
            condition = schema.get_type(selection.type_condition.name.value) if selection.type_condition else parent
            total += _cost(schema, selection.selection_set, condition, multiplier, fragment_costs, variables)
        elif isinstance(selection, FragmentSpreadNode) and selection.name.value not in spread:
            spread.add(selection.name.value)
            total += multiplier * fragment_costs.get(selection.name.value, 0)
    return total


def _page_size(field: Any, node: FieldNode, variables: dict[str, Any]) -> int | None:
    given = {argument.name.value: argument.value for argument in node.arguments or ()}
    if "first" in field.args:
        default = field.args["first"].default_value
        value = value_from_ast(given["first"], GraphQLInt, variables) if "first" in given else None
        if not isinstance(value, int):  # absent, null or an unset variable: the argument's default applies
            value = default if isinstance(default, int) else 0
        return max(value, 0)
    if "ids" in field.args and "ids" in given:  # nodes(ids:)
        value = value_from_ast(given["ids"], GraphQLList(field.args["ids"].type.of_type.of_type), variables)
        return len(value) if isinstance(value, list) else 0
    return None


class NodeBudget(SchemaExtension):
    """Refuses, before execution, a query that could read more rows than the budget; and lets only a
    few heavy queries (cost over `heavy_cost`) of this worker run at once, so cheap requests are not
    stuck behind them: the event loop interleaves every running request's Python work."""

    def __init__(self, *, budget: int, heavy_cost: int | None = None, heavy_gate: asyncio.Semaphore | None = None) -> None:
        self.budget = budget
        self.heavy_cost, self.heavy_gate = heavy_cost, heavy_gate
        self.cost: int | None = None

    async def on_execute(self) -> AsyncIterator[None]:
        context = self.execution_context
        document = context.graphql_document
        operation = get_operation_ast(document, context.operation_name) if document else None
        # result None: not refused already
        if document is not None and isinstance(operation, OperationDefinitionNode) and context.result is None:
            self.cost = cached_requested_nodes(
                context.schema._schema, document, context.operation_name, context.variables or {}
            )
            # The budget is per HTTP request: the operations of a batch share it.
            request = context.context
            spent = getattr(request, "requested_nodes", 0) + self.cost
            if self.cost > self.budget:
                context.result = GraphQLExecutionResult(data=None, errors=[GraphQLError(
                    f"this query could read up to {self.cost} rows; the node budget is {self.budget} "
                    "(CRMGRAPH_NODE_BUDGET): ask for smaller pages (`first`) or fewer nested lists",
                    extensions={"code": RequestErrorCode.QUERY_TOO_COSTLY, "cost": self.cost, "budget": self.budget},
                )])
            elif spent > self.budget:
                context.result = GraphQLExecutionResult(data=None, errors=[GraphQLError(
                    f"this query could read up to {self.cost} rows, and the operations of this request together "
                    f"{spent}; the node budget is {self.budget} per request (CRMGRAPH_NODE_BUDGET): send fewer "
                    "operations in one batch, or ask for smaller pages",
                    extensions={"code": RequestErrorCode.QUERY_TOO_COSTLY, "cost": self.cost, "requestCost": spent,
                                "budget": self.budget},
                )])
            elif request is not None and hasattr(request, "requested_nodes"):
                request.requested_nodes = spent
        heavy = (
            self.cost is not None and self.heavy_cost is not None
            and self.cost > self.heavy_cost and context.result is None
            and operation is not None and operation.operation == OperationType.QUERY
        )
        if heavy and self.heavy_gate is not None:
            async with self.heavy_gate:
                yield
        else:
            yield

    def get_results(self) -> dict[str, Any]:
        return {} if self.cost is None else {"cost": {"requestedNodes": self.cost, "nodeBudget": self.budget}}
