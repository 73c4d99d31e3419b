"""Filter and order inputs of every type, generated from the models and the relation registry,
and their translation into the filter specs and orders that the loaders run.

`InvoiceFilter` has an operator input per column suited to its type, `account: AccountFilter`
for each foreign key (rows whose account matches), one field per tab of the parent types
(`invoices: InvoiceFilter` on AccountFilter: accounts with at least one matching invoice), and
`and` / `or` / `not`. `InvoiceOrder` names a column and a direction.

A filter's size is capped (MAX_LIST_ITEMS, MAX_FILTER_SIZE), and the cap is checked before the work
a filter costs: `FilterLimits` measures the variables as JSON before graphql-core coerces them, and
`_from_input` builds the spec straight from what graphql-core hands over (literals included), in
place of Strawberry's input objects, counting as it goes.
"""

# No `from __future__ import annotations`: the generated inputs carry real type objects.
import datetime as dt
import enum
import types
import typing
from collections.abc import Iterator, Mapping
from decimal import Decimal
from typing import Any, Optional, cast

import sqlalchemy as sa
import strawberry
from graphql import ExecutionResult as GraphQLExecutionResult
from graphql import ListTypeNode, NamedTypeNode, NonNullTypeNode, TypeNode
from graphql.utilities import get_operation_ast
from strawberry.extensions import SchemaExtension
from strawberry.schema.name_converter import NameConverter
from strawberry.types.arguments import InputContext
from strawberry.types.base import get_object_definition
from strawberry.types.unset import UNSET
from strawberry.utils.str_converters import to_camel_case

import schema.enums  # noqa: F401 - registers the enums first
from loaders.errors import UserInputError
from loaders.filters import EVERYTHING, All, AnyOf, Compare, Not, Op, Ref, Some, Spec, combine
from loaders.paging import Order
from models import NODE_MODELS, RELATIONS, Table, referenced_model
from models.types import EnumList
from schema.errors import graphql_error
from schema.node import pk_of

MAX_IN = 500
MAX_ORDER_TERMS = 5
MAX_NESTING = 12
#: At most this many filters in one `and` or `or` list.
MAX_LIST_ITEMS = 100
#: At most this many parts in one filter argument: every input object (a filter, or the conditions
#: on one column) and every value (each value of an `in` list) is a part. The SQL of a part binds at
#: most 3 parameters (`contains` on PostgreSQL: the pattern and translate()'s two alphabets), so a
#: filter binds at most 3,000, far from the 32,767 asyncpg allows; a page adds a handful more.
MAX_FILTER_SIZE = 1000
_SIZE_RULE = (
    f"at most {MAX_FILTER_SIZE} parts in all, counting every filter, every column's conditions and every value "
    "(each value of an `in` list counts)"
)


#: The names Strawberry gives the fields (the schema's config keeps the default: camelCase).
_NAMES = NameConverter()


def _op(description: Optional[str], name: Optional[str] = None) -> Any:
    return strawberry.field(default=UNSET, description=description, name=name)


@strawberry.input(description="Conditions on a global id.")
class IDFilter:
    eq: Optional[strawberry.ID] = _op("Equal to.")
    ne: Optional[strawberry.ID] = _op("Not equal to.")
    in_: Optional[list[strawberry.ID]] = _op(f"One of these (at most {MAX_IN}).", name="in")
    is_null: Optional[bool] = _op("True: has no value; false: has one.")


@strawberry.input(description="Conditions on text. contains and startsWith ignore case and accents: 'Pérez' finds 'PEREZ'.")
class StringFilter:
    eq: Optional[str] = _op("Exactly equal to (case and accents count).")
    ne: Optional[str] = _op("Not exactly equal to.")
    in_: Optional[list[str]] = _op(f"Exactly one of these (at most {MAX_IN}).", name="in")
    contains: Optional[str] = _op("Contains this text, ignoring case and accents.")
    starts_with: Optional[str] = _op("Starts with this text, ignoring case and accents.")
    is_null: Optional[bool] = _op("True: has no value; false: has one.")


def _operator_annotations(kind: Any, operators: tuple[str, ...]) -> dict[str, Any]:
    """The fields of an operator input on values of `kind`: `operators`, then `in` and `isNull`."""
    return {op: Optional[kind] for op in operators} | {"in_": Optional[list[kind]], "is_null": Optional[bool]}


def _ordered_filter(name: str, kind: Any, what: str) -> type:
    namespace = {
        "__annotations__": _operator_annotations(kind, ("eq", "ne", "gt", "gte", "lt", "lte")),
        "eq": _op("Equal to."), "ne": _op("Not equal to."), "gt": _op("Greater than."),
        "gte": _op("Greater than or equal to."), "lt": _op("Less than."), "lte": _op("Less than or equal to."),
        "in_": _op(f"One of these (at most {MAX_IN}).", name="in"), "is_null": _op("True: has no value; false: has one."),
    }
    return strawberry.input(type(name, (), namespace), description=f"Conditions on {what}.")


IntFilter = _ordered_filter("IntFilter", int, "a whole number")
DecimalFilter = _ordered_filter("DecimalFilter", Decimal, "an amount or quantity (give it as a string: \"1234.50\")")
DateFilter = _ordered_filter("DateFilter", dt.date, "a date (YYYY-MM-DD)")
DateTimeFilter = _ordered_filter("DateTimeFilter", dt.datetime, "an instant (ISO 8601 with its offset)")


@strawberry.input(description="Conditions on a yes/no value.")
class BooleanFilter:
    eq: Optional[bool] = _op("Equal to.")
    is_null: Optional[bool] = _op("True: has no value; false: has one.")


@strawberry.enum(description="Sort direction.")
class OrderDirection(enum.Enum):
    ASC = strawberry.enum_value("ASC", description="Smallest first (A to Z, oldest first).")
    DESC = strawberry.enum_value("DESC", description="Largest first (Z to A, newest first).")


_ENUM_FILTERS: dict[type[enum.Enum], type] = {}


def _enum_filter(enum_class: type[enum.Enum]) -> type:
    if enum_class not in _ENUM_FILTERS:
        namespace = {
            "__annotations__": _operator_annotations(enum_class, ("eq", "ne")),
            "eq": _op("Equal to."), "ne": _op("Not equal to."),
            "in_": _op("One of these.", name="in"), "is_null": _op("True: has no value; false: has one."),
        }
        _ENUM_FILTERS[enum_class] = strawberry.input(
            type(f"{enum_class.__name__}Filter", (), namespace), description=f"Conditions on a {enum_class.__name__}."
        )
    return _ENUM_FILTERS[enum_class]


def _scalar_filter(annotation: Any) -> Optional[type]:
    """The operator input for a column's type, or None for what cannot be filtered (JSON, lists)."""
    args = [a for a in typing.get_args(annotation) if a is not type(None)]
    base = args[0] if typing.get_origin(annotation) in (typing.Union, types.UnionType) else annotation
    if isinstance(base, type) and issubclass(base, enum.Enum):
        return _enum_filter(base)
    return {str: StringFilter, int: IntFilter, Decimal: DecimalFilter, dt.date: DateFilter,
            dt.datetime: DateTimeFilter, bool: BooleanFilter}.get(base)


class Plan:
    """How each field of a generated filter input becomes part of a spec, by its GraphQL name."""

    def __init__(self, model: type[Table]) -> None:
        self.model = model
        self.fields: dict[str, tuple[str, Any]] = {}
        self.position: dict[str, int] = {}

    def rename(self, names: dict[str, str]) -> None:
        """Key the fields by their GraphQL names (`due_date` -> `dueDate`, `and_` -> `and`)."""
        self.fields = {names[attribute]: how for attribute, how in self.fields.items()}
        self.position = {name: i for i, name in enumerate(self.fields)}


class _Size:
    """The parts of one filter counted so far; the count stops at the first one over the limit."""

    def __init__(self) -> None:
        self.parts = 0

    def add(self, parts: int) -> None:
        self.parts += parts
        if self.parts > MAX_FILTER_SIZE:
            raise UserInputError(f"filter too large: a filter holds {_SIZE_RULE}; this one holds more")


def _list_too_long(kind: str, items: int) -> UserInputError:
    return UserInputError(f"filter too large: `{kind}` takes at most {MAX_LIST_ITEMS} filters, got {items}")


def _from_input(cls: type[Any], value: Mapping[str, Any], context: InputContext) -> Any:
    """How Strawberry turns a filter argument into a Python value: straight into its spec.

    Its own conversion builds an input object per filter, visiting every field of the type (~150 µs
    each), and does it again for every parent a nested list is resolved for: 14 s for a filter of
    1,000 parts under 100 accounts. A filter given as a variable is one dict for all those parents
    (graphql-core coerces variables once), so its spec is built once per request."""
    request = getattr(context.info, "context", None)
    built_before = _specs_of(request) if request is not None else {}
    key = (cls, id(value))
    if key in built_before and built_before[key][0] is value:
        spec = built_before[key][1]
    else:
        spec = _spec(value, cls._plan, 0, _Size())
        built_before[key] = (value, spec)  # holding the dict keeps its id from naming another
    built = object.__new__(cls)
    built._filter_spec = spec
    return built


def _specs_of(request: Any) -> dict[tuple[type[Any], int], tuple[Mapping[str, Any], Optional[Spec]]]:
    """The specs built so far in this request, kept on its context: they go with the request."""
    specs = getattr(request, "filter_specs", None)
    if specs is None:
        try:
            specs = request.filter_specs = {}
        except AttributeError:  # a context that takes no attributes: build every time
            return {}
    return specs


def filter_spec(value: Any) -> Optional[Spec]:
    """The spec of a filter argument (None when it asks for nothing)."""
    return None if value is None else value._filter_spec


def _spec(value: Mapping[str, Any], plan: Plan, depth: int, size: _Size) -> Optional[Spec]:
    if depth > MAX_NESTING:
        raise UserInputError(f"filter nested deeper than {MAX_NESTING} levels (and / or / not / related rows)")
    size.add(1)
    parts: list[Spec] = []
    # In the plan's order, whatever the order of the keys: one filter, one spec (and one cached statement).
    for name in sorted(value, key=plan.position.__getitem__):
        given = value[name]
        if given is None:
            continue
        kind, arg = plan.fields[name]
        if kind == "column":
            parts += _operators(arg, given, size)
        elif kind == "ref":
            column, target = arg
            inner = _spec(given, FILTERS[target]._plan, depth + 1, size)
            parts.append(Ref(column, target.__tablename__, inner or EVERYTHING))
        elif kind == "some":
            parts.append(Some(arg.key, _spec(given, FILTERS[arg.target]._plan, depth + 1, size) or EVERYTHING))
        elif kind in ("and", "or"):
            if len(given) > MAX_LIST_ITEMS:
                raise _list_too_long(kind, len(given))
            items = tuple(_spec(item, plan, depth + 1, size) or EVERYTHING for item in given)
            parts.append(All(items) if kind == "and" else AnyOf(items))
        elif kind == "not":
            parts.append(Not(_spec(given, plan, depth + 1, size) or EVERYTHING))
    return combine(*parts)


class _Column:
    """A filterable column (or the id): what a condition's values become, and which it refuses."""

    def __init__(self, model: type[Table], name: str, ids: bool = False) -> None:
        self.model, self.name, self.ids = model, name, ids
        self.field = to_camel_case(name)  #: the filter field as the client wrote it: errors name it, not the column
        kind = model.__table__.c[name].type
        self.enum_class = kind.enum_class if isinstance(kind, sa.Enum) else None
        # Beyond NUMERIC(p, s) no row can match, and PostgreSQL would refuse to compare.
        self.limit = Decimal(10) ** (kind.precision - (kind.scale or 0)) if isinstance(kind, sa.Numeric) and kind.precision else None

    def value(self, value: Any) -> Any:
        if self.ids:
            return _id(self.model, value)
        if self.enum_class is not None:  # graphql-core hands the enum's value ("ISSUED"); the column compares members
            return self.enum_class(value)
        if isinstance(value, str):
            if "\x00" in value:
                raise UserInputError(f"filter on {self.field}: text cannot contain the NUL character (U+0000)")
        elif isinstance(value, Decimal):
            if self.limit is not None and abs(value) >= self.limit:
                raise UserInputError(f"filter on {self.field}: a value is out of range (less than {self.limit} in absolute value)")
        elif isinstance(value, dt.datetime) and value.tzinfo is None:
            raise UserInputError(f"filter on {self.field}: a DateTime needs its UTC offset, got {value.isoformat()}")
        return value


def _operators(column: _Column, given: Mapping[str, Any], size: _Size) -> list[Spec]:
    size.add(1)
    specs: list[Spec] = []
    for op in Op:
        value = given.get(op.value)
        if value is None:
            continue
        if op is Op.IN:
            if len(value) > MAX_IN:
                raise UserInputError(f"filter on {column.field}: `in` takes at most {MAX_IN} values, got {len(value)}")
            size.add(len(value))
            value = tuple(column.value(v) for v in value)
        else:
            size.add(1)
            if op is not Op.IS_NULL:
                value = column.value(value)
        specs.append(Compare(column.name, op, value))
    return specs


def _id(model: type[Table], value: str) -> int:
    pk = pk_of(value, model)
    if pk is None:
        raise UserInputError(f"invalid id {value[:64]!r} in a filter: not an id of a {model.type_name()}")
    return pk


def _build() -> tuple[dict[type[Table], type[Any]], dict[type[Table], type]]:
    shells: dict[type[Table], type[Any]] = {model: type(f"{name}Filter", (), {}) for name, model in NODE_MODELS.items()}
    orders: dict[type[Table], type] = {}
    for name, model in NODE_MODELS.items():
        cls, plan = shells[model], Plan(model)
        annotations: dict[str, Any] = {"id": Optional[IDFilter]}
        namespace: dict[str, Any] = {"id": _op(f"The {name}'s own global id.")}
        plan.fields["id"] = ("column", _Column(model, "id", ids=True))
        sortable = ["id"]
        for field_name, info in model.model_fields.items():
            if field_name == "id":
                continue
            column = model.__table__.c[field_name]
            if column.foreign_keys:
                target = referenced_model(column)
                link = field_name.removesuffix("_id")
                annotations[link] = Optional[shells[target]]
                namespace[link] = _op(f"Rows whose {link.replace('_', ' ')} matches. {info.description}")
                plan.fields[link] = ("ref", (field_name, target))
                continue
            operators = None if isinstance(column.type, (EnumList, sa.JSON)) else _scalar_filter(info.annotation)
            if operators is None:
                continue
            annotations[field_name] = Optional[operators]
            namespace[field_name] = _op(info.description)
            plan.fields[field_name] = ("column", _Column(model, field_name))
            sortable.append(field_name)
        for relation in RELATIONS:
            if relation.parent is model:
                annotations[relation.field] = Optional[shells[relation.target]]
                namespace[relation.field] = _op(
                    f"Rows with at least one {relation.field} row that matches"
                    + (f" ({relation.label})." if relation.label else f". {relation.description}")
                )
                plan.fields[relation.field] = ("some", relation)
        # `cls` is a class made at run time: Strawberry reads these annotations, mypy cannot.
        annotations |= {"and_": Optional[list[cls]], "or_": Optional[list[cls]], "not_": Optional[cls]}  # type: ignore[valid-type]
        namespace |= {
            "and_": _op(f"Every one of these holds (at most {MAX_LIST_ITEMS}).", name="and"),
            "or_": _op(f"At least one of these holds (at most {MAX_LIST_ITEMS}).", name="or"),
            "not_": _op("This does not hold.", name="not"),
        }
        plan.fields |= {"and_": ("and", None), "or_": ("or", None), "not_": ("not", None)}
        namespace["__annotations__"] = annotations
        for key, value in namespace.items():
            setattr(cls, key, value)
        cls._plan = plan  # not a GraphQL field: a column may be called "plan" (RentalSubscription)
        strawberry.input(cls, name=f"{name}Filter", description=(
            f"Which {name} rows to keep. Fields combine with AND. A filter holds {_SIZE_RULE}, "
            f"and nests at most {MAX_NESTING} levels."
        ))
        definition = get_object_definition(cls, strict=True)
        plan.rename({field.python_name: _NAMES.from_field(field) for field in definition.fields})
        definition.from_input = _from_input
        orders[model] = _order_input(name, model, sortable)
    return shells, orders


def _sort_key(model: type[Table], column: str) -> Any:
    """An `*OrderField` value, described by the field it sorts on."""
    if column == "id":
        return strawberry.enum_value(column, description="Sort by id: the order the rows were created in.")
    described = model.model_fields[column].description or ""
    return strawberry.enum_value(column, description=f"Sort by `{to_camel_case(column)}`: {described}".strip())


def _order_input(name: str, model: type[Table], columns: list[str]) -> type:
    # A cast: mypy reads enum.Enum's functional form only with a literal name.
    members = cast(type[enum.Enum], enum.Enum(f"{name}OrderField", {c.upper(): _sort_key(model, c) for c in columns}))
    fields = strawberry.enum(members, description=f"What a list of {name} rows can be sorted by.")
    namespace = {
        "__annotations__": {"field": fields, "direction": OrderDirection},
        "field": strawberry.field(description="The column."),
        "direction": strawberry.field(default=OrderDirection.ASC, description="ASC (default) or DESC; NULLs always last."),
    }
    return strawberry.input(type(f"{name}Order", (), namespace), description=f"One sort key of a list of {name} rows.")


FILTERS, ORDERS = _build()


_DEFAULT_ORDERS = {model: Order.parse(model.default_order) for model in NODE_MODELS.values()}


def order_of(model: type[Table], order_by: Optional[list[Any]]) -> Order:
    """The order a list asks for; the model's own when it asks for none."""
    if not order_by:
        return _DEFAULT_ORDERS[model]
    if len(order_by) > MAX_ORDER_TERMS:
        raise UserInputError(f"orderBy takes at most {MAX_ORDER_TERMS} keys, got {len(order_by)}")
    return Order.parse(tuple(("-" if o.direction is OrderDirection.DESC else "") + o.field.value for o in order_by))


# graphql-core coerces the variables before any resolver runs, twice (once more for the node
# budget): 1.3 s for a 20,000-item `or`. Their JSON is measured in well under a millisecond.

def _named(type_node: TypeNode) -> str:
    while isinstance(type_node, (NonNullTypeNode, ListTypeNode)):
        type_node = type_node.type
    assert isinstance(type_node, NamedTypeNode)  # the only other kind of type reference
    return type_node.name.value


_FILTER_TYPE_NAMES = frozenset(
    get_object_definition(cls, strict=True).name
    for cls in (*FILTERS.values(), *_ENUM_FILTERS.values(), IDFilter, StringFilter, IntFilter, DecimalFilter,
                DateFilter, DateTimeFilter, BooleanFilter)
)


def check_raw_filter(value: Any) -> None:
    """Refuse a filter as the client sent it (JSON) when it breaks a limit `_spec` applies: the
    parts are counted the same way (objects and values; null is no part; a list is its items)."""
    size, pending = _Size(), [value]
    while pending:
        item = pending.pop()
        if isinstance(item, dict):
            for kind in ("and", "or"):
                items = item.get(kind)
                if isinstance(items, list) and len(items) > MAX_LIST_ITEMS:
                    raise _list_too_long(kind, len(items))
            size.add(1)
            pending.extend(item.values())
        elif isinstance(item, list):
            pending.extend(item)
        elif item is not None:
            size.add(1)


class FilterLimits(SchemaExtension):
    """Refuses, before any variable is coerced, an operation whose filter variables break the limits.
    Register it before NodeBudget, which coerces the variables to price the query."""

    def on_execute(self) -> Iterator[None]:
        context = self.execution_context
        operation = get_operation_ast(context.graphql_document, context.operation_name) if context.graphql_document else None
        variables = context.variables
        if operation is not None and isinstance(variables, dict) and context.result is None:
            try:
                for definition in operation.variable_definitions or ():
                    if _named(definition.type) in _FILTER_TYPE_NAMES:
                        check_raw_filter(variables.get(definition.variable.name.value))
            except UserInputError as error:
                context.result = GraphQLExecutionResult(data=None, errors=[graphql_error(error)])
        yield
