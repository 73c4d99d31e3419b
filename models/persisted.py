"""Persisted documents: GraphQL documents a client names by the SHA-256 of their text."""

from __future__ import annotations

import datetime as dt
from typing import ClassVar

import sqlalchemy as sa
from sqlmodel import Field

from models.base import TableModel, text, timestamp

#: A document registered by a client with Apollo's automatic persisted queries protocol.
APQ = "apq"
#: A document registered by an operator with `crmgraph documents add` (the only ones that run in
#: trusted-documents mode).
TRUSTED = "trusted"


class PersistedDocument(TableModel, table=True):
    """One GraphQL document, stored once under the hash of its text, for every worker to find."""

    __tablename__ = "persisted_document"
    label: ClassVar[str] = "A GraphQL document a client may run by its SHA-256 hash."

    sha256: str = Field(primary_key=True, max_length=64,
                        description="SHA-256 (lowercase hex) of the document's text, UTF-8: what clients send.")
    document: str = Field(sa_type=sa.Text, description="The document's text, exactly as registered.")
    source: str = text("apq (a client registered it) or trusted (`crmgraph documents add`).", max_length=10)
    created_at: dt.datetime = timestamp("When the document was first registered (UTC).")
