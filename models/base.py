"""The base of every table and the small helpers that declare its columns in one line."""

from __future__ import annotations

import enum
from decimal import Decimal
from typing import TYPE_CHECKING, Any, ClassVar

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from models.types import ZERO, Money, Quantity, UTCDateTime, enum_column, utcnow


class TableModel(SQLModel):
    """The base of every table class (`table=True`): the link tables, the service's own tables, and `Table`."""

    if TYPE_CHECKING:  # SQLModel sets both on a table class, but declares no `__table__` and a maybe-callable name
        __tablename__: ClassVar[str]
        __table__: ClassVar[sa.Table]


class Table(TableModel):
    """A table with an integer primary key; GraphQL exposes it as a Node."""

    id: int | None = Field(default=None, primary_key=True, description="Primary key (the global id encodes it).")
    #: Natural order of rows in a tab or list: column names, "-" for descending. The id breaks ties.
    default_order: ClassVar[tuple[str, ...]] = ("id",)
    #: One line of what a row is, used as the GraphQL type description.
    label: ClassVar[str] = ""
    #: GraphQL type name, when it is not the class name.
    graphql_name: ClassVar[str | None] = None
    #: Prefix of the number the server assigns to a new row (CLI-000123), if it assigns one.
    number_prefix: ClassVar[str | None] = None

    @classmethod
    def type_name(cls) -> str:
        """The GraphQL type name: the name global ids carry."""
        return cls.graphql_name or cls.__name__

    @classmethod
    def assigned_number(cls, pk: int) -> str:
        """The number of the row with this id: unique because the id is, on every database."""
        return f"{cls.number_prefix}-{pk:06d}"


def ref(table: str, description: str, *, required: bool = False, owned: bool = False, keep: bool = False) -> Any:
    """A foreign key to `table.id`, indexed, with a delete rule that never loses a record silently.

    An owned row (an address, a comment, a document line) goes with its owner (CASCADE). Any other
    reference is cleared when optional (SET NULL), or blocks the delete when required or kept
    (RESTRICT): an account with invoices or CFDIs cannot vanish with them, nor a history entry lose
    whom it is about.
    """
    return Field(
        default=None,
        foreign_key=f"{table}.id",
        ondelete="CASCADE" if owned else ("RESTRICT" if required or keep else "SET NULL"),
        nullable=not required,
        index=True,
        description=description,
    )


def money(description: str, *, optional: bool = False) -> Any:
    return Field(default=None if optional else ZERO, sa_type=Money, description=description)


def quantity(description: str, *, optional: bool = False) -> Any:
    return Field(default=None if optional else Decimal("0"), sa_type=Quantity, description=description)


def choice(enum_class: type[enum.Enum], description: str, *, default: enum.Enum | None = None) -> Any:
    return Field(default=default, sa_type=enum_column(enum_class), description=description)


def timestamp(description: str, *, optional: bool = False) -> Any:
    if optional:
        return Field(default=None, sa_type=UTCDateTime, description=description)
    return Field(default_factory=utcnow, sa_type=UTCDateTime, description=description)


def text(description: str, *, default: str | None = None, max_length: int | None = None, **kw: Any) -> Any:
    return Field(default=default, max_length=max_length, description=description, **kw)
