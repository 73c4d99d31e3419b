"""Column types shared by every table: money, quantities, UTC datetimes, enum lists."""

from __future__ import annotations

import enum
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

import sqlalchemy as sa
from sqlalchemy.types import TypeDecorator

from models.exact import ExactNumeric

#: NUMERIC(18,2): every amount of money (whole cents on SQLite, exact everywhere).
Money = ExactNumeric(18, 2, asdecimal=True)
#: NUMERIC(18,4): quantities and rates (whole ten-thousandths on SQLite).
Quantity = ExactNumeric(18, 4, asdecimal=True)


class UTCDateTime(TypeDecorator[datetime]):
    """A timezone-aware UTC datetime on every database (SQLite keeps it as naive UTC text)."""

    impl = sa.DateTime(timezone=True)
    cache_ok = True

    @property
    def python_type(self) -> type[datetime]:
        return datetime

    def process_bind_param(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given where UTC is required")
        value = value.astimezone(UTC)
        # SQLite compares datetimes as text: store them naive so every row has one format.
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


class EnumList(TypeDecorator[list[enum.Enum]]):
    """Several members of one enum, stored as a JSON array of their values."""

    impl = sa.JSON
    cache_ok = True

    def __init__(self, enum_class: type[enum.Enum]) -> None:
        super().__init__()
        self.enum_class = enum_class

    def process_bind_param(self, value: list[enum.Enum] | None, dialect: Any) -> list[str] | None:
        if value is None:
            return None
        return [self.enum_class(member).value for member in value]

    def process_result_value(self, value: list[str] | None, dialect: Any) -> list[enum.Enum]:
        return [self.enum_class(member) for member in value or ()]


def enum_column(enum_class: type[enum.Enum]) -> sa.Enum:
    """An enum kept as VARCHAR (no native PostgreSQL type to migrate when a value is added)."""
    return sa.Enum(
        enum_class,
        native_enum=False,
        create_constraint=False,
        length=max(len(member.value) for member in enum_class),
        values_callable=lambda members: [member.value for member in members],
    )


def utcnow() -> datetime:
    return datetime.now(UTC)


#: One cent, the unit every amount of money is rounded to (half-up, models/totals.py).
CENT = Decimal("0.01")
ZERO = Decimal("0.00")
