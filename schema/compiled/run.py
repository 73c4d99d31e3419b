"""One run of a plan: the request's reader and variables, the arguments of the plan's fields read
from them, and the state each part of the plan keeps for the request."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from graphql.execution.values import get_argument_values
from strawberry.types.arguments import convert_arguments

from loaders import sql
from loaders.database import Reader
from loaders.paging import Order, PageArgs

if TYPE_CHECKING:  # the planner and the fields are only named here, in annotations
    from schema.compiled.arguments import FieldRef
    from schema.compiled.plan import Planner


@dataclass
class FieldState:
    """What a run knows of one field: its list arguments as read, and the counts of its level's
    statement that are its own."""

    counts: dict[int, dict[int, int]] = field(default_factory=dict)
    order: Order | None = None
    where: Any = None
    page: PageArgs | None = None
    after: bool = False


class Run:
    """One execution of a plan: the request's reader and variables."""

    def __init__(self, planner: Planner, reader: Reader, variable_values: Any, hide_suggestions: bool) -> None:
        self.planner, self.reader, self.dialect = planner, reader, reader.dialect
        self.variable_values, self.hide_suggestions = variable_values, hide_suggestions

        self.states: dict[int, Any] = {}

    async def rows(self, statement: sql.Statement) -> list[Any]:
        return await self.reader.records(statement)

    async def many(self, statements: list[sql.Statement]) -> list[list[Any]]:
        """The rows of several statements; on PostgreSQL in one round trip."""
        if not statements:
            return []
        return await self.reader.records_many(statements)

    def prepare(self, element: Any) -> None:
        """Read the arguments of every field of the plan before any statement runs: a bad one
        refuses the request before it costs the database anything."""
        self.states[id(element)] = element.prepare(self)
        for part in element.parts():
            self.prepare(part)

    def state(self, element: Any) -> Any:
        return self.states[id(element)]

    def coerced(self, ref: FieldRef) -> dict[str, Any]:
        """The field's arguments as graphql-core coerced them (GraphQL names, input objects as dicts)."""
        return get_argument_values(ref.definition, ref.node, self.variable_values, None, self.hide_suggestions)

    def arguments(self, ref: FieldRef) -> dict[str, Any]:
        """The field's arguments as its resolver would get them (python names, input objects built)."""
        raw = get_argument_values(ref.definition, ref.node, self.variable_values, None, self.hide_suggestions)
        return convert_arguments(
            raw, ref.strawberry_field.arguments, scalar_registry=self.planner.scalar_registry, config=self.planner.config
        )
