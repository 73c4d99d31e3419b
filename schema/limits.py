"""The node budget: how many rows a query may ask for, computed before it runs, as GitHub does.

Each connection field costs its `first` (or its default) times the `first`s of the connections
above it; `nodes(ids:)` costs its number of ids. The sum must stay within the budget, and every
answer reports it in `extensions.cost`.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from graphql import (
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
    SelectionSetNode,
    get_named_type,
    value_from_ast,
)
from graphql import ExecutionResult as GraphQLExecutionResult
from graphql.execution.values import get_variable_values
from graphql.utilities import get_operation_ast
from strawberry.extensions import SchemaExtension

_IDS = GraphQLNonNull(GraphQLList(GraphQLNonNull(GraphQLInt)))


def requested_nodes(schema: GraphQLSchema, document: DocumentNode, operation_name: str | None, variables: dict) -> int:
    operation = get_operation_ast(document, operation_name)
    if operation is None:
        return 0
    # The values execution will use: the variables sent, with the defaults of those not sent.
    coerced = get_variable_values(schema, operation.variable_definitions or (), variables or {})
    variables = {} if isinstance(coerced, list) else getattr(coerced, "coerced", coerced)  # a list: errors
    fragments = {d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)}
    root = schema.get_root_type(operation.operation)
    return _cost(schema, operation.selection_set, root, 1, fragments, variables, frozenset()) if root else 0


def _cost(schema: GraphQLSchema, selection_set: SelectionSetNode, parent: Any, multiplier: int,
          fragments: dict, variables: dict, spreading: frozenset[str]) -> int:
    total = 0
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
                total += _cost(schema, selection.selection_set, get_named_type(field.type), inner, fragments, variables, spreading)
        elif isinstance(selection, InlineFragmentNode):
            condition = schema.get_type(selection.type_condition.name.value) if selection.type_condition else parent
            total += _cost(schema, selection.selection_set, condition, multiplier, fragments, variables, spreading)
        elif isinstance(selection, FragmentSpreadNode):
            name = selection.name.value
            fragment = fragments.get(name)
            if fragment is not None and name not in spreading:  # a cycle is a validation error anyway
                condition = schema.get_type(fragment.type_condition.name.value)
                total += _cost(schema, fragment.selection_set, condition, multiplier, fragments, variables, spreading | {name})
    return total


def _page_size(field: Any, node: FieldNode, variables: dict) -> int | None:
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
    """Refuses, before execution, a query that could read more rows than the budget."""

    def __init__(self, *, budget: int) -> None:
        self.budget = budget
        self.cost: int | None = None

    def on_execute(self) -> Iterator[None]:
        context = self.execution_context
        operation = get_operation_ast(context.graphql_document, context.operation_name) if context.graphql_document else None
        if isinstance(operation, OperationDefinitionNode):
            self.cost = requested_nodes(
                context.schema._schema, context.graphql_document, context.operation_name, context.variables or {}
            )
            if self.cost > self.budget:
                context.result = GraphQLExecutionResult(data=None, errors=[GraphQLError(
                    f"this query could read up to {self.cost} rows; the node budget is {self.budget} "
                    "(CRMGRAPH_NODE_BUDGET): ask for smaller pages (`first`) or fewer nested lists",
                    extensions={"code": "QUERY_TOO_COSTLY", "cost": self.cost, "budget": self.budget},
                )])
        yield

    def get_results(self) -> dict[str, Any]:
        return {} if self.cost is None else {"cost": {"requestedNodes": self.cost, "nodeBudget": self.budget}}
