"""The fields of a document as a plan keeps them, and the arguments of a list field (`first`,
`after`, `filter`, `orderBy`): read once per run, or once for good when written out as literals."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from graphql import ListValueNode, ObjectValueNode, VariableNode
from graphql.execution.collect_fields import FieldDetails
from strawberry.schema.schema_converter import GraphQLCoreConverter

from loaders.paging import Order, PageArgs
from models import Table
from schema.compiled.run import FieldState, Run
from schema.connection import _list_request

#: Where a graphql-core definition keeps the Strawberry definition it was made from.
BACKREF = GraphQLCoreConverter.DEFINITION_BACKREF


@dataclass(frozen=True)
class FieldRef:
    """A field of the document with what its arguments are read from at run time."""

    definition: Any  # GraphQLField
    node: Any  # FieldNode
    strawberry_field: Any

    @classmethod
    def of(cls, definition: Any, details: list[FieldDetails]) -> FieldRef:
        return cls(definition, details[0].node, definition.extensions[BACKREF])

    @property
    def literal(self) -> bool:
        """Whether the arguments are written out in the document (no variable): then they are the
        same on every run, and read once."""
        return not any(_has_variable(argument.value) for argument in self.node.arguments or ())


def _has_variable(value: Any) -> bool:
    if isinstance(value, VariableNode):
        return True
    if isinstance(value, ListValueNode):
        return any(_has_variable(v) for v in value.values)
    if isinstance(value, ObjectValueNode):
        return any(_has_variable(f.value) for f in value.fields)
    return False


class ListArguments:
    """`first`, `after`, `filter` and `orderBy` of a list field, read and checked once per run, or
    once for good when they are literals."""

    def __init__(self, model: type[Table], ref: FieldRef) -> None:
        self.model, self.ref = model, ref
        self._fixed: tuple[Order, Any, PageArgs, bool] | None = None

    def read(self, run: Run) -> FieldState:
        fixed = self._fixed
        if fixed is None:
            args = run.arguments(self.ref)
            order, where, page = _list_request(
                self.model, args["first"], args.get("after"), args.get("filter"), args.get("order_by")
            )
            fixed = (order, where, page, args.get("after") is not None)
            if self.ref.literal:
                self._fixed = fixed
        order, where, page, after = fixed
        return FieldState(order=order, where=where, page=page, after=after)
