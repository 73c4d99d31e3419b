"""The Document of the compiled executor's corpus (tests/compiled_corpus.py), and selections derived
from the live schema: every leaf of a type, and all of a connection a client can select."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from graphql import GraphQLObjectType, get_named_type, is_leaf_type

from service.schema import schema

TYPES = schema._schema.type_map
PAGE_INFO = "pageInfo { hasNextPage hasPreviousPage startCursor endCursor }"


@dataclass(frozen=True)
class Document:
    name: str
    query: str
    variables: dict[str, Any] = field(default_factory=dict)
    operation_name: str | None = None
    #: the stock executor answers with errors (True) or with none (False)
    errors: bool = False
    #: a path of fields to a `totalCount` that must be positive: the document reads rows, not an empty page
    counted: tuple[str, ...] = ()
    #: ask for application/graphql-response+json (a document that fails validation is then a 400)
    graphql_response: bool = False

    def filled(self, picks: dict[str, str]) -> tuple[str, dict[str, Any]]:
        """The query and variables with the picks of the seeded database in place of their placeholders."""
        return self.query % picks, _fill(self.variables, picks)


def _fill(value: Any, picks: dict[str, str]) -> Any:
    if isinstance(value, str):
        return value % picks
    if isinstance(value, list):
        return [_fill(item, picks) for item in value]
    if isinstance(value, dict):
        return {key: _fill(item, picks) for key, item in value.items()}
    return value


def leaves(type_name: str) -> str:
    """Every scalar and enum field of a type that takes no argument: what a grid of its rows shows."""
    fields = TYPES[type_name].fields
    return " ".join(name for name, f in fields.items() if not f.args and is_leaf_type(get_named_type(f.type)))


def connection_selection(connection_name: str) -> str:
    """totalCount, pageInfo, edges with every scalar of edge and node, nodes, and the aggregate if any."""
    connection = TYPES[connection_name]
    edge = get_named_type(connection.fields["edges"].type).name
    node = get_named_type(connection.fields["nodes"].type).name
    parts = ["totalCount", PAGE_INFO, f"edges {{ {leaves(edge)} node {{ __typename {leaves(node)} }} }}", "nodes { id }"]
    if "aggregate" in connection.fields:
        parts.append(f"aggregate {{ {_aggregate_selection(get_named_type(connection.fields['aggregate'].type))} }}")
    return " ".join(parts)


def _aggregate_selection(aggregate: GraphQLObjectType) -> str:
    parts = []
    for name, f in aggregate.fields.items():
        values = get_named_type(f.type)
        parts.append(name if is_leaf_type(values) else f"{name} {{ {leaves(values.name)} }}")
    return " ".join(parts)


ROOT_LISTS = [name for name, f in TYPES["Query"].fields.items() if get_named_type(f.type).name.endswith("Connection")]
