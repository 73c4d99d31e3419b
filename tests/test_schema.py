"""The printed SDL stays in step with the live schema, and every part of it is documented."""

from __future__ import annotations

import ast
from pathlib import Path

from graphql import GraphQLEnumType, GraphQLInputObjectType, GraphQLInterfaceType, GraphQLObjectType, build_schema

from loaders.errors import RequestErrorCode
from service.schema import schema

SDL = Path(__file__).resolve().parent.parent / "schema.graphql"


def test_schema_graphql_is_the_printed_live_schema() -> None:
    assert SDL.read_text() == schema.as_str() + "\n", "schema.graphql is stale: run `make schema` and commit it"


def test_every_sdl_reader_finds_the_roots_the_server_has() -> None:
    """An explicit schema block, and no type named like a root operation: graphql-core (like the
    Relay compiler and graphql-inspector) then reads the same roots from schema.graphql."""
    built = build_schema(SDL.read_text())
    assert (built.query_type.name, built.mutation_type.name, built.subscription_type) == ("Query", "Mutation", None)
    assert "RentalSubscription" in built.type_map and "Subscription" not in built.type_map
    assert SDL.read_text().startswith("schema {\n  query: Query\n  mutation: Mutation\n}\n")


def test_every_type_field_argument_and_enum_value_has_a_description_that_starts_with_a_capital() -> None:
    """Every type, field, argument, input field and enum value of the live schema is described, and
    every description starts with a capital letter (or a backtick-quoted name, or a digit)."""
    missing, lowercase = [], []

    def check(where: str, description: str | None) -> None:
        if not description:
            missing.append(where)
        elif not (description[0].isupper() or description[0] in "`0123456789Σ"):
            lowercase.append(f"{where}: {description[:40]!r}")

    for name, graphql_type in schema._schema.type_map.items():
        if name.startswith("__") or name in {"String", "Int", "Float", "Boolean", "ID"}:
            continue
        check(name, graphql_type.description)
        if isinstance(graphql_type, (GraphQLObjectType, GraphQLInterfaceType, GraphQLInputObjectType)):
            for field_name, field in graphql_type.fields.items():
                check(f"{name}.{field_name}", field.description)
                for argument_name, argument in getattr(field, "args", {}).items():
                    check(f"{name}.{field_name}({argument_name})", argument.description)
        if isinstance(graphql_type, GraphQLEnumType):
            for value_name, value in graphql_type.values.items():
                check(f"{name}.{value_name}", value.description)
    assert missing == [] and lowercase == []


def test_money_is_decimal_and_every_tab_is_a_connection() -> None:
    account = schema._schema.type_map["Account"]
    assert str(account.fields["creditLimit"].type) == "Decimal!"
    assert str(account.fields["invoices"].type) == "InvoiceConnection!"
    assert str(account.fields["campaigns"].type) == "AccountCampaignConnection!"
    assert set(account.fields["invoices"].args) == {"first", "after", "filter", "orderBy"}
    assert str(account.fields["invoices"].args["filter"].type) == "InvoiceFilter"
    assert str(account.fields["invoices"].args["orderBy"].type) == "[InvoiceOrder!]"
    assert str(schema._schema.type_map["Contact"].fields["purchaseOrders"].type) == "PurchaseOrderConnection!"
    assert str(schema._schema.query_type.fields["node"].type) == "Node"
    assert str(schema._schema.query_type.fields["nodes"].type) == "[Node]!"


ROOT = SDL.parent
PACKAGES = ("models", "loaders", "schema", "resolvers", "service")


def _code_literals() -> list[str]:
    """Where the code writes an error code as a string: `{"code": "X"}` or `code="X"`."""
    found = []
    for package in PACKAGES:
        for path in (ROOT / package).rglob("*.py"):
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
                if isinstance(node, ast.Dict):
                    pairs = zip(node.keys, node.values, strict=True)
                    found += [f"{path}: {v.value}" for k, v in pairs if isinstance(k, ast.Constant) and k.value == "code"
                              and isinstance(v, ast.Constant) and isinstance(v.value, str)]
                elif isinstance(node, ast.keyword) and node.arg == "code" and isinstance(node.value, ast.Constant):
                    found.append(f"{path}: {node.value.value}")
    return found


def test_every_error_code_is_a_member_of_the_one_enum_the_schema_exports() -> None:
    exported = schema._schema.type_map["RequestErrorCode"]
    assert isinstance(exported, GraphQLEnumType)
    assert list(exported.values) == [code.value for code in RequestErrorCode]
    assert _code_literals() == [], "name error codes as RequestErrorCode members (loaders/errors.py)"
