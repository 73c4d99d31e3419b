"""NUMERIC(p, s) that stays exact on SQLite: there a value is kept as a whole number of units of
10**-s (cents for money), which SQLite stores as a 64-bit INTEGER and compares, sorts, sums and
bounds exactly. SQLite has no decimal type: as NUMERIC it would keep a REAL (15 significant digits).

PostgreSQL keeps its own exact NUMERIC: its dialect replaces this type with its own Numeric, so
nothing here runs there. DDL, `isinstance(type, sa.Numeric)`, precision, scale and python_type are
those of sa.Numeric on every database.
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import (
    MAX_EMAX,
    MAX_PREC,
    MIN_EMIN,
    ROUND_CEILING,
    ROUND_FLOOR,
    ROUND_HALF_UP,
    Context,
    Decimal,
    InvalidOperation,
)
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql import operators
from sqlalchemy.sql.functions import FunctionElement

#: Moving the decimal point in this context never rounds, however many digits a number has.
_EXACT = Context(prec=MAX_PREC, Emax=MAX_EMAX, Emin=MIN_EMIN)
#: The exact sum on SQLite adds the units in two halves, each far from SQLite's 64-bit limit.
_SPLIT = 10**9
#: (precision, scale) of a NUMERIC; either is None for a type SQLAlchemy derived (`amount + amount`).
Digits = tuple[int | None, int | None]


def _number(value: Any) -> Decimal:
    if isinstance(value, Decimal):
        return value
    if isinstance(value, int) and not isinstance(value, bool):
        return Decimal(value)
    if isinstance(value, float):
        return Decimal(repr(value))  # the number the float was written as, not its binary expansion
    if isinstance(value, str):
        try:
            return Decimal(value)
        except InvalidOperation:
            raise ValueError(f"{value[:40]!r} is not a decimal number") from None
    raise TypeError(f"an exact NUMERIC takes a Decimal, got {type(value).__name__}")


class ExactNumeric(sa.Numeric[Decimal]):
    """NUMERIC(p, s): integer units of 10**-s on SQLite, native NUMERIC elsewhere."""

    #: How a value with more decimals than the scale becomes whole units. A write rounds half away
    #: from zero, as PostgreSQL does when it stores a NUMERIC(p, s); comparisons use the subclasses.
    rounding: str | None = ROUND_HALF_UP

    def column_digits(self) -> Digits:
        """(precision, scale) of the column whose units this type binds."""
        return self.precision, self.scale

    def _known_digits(self) -> tuple[int, int]:
        precision, scale = self.column_digits()
        if precision is None or scale is None:
            # SQLAlchemy types `amount + amount`, `amount * n`... as a NUMERIC without a scale, and
            # on SQLite the units of such a result are unknown. Amounts are computed in Python.
            raise TypeError("SQL arithmetic on exact amounts is not supported on SQLite: compute them in Python")
        return precision, scale

    def units(self, value: Any) -> int:
        """`value` as a whole number of units of 10**-scale, as SQLite keeps it."""
        return self._to_units()(value)

    def _to_units(self) -> Callable[[Any], int]:
        precision, scale = self._known_digits()
        rounding = self.rounding
        # Every row lies strictly within ±10**precision units (10**18 < 2**63: SQLite's INTEGER holds it).
        bound: int = 10**precision

        def to_units(value: Any) -> int:
            number = value if type(value) is Decimal else _number(value)
            if not number.is_finite():
                raise ValueError(f"{value} is not a finite number")
            scaled = number.scaleb(scale, _EXACT)
            if -bound < scaled < bound:
                whole = scaled.to_integral_value(rounding=rounding or ROUND_FLOOR)
                if rounding is None and whole != scaled:
                    return bound  # between two units: equal to no row
                return int(whole)
            if rounding == ROUND_HALF_UP:
                raise ValueError(f"{value} does not fit NUMERIC({precision}, {scale})")
            return -bound if scaled < 0 and rounding is not None else bound

        return to_units

    def bind_processor(self, dialect: Any) -> Any:
        if dialect.name != "sqlite":
            return super().bind_processor(dialect)
        to_units = self._to_units()
        return lambda value: None if value is None else to_units(value)

    def literal_processor(self, dialect: Any) -> Any:
        if dialect.name != "sqlite":
            return super().literal_processor(dialect)
        to_units = self._to_units()
        return lambda value: str(to_units(value))

    def result_processor(self, dialect: Any, coltype: Any) -> Any:
        if dialect.name != "sqlite":
            return super().result_processor(dialect, coltype)
        _, scale = self._known_digits()

        def process(value: Any) -> Decimal | None:
            if value is None:
                return None
            if not isinstance(value, int):
                # A REAL is an amount written before migration 0004, not a count of units.
                raise ValueError(f"an exact NUMERIC column holds a {type(value).__name__}: run `crmgraph migrate`")
            return Decimal(value).scaleb(-scale, _EXACT)

        return process

    def coerce_compared_value(self, op: Any, value: Any) -> sa.types.TypeEngine[Any]:
        """The type of a number compared with this column, chosen by the operator: a value with more
        decimals than the scale compares exactly on both databases (`total >= 0.001` skips 0.00)."""
        if isinstance(value, bool) or not isinstance(value, (Decimal, int, float)):
            return super().coerce_compared_value(op, value)
        kind = _COMPARED.get(op)
        # Any other operator takes the value as a write does (half-up to the scale): BETWEEN gives
        # both bounds one operator (and_), so filters use >= and <= instead.
        return self if kind is None else kind(self.column_digits(), asdecimal=self.asdecimal)


class _Compared(ExactNumeric):
    """A number compared with a column of `digits` (precision, scale). Its own NUMERIC has neither,
    so PostgreSQL compares the number as given rather than cast to the column's scale first
    (`$1::NUMERIC`, not `$1::NUMERIC(18, 2)`, which would make 0.001 equal 0.00)."""

    def __init__(self, digits: Digits, asdecimal: bool = True) -> None:
        super().__init__()
        self.asdecimal = asdecimal  # Numeric's own __init__ takes it only as a literal True or False
        self.digits = digits

    def column_digits(self) -> Digits:
        return self.digits


class _Floor(_Compared):
    """For `>` and `<=`: whole units x satisfy x > v exactly when x > floor(v), and likewise <=."""

    rounding = ROUND_FLOOR


class _Ceiling(_Compared):
    """For `>=` and `<`: x >= v exactly when x >= ceil(v), and likewise <."""

    rounding = ROUND_CEILING


class _Exactly(_Compared):
    """For `=`, `!=`, IN: a value between two units becomes one no row has, so = is false, != true."""

    rounding = None


_COMPARED: dict[Any, type[_Compared]] = {
    operators.gt: _Floor, operators.le: _Floor,
    operators.ge: _Ceiling, operators.lt: _Ceiling,
    operators.eq: _Exactly, operators.ne: _Exactly, operators.in_op: _Exactly, operators.not_in_op: _Exactly,
    operators.is_distinct_from: _Exactly, operators.is_not_distinct_from: _Exactly,
}  # fmt: skip


class _UnitsSum(ExactNumeric):
    """The result of `exact_sum`: on SQLite the text "high:low", the sums of the two halves of the units."""

    def result_processor(self, dialect: Any, coltype: Any) -> Any:
        if dialect.name != "sqlite":
            return super().result_processor(dialect, coltype)
        scale = self.scale
        assert scale is not None, "exact_sum adds table columns, whose NUMERIC has a scale"

        def process(value: str | None) -> Decimal | None:
            if value is None:
                return None
            high, low = value.split(":")
            return Decimal(int(high) * _SPLIT + int(low)).scaleb(-scale, _EXACT)

        return process


class exact_sum(FunctionElement[Decimal]):  # lower case, like the sa.func.sum it stands for
    """sum(column) of an ExactNumeric column, exact on every database (NULL when no row has a value).

    SQLite's sum() stops with "integer overflow" past 2**63 units; here it adds the high and the
    low halves of the units separately (each at most 10**9 per row: no overflow before 9 billion
    rows), and Python puts them together. PostgreSQL's sum of NUMERIC is exact as it is.
    """

    name = "sum"
    inherit_cache = True

    def __init__(self, column: sa.ColumnElement[Any]) -> None:
        if not isinstance(column.type, ExactNumeric):
            raise TypeError(f"exact_sum adds ExactNumeric columns, not {column.type!r}")
        super().__init__(column)
        self.type = _UnitsSum(None, column.type.scale)


@compiles(exact_sum)
def _sum(element: exact_sum, compiler: Any, **kw: Any) -> str:
    return f"sum({compiler.process(element.clauses, **kw)})"


@compiles(exact_sum, "sqlite")
def _sum_on_sqlite(element: exact_sum, compiler: Any, **kw: Any) -> str:
    units = compiler.process(element.clauses, **kw)
    # Integer / and % truncate toward zero: units = high * _SPLIT + low, with high and low of one sign.
    return f"(sum({units} / {_SPLIT}) || ':' || sum({units} % {_SPLIT}))"
