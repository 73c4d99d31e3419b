"""Idempotency keys: the first answer to a mutation request, kept 24 hours per (token, key)."""

from __future__ import annotations

import datetime as dt
from typing import ClassVar

import sqlalchemy as sa
from sqlmodel import Field

from models.base import TableModel, text, timestamp
from models.types import UTCDateTime, utcnow


class IdempotencyKey(TableModel, table=True):
    """One `Idempotency-Key` a token sent with a mutation request, and what it was answered.

    state: PENDING while the request runs; COMMITTED once one of its writes committed (set inside
    that write's own transaction); DONE once its answer is stored.
    """

    __tablename__ = "idempotency_key"
    __table_args__ = (sa.UniqueConstraint("owner", "key", name="uq_idempotency_key_owner_key"),)
    label: ClassVar[str] = "The stored answer of a request sent with an Idempotency-Key."

    id: int | None = Field(default=None, primary_key=True)
    owner: str = text("SHA-256 (hex) of the token that sent the key: keys of different tokens never meet.", max_length=64)
    key: str = text("The Idempotency-Key header as sent.", max_length=255)
    fingerprint: str = text("SHA-256 (hex) of the request body, canonical JSON: the same key must come with the same body.",
                            max_length=64)
    claim: str = text("Random mark of the request that holds the key; a stale claim gets a new one.", max_length=32)
    state: str = text("PENDING, COMMITTED or DONE.", max_length=10)
    status_code: int | None = Field(default=None, description="HTTP status of the stored answer.")
    content_type: str | None = text("Content-Type of the stored answer.", max_length=100)
    body: bytes | None = Field(default=None, sa_type=sa.LargeBinary, description="The stored answer, as sent.")
    created_at: dt.datetime = Field(
        default_factory=utcnow, sa_type=UTCDateTime, index=True,
        description="When the key was first used (UTC); it is forgotten 24 hours later.",
    )
    updated_at: dt.datetime = timestamp("When the row last changed state (UTC).")
