"""Filter and order inputs of every type, generated from the models and the relation registry,
and their translation into the filter specs and orders that the loaders run.

`InvoiceFilter` has an operator input per column suited to its type, `account: AccountFilter`
for each foreign key (rows whose account matches), one field per tab of the parent types
(`invoices: InvoiceFilter` on AccountFilter: accounts with at least one matching invoice), and
`and` / `or` / `not`. `InvoiceOrder` names a column and a direction.
"""

# No `from __future__ import annotations`: the generated inputs carry real type objects.
import datetime as dt
import enum
import types
import typing
from decimal import Decimal
from typing import Any, Optional

import sqlalchemy as sa
import strawberry
from strawberry.types.unset import UNSET

import schema.enums  # noqa: F401 - registers the enums first
from loaders.errors import UserInputError
from loaders.filters import Spec, combine
from loaders.paging import Order
from models import NODE_MODELS, RELATIONS, Table, referenced_model
from models.types import EnumList
from schema.node import pk_of

MAX_IN = 500
MAX_ORDER_TERMS = 5
MAX_NESTING = 12


def _op(description: str, name: Optional[str] = None) -> Any:
    return strawberry.field(default=UNSET, description=description, name=name)


def _given(value: Any, attribute: str) -> Any:
    """The field's value, or None when the client did not send it (or sent null)."""
    found = getattr(value, attribute, None)
    return None if found is UNSET else found


@strawberry.input(description="Conditions on a global id.")
class IDFilter:
    eq: Optional[strawberry.ID] = _op("Equal to.")
    ne: Optional[strawberry.ID] = _op("Not equal to.")
    in_: Optional[list[strawberry.ID]] = _op(f"One of these (at most {MAX_IN}).", name="in")
    is_null: Optional[bool] = _op("true: has no value; false: has one.")


@strawberry.input(description="Conditions on text. contains and startsWith ignore case and accents: 'Pérez' finds 'PEREZ'.")
class StringFilter:
    eq: Optional[str] = _op("Exactly equal to (case and accents count).")
    ne: Optional[str] = _op("Not exactly equal to.")
    in_: Optional[list[str]] = _op(f"Exactly one of these (at most {MAX_IN}).", name="in")
    contains: Optional[str] = _op("Contains this text, ignoring case and accents.")
    starts_with: Optional[str] = _op("Starts with this text, ignoring case and accents.")
    is_null: Optional[bool] = _op("true: has no value; false: has one.")


def _ordered_filter(name: str, kind: Any, what: str) -> type:
    namespace = {
        "__annotations__": {op: Optional[kind] for op in ("eq", "ne", "gt", "gte", "lt", "lte")}
        | {"in_": Optional[list[kind]], "is_null": Optional[bool]},
        "eq": _op("Equal to."), "ne": _op("Not equal to."), "gt": _op("Greater than."),
        "gte": _op("Greater than or equal to."), "lt": _op("Less than."), "lte": _op("Less than or equal to."),
        "in_": _op(f"One of these (at most {MAX_IN}).", name="in"), "is_null": _op("true: has no value; false: has one."),
    }
    return strawberry.input(type(name, (), namespace), description=f"Conditions on {what}.")


IntFilter = _ordered_filter("IntFilter", int, "a whole number")
DecimalFilter = _ordered_filter("DecimalFilter", Decimal, "an amount or quantity (give it as a string: \"1234.50\")")
DateFilter = _ordered_filter("DateFilter", dt.date, "a date (YYYY-MM-DD)")
DateTimeFilter = _ordered_filter("DateTimeFilter", dt.datetime, "an instant (ISO 8601 with its offset)")


@strawberry.input(description="Conditions on a yes/no value.")
class BooleanFilter:
    eq: Optional[bool] = _op("Equal to.")
    is_null: Optional[bool] = _op("true: has no value; false: has one.")


@strawberry.enum(description="Sort direction.")
class OrderDirection(enum.Enum):
    ASC = "ASC"
    DESC = "DESC"


_ENUM_FILTERS: dict[type, type] = {}


def _enum_filter(enum_class: type) -> type:
    if enum_class not in _ENUM_FILTERS:
        namespace = {
            "__annotations__": {"eq": Optional[enum_class], "ne": Optional[enum_class],
                                "in_": Optional[list[enum_class]], "is_null": Optional[bool]},
            "eq": _op("Equal to."), "ne": _op("Not equal to."),
            "in_": _op("One of these.", name="in"), "is_null": _op("true: has no value; false: has one."),
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
    """How each field of a generated filter input becomes part of a spec."""

    def __init__(self, model: type[Table]) -> None:
        self.model = model
        self.fields: dict[str, tuple[str, Any]] = {}


def _build() -> tuple[dict[type[Table], type], dict[type[Table], type]]:
    shells = {model: type(f"{name}Filter", (), {}) for name, model in NODE_MODELS.items()}
    orders: dict[type[Table], type] = {}
    for name, model in NODE_MODELS.items():
        cls, plan = shells[model], Plan(model)
        annotations: dict[str, Any] = {"id": Optional[IDFilter]}
        namespace: dict[str, Any] = {"id": _op(f"The {name}'s own global id.")}
        plan.fields["id"] = ("id", "id")
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
            plan.fields[field_name] = ("column", field_name)
            sortable.append(field_name)
        for relation in RELATIONS:
            if relation.parent is model:
                annotations[relation.field] = Optional[shells[relation.target]]
                namespace[relation.field] = _op(
                    f"Rows with at least one {relation.field} row that matches ({relation.label or relation.description})."
                )
                plan.fields[relation.field] = ("some", relation)
        annotations |= {"and_": Optional[list[cls]], "or_": Optional[list[cls]], "not_": Optional[cls]}
        namespace |= {
            "and_": _op("Every one of these holds.", name="and"),
            "or_": _op("At least one of these holds.", name="or"),
            "not_": _op("This does not hold.", name="not"),
        }
        plan.fields |= {"and_": ("and", None), "or_": ("or", None), "not_": ("not", None)}
        namespace["__annotations__"] = annotations
        for key, value in namespace.items():
            setattr(cls, key, value)
        cls._plan = plan  # not a GraphQL field: a column may be called "plan" (Subscription)
        strawberry.input(cls, name=f"{name}Filter", description=f"Which {name} rows to keep. Fields combine with AND.")
        orders[model] = _order_input(name, sortable)
    return shells, orders


def _order_input(name: str, columns: list[str]) -> type:
    fields = strawberry.enum(
        enum.Enum(f"{name}OrderField", {column.upper(): column for column in columns}),
        description=f"What a list of {name} rows can be sorted by.",
    )
    namespace = {
        "__annotations__": {"field": fields, "direction": OrderDirection},
        "field": strawberry.field(description="The column."),
        "direction": strawberry.field(default=OrderDirection.ASC, description="ASC (default) or DESC; NULLs always last."),
    }
    return strawberry.input(type(f"{name}Order", (), namespace), description=f"One sort key of a list of {name} rows.")


FILTERS, ORDERS = _build()


def filter_spec(value: Any, depth: int = 0) -> Optional[Spec]:
    """The spec of a filter input (None when it asks for nothing)."""
    if value is None:
        return None
    if depth > MAX_NESTING:
        raise UserInputError(f"filter nested deeper than {MAX_NESTING} levels (and / or / not / related rows)")
    plan: Plan = type(value)._plan
    parts: list[Spec] = []
    for attribute, (kind, arg) in plan.fields.items():
        given = _given(value, attribute)
        if given is None:
            continue
        if kind == "id":
            parts += _operators(plan.model, "id", given, ids=True)
        elif kind == "column":
            parts += _operators(plan.model, arg, given)
        elif kind == "ref":
            column, target = arg
            parts.append(("ref", column, target.__tablename__, filter_spec(given, depth + 1) or ("and", ())))
        elif kind == "some":
            parts.append(("some", arg.key, filter_spec(given, depth + 1) or ("and", ())))
        elif kind in ("and", "or"):
            parts.append((kind, tuple(filter_spec(item, depth + 1) or ("and", ()) for item in given)))
        elif kind == "not":
            parts.append(("not", filter_spec(given, depth + 1) or ("and", ())))
    return combine(*parts)


def _operators(model: type[Table], column: str, given: Any, ids: bool = False) -> list[Spec]:
    specs = []
    kind = model.__table__.c[column].type
    # Beyond NUMERIC(p, s) no row can match, and PostgreSQL would refuse to compare.
    limit = Decimal(10) ** (kind.precision - kind.scale) if isinstance(kind, sa.Numeric) and kind.precision else None
    for attribute, op in (("eq", "eq"), ("ne", "ne"), ("in_", "in"), ("gt", "gt"), ("gte", "gte"), ("lt", "lt"),
                          ("lte", "lte"), ("contains", "contains"), ("starts_with", "startsWith"), ("is_null", "isNull")):
        value = _given(given, attribute)
        if value is None:
            continue
        if op == "in":
            if len(value) > MAX_IN:
                raise UserInputError(f"filter on {column}: `in` takes at most {MAX_IN} values, got {len(value)}")
            value = tuple(_id(model, v) for v in value) if ids else tuple(value)
        elif ids and op != "isNull":
            value = _id(model, value)
        if limit is not None and any(isinstance(v, Decimal) and abs(v) >= limit for v in (value if isinstance(value, tuple) else (value,))):
            raise UserInputError(f"filter on {column}: a value is out of range (less than {limit} in absolute value)")
        if any(isinstance(v, str) and "\x00" in v for v in (value if isinstance(value, tuple) else (value,))):
            raise UserInputError(f"filter on {column}: text cannot contain the NUL character (U+0000)")
        if isinstance(value, dt.datetime) and value.tzinfo is None:
            raise UserInputError(f"filter on {column}: a DateTime needs its UTC offset, got {value.isoformat()}")
        specs.append(("cmp", column, op, value))
    return specs


def _id(model: type[Table], value: str) -> int:
    pk = pk_of(value, model)
    if pk is None:
        raise UserInputError(f"invalid id {value[:64]!r} in a filter: not an id of a {model.type_name()}")
    return pk


_DEFAULT_ORDERS = {model: Order.parse(model.default_order) for model in NODE_MODELS.values()}


def order_of(model: type[Table], order_by: Optional[list[Any]]) -> Order:
    """The order a list asks for; the model's own when it asks for none."""
    if not order_by:
        return _DEFAULT_ORDERS[model]
    if len(order_by) > MAX_ORDER_TERMS:
        raise UserInputError(f"orderBy takes at most {MAX_ORDER_TERMS} keys, got {len(order_by)}")
    return Order.parse(tuple(("-" if o.direction is OrderDirection.DESC else "") + o.field.value for o in order_by))
