"""API tokens: only a hash is stored; the token itself is shown once, when it is made."""

from __future__ import annotations

import datetime as dt
from enum import StrEnum
from typing import ClassVar

from sqlmodel import Field

from models.base import TableModel, text, timestamp
from models.types import EnumList


class Scope(StrEnum):
    """What a token may do: read queries; write also mutations; admin everything."""

    READ = "READ"
    WRITE = "WRITE"
    ADMIN = "ADMIN"


class ApiToken(TableModel, table=True):
    __tablename__ = "api_token"
    label: ClassVar[str] = "A bearer token of the API."

    id: int | None = Field(default=None, primary_key=True)
    name: str = text("Who or what uses it, e.g. bi-tool.", max_length=80, index=True)
    token_hash: str = text("SHA-256 of the token (hex); the token itself is never stored.", max_length=64, unique=True)
    prefix: str = text("First characters of the token, to recognise it in lists.", max_length=12)
    scopes: list[Scope] = Field(default_factory=list, sa_type=EnumList(Scope), description="What it may do.")
    created_at: dt.datetime = timestamp("When it was made (UTC).")
    expires_at: dt.datetime | None = timestamp("When it stops working (UTC); never if null.", optional=True)
    revoked_at: dt.datetime | None = timestamp("When it was revoked (UTC).", optional=True)
