"""Rows for tests, built from the table definitions: every required column gets a plain value of
its type, and a required foreign key gets a row of its own. Give any column to set it."""

from __future__ import annotations

import datetime as dt
import itertools
from decimal import Decimal
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncEngine

from models import Account, PriceList, Relation, Table, referenced_model
from models.types import EnumList, UTCDateTime

#: Tables whose check constraint wants exactly one owner: the owner a test row gets by default.
DEFAULT_OWNER = {"address": "account_id", "activity_log": "account_id"}
#: Tables whose check constraints tie columns together: values that satisfy them, unless a test gives its own.
CONSISTENT_VALUES = {
    "payment_related_document": {
        "installment": 1, "previous_balance": Decimal("100.00"), "amount_paid": Decimal("100.00"),
        "remaining_balance": Decimal("0.00"),
    },
}
BASE_DAY = dt.date(2026, 6, 30)
BASE_TIME = dt.datetime(2026, 6, 30, 12, tzinfo=dt.UTC)


def _model_default(model: type[Table], name: str) -> Any:
    """The model's own plain default of a column (e.g. country "MX"), if it has one."""
    field = model.model_fields.get(name)
    default = getattr(field, "default", None)
    return default if isinstance(default, (str, bool, int, Decimal)) else None


class Factory:
    def __init__(self, engine: AsyncEngine) -> None:
        self.engine = engine
        self.sequence = itertools.count(1)

    async def insert(self, model: type[Table], **values: Any) -> int:
        """Insert one row of `model` and return its id."""
        table = model.__table__
        row = {}
        for column in table.columns:
            if column.name == "id" or column.name in values:
                continue
            if column.foreign_keys:
                if not column.nullable:
                    row[column.name] = await self.insert(referenced_model(column))
                continue
            if not column.nullable or column.unique:
                default = _model_default(model, column.name)
                row[column.name] = default if default is not None and not column.unique else self.value(column)
        row.update(CONSISTENT_VALUES.get(table.name, {}))
        row.update(values)
        owner = DEFAULT_OWNER.get(table.name)
        if owner and not any(row.get(c.name) for c in table.columns if c.foreign_keys):
            row[owner] = await self.insert(referenced_model(table.c[owner]))
        async with self.engine.begin() as connection:
            return (await connection.execute(sa.insert(table).values(row).returning(table.c.id))).scalar_one()

    async def invoiceable_company(self, **values: Any) -> int:
        """An account to duplicate, invoiceable under CFDI 4.0: régimen 601 (companies), uso G03, paid PUE."""
        profile = {"name": "Grupo Atlas", "tax_regime": "601", "cfdi_use": "G03", "payment_form": "03",
                   "payment_method": "PUE", "fiscal_postal_code": "06600", "currency": "MXN"}
        return await self.insert(Account, **{**profile, "price_list_id": await self.insert(PriceList), **values})

    async def related(self, relation: Relation, parent_id: int, **values: Any) -> int:
        """A row of the relation's target belonging to the parent (through its link table if it has one)."""
        if relation.link is None:
            return await self.insert(relation.target, **{relation.fk: parent_id, **values})
        target_id = await self.insert(relation.target, **values)
        await self.link(relation, parent_id, target_id)
        return target_id

    async def link(self, relation: Relation, parent_id: int, target_id: int, **attributes: Any) -> None:
        table = relation.link.__table__
        row = {relation.link_parent: parent_id, relation.link_target: target_id}
        for column in table.columns:
            if column.name not in row:
                row[column.name] = attributes.get(column.name, self.value(column))
        async with self.engine.begin() as connection:
            await connection.execute(sa.insert(table).values(row))

    def value(self, column: sa.Column) -> Any:
        """A plain value for the column; consecutive calls give distinct values."""
        n = next(self.sequence)
        kind = column.type
        if isinstance(kind, sa.Enum):
            return kind.enums[0]
        if isinstance(kind, EnumList) or isinstance(kind, sa.JSON):
            return []
        if isinstance(kind, UTCDateTime):
            return BASE_TIME - dt.timedelta(minutes=n)
        if isinstance(kind, sa.Date):
            return BASE_DAY - dt.timedelta(days=n % 3000)
        if isinstance(kind, sa.Numeric):
            return Decimal(n % 10_000) + Decimal("0.25")
        if isinstance(kind, sa.Boolean):
            return False
        if isinstance(kind, sa.Integer):
            return n
        length = getattr(kind, "length", None) or 40
        return f"{column.name[:3]}{n}"[-length:]
