"""`aggregate` on connections of rows with amounts: count, and sum/min/max/avg of each amount."""

# No `from __future__ import annotations`: the generated types carry real type objects.
from decimal import ROUND_HALF_UP, Decimal
from typing import Any, Optional

import sqlalchemy as sa
import strawberry

from loaders.sql import aggregate_columns
from models import Table


class AggregateType:
    """The generated `XAggregate` type of a model and how to fill it from a row of aggregates."""

    def __init__(self, name: str, model: type[Table], columns: list[str]) -> None:
        self.columns = columns
        table = model.__table__
        self.scales = {c: _unit(table.c[c]) for c in columns}
        values_namespace: dict[str, Any] = {"__annotations__": {c: Optional[Decimal] for c in columns}}
        for column in columns:
            values_namespace[column] = strawberry.field(description=model.model_fields[column].description)
        self.values_cls: type[Any] = strawberry.type(
            type(f"{name}AggregateValues", (), values_namespace),
            description=f"One value per amount of {name}; null when no row has one.",
        )
        namespace: dict[str, Any] = {
            "__annotations__": {"count": int, **dict.fromkeys(("sum", "min", "max", "avg"), self.values_cls)},
            "count": strawberry.field(description="Number of rows that match."),
            "sum": strawberry.field(description="Totals."),
            "min": strawberry.field(description="Smallest values."),
            "max": strawberry.field(description="Largest values."),
            "avg": strawberry.field(description="Averages, rounded half-up to the amount's decimals."),
        }
        self.cls: type[Any] = strawberry.type(
            type(f"{name}Aggregate", (), namespace),
            description=f"Figures over every {name} row of the list that passes its filter (not just this page).",
        )

    def figures(self, values: dict[str, Any]) -> dict[str, Any]:
        """{"count": n, "sum": {column: Decimal | None}, "min": ..., "max": ..., "avg": ...} of a row of
        `loaders.sql` aggregates, rounded half-up to each amount's decimals."""
        count = values["count"]

        def part(function: str) -> dict[str, Any]:
            out: dict[str, Any] = {}
            for column in self.columns:
                value = values.get(f"{function}_{column}")
                if value is not None:
                    value = Decimal(value).quantize(self.scales[column], rounding=ROUND_HALF_UP)
                    if function == "avg":  # over the rows that have a value, as SQL's avg
                        value = (value / values[f"present_{column}"]).quantize(self.scales[column], rounding=ROUND_HALF_UP)
                out[column] = value
            return out

        values = {**values, **{f"avg_{c}": values.get(f"sum_{c}") for c in self.columns}}
        return {"count": count, **{f: part(f) for f in ("sum", "min", "max", "avg")}}

    def build(self, values: dict[str, Any]) -> Any:
        figures = self.figures(values)
        obj = object.__new__(self.cls)
        obj.__dict__["count"] = figures.pop("count")
        for function, by_column in figures.items():
            part = object.__new__(self.values_cls)
            part.__dict__.update(by_column)
            obj.__dict__[function] = part
        return obj


def _unit(column: sa.Column[Any]) -> Decimal:
    """The smallest step of an amount column: 0.01 for money."""
    scale = column.type.scale if isinstance(column.type, sa.Numeric) else None
    return Decimal(1).scaleb(-(scale or 0))


def aggregate_type(name: str, model: type[Table]) -> Optional[AggregateType]:
    columns = aggregate_columns(model)
    return AggregateType(name, model, columns) if columns else None
