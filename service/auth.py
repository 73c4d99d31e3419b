"""API tokens: made, listed, revoked, and checked on every request (`Authorization: Bearer ...`).

A token is 32 random bytes (URL-safe base64) after a `crm_` prefix. Only its SHA-256 is stored:
a fast hash is right for high-entropy secrets, and it lets a request find its token in one lookup.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
import time
from collections import OrderedDict
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncEngine

from models import ApiToken, Scope
from models.types import utcnow
from service.db import WRITE


def _declared_length(column: sa.Column[Any]) -> int:
    """The n of a VARCHAR(n) column (SQLModel declares it as an AutoString that wraps a String)."""
    declared = column.type
    string = declared.impl_instance if isinstance(declared, sa.TypeDecorator) else declared
    assert isinstance(string, sa.String) and string.length is not None, f"{column} is not a VARCHAR(n)"
    return string.length


PREFIX = "crm_"
#: Longest name a token may have: the column's length.
MAX_NAME_LENGTH = _declared_length(ApiToken.__table__.c.name)
#: Longest lifetime a token may be given; one that should never expire is made without one.
MAX_LIFETIME_DAYS = 3650
#: What each scope includes: admin may do all that write may, write all that read may.
_INCLUDES = {Scope.READ: {Scope.READ}, Scope.WRITE: {Scope.READ, Scope.WRITE}, Scope.ADMIN: set(Scope)}


@dataclass(frozen=True)
class Principal:
    """Who is calling: the token's name (the activity log's actor) and what it may do."""

    name: str
    scopes: frozenset[Scope]

    def may(self, scope: Scope) -> bool:
        return any(scope in _INCLUDES[held] for held in self.scopes)


#: Nobody: what a request without a token is, where one gets that far (the GraphiQL page).
ANONYMOUS = Principal("anonymous", frozenset())


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


class TokenRefused(ValueError):
    """A token that may not be made as asked; the message says why, in one line."""


def lifetime(days: int) -> dt.timedelta:
    """`days` as a token's lifetime, checked before it becomes a timedelta (which overflows)."""
    if not 1 <= days <= MAX_LIFETIME_DAYS:
        raise TokenRefused(
            f"a token expires in 1 to {MAX_LIFETIME_DAYS} days, not {days}; leave the expiry out for one that never expires"
        )
    return dt.timedelta(days=days)


def _check_name(name: str) -> None:
    """A name is what `list` shows and what `revoke` matches: one printable line, unmistakable."""
    if not name.strip():
        raise TokenRefused("a token needs a name")
    if not name.isprintable():  # control, format (bidi overrides), separator and unpaired surrogate characters
        raise TokenRefused("a token's name must be printable text, without control characters")
    if name != name.strip():
        raise TokenRefused("a token's name must not start or end with a space")
    if len(name) > MAX_NAME_LENGTH:
        raise TokenRefused(f"a token's name has at most {MAX_NAME_LENGTH} characters, not {len(name)}")
    if name.startswith(PREFIX):  # `revoke` takes a name or a token's prefix: they must not be confused
        raise TokenRefused(f"a token's name must not start with {PREFIX!r}, which begins every token")


async def create_token(
    engine: AsyncEngine, name: str, scopes: set[Scope], *, expires_in: dt.timedelta | None = None
) -> str:
    """A new token; the only time it is ever shown. `TokenRefused` when the name is not valid or already
    names a live (neither revoked nor expired) token, the lifetime is not 1 to MAX_LIFETIME_DAYS days,
    or there is no scope; nothing is written then."""
    _check_name(name)
    if not scopes:
        raise TokenRefused("a token needs at least one scope")
    if expires_in is not None and not dt.timedelta(0) < expires_in <= dt.timedelta(days=MAX_LIFETIME_DAYS):
        raise TokenRefused(f"a token's lifetime must be positive and at most {MAX_LIFETIME_DAYS} days")
    token = PREFIX + secrets.token_urlsafe(32)
    table = ApiToken.__table__
    async with engine.connect() as connection:
        connection = await connection.execution_options(**{WRITE: True})
        async with connection.begin():
            if connection.dialect.name == "postgresql":
                # Two creators of one name must not both find it free. This mode excludes other
                # writers of the table only (SQLite's BEGIN IMMEDIATE does the same); readers,
                # that is every request's token check, go on.
                await connection.execute(sa.text(f"LOCK TABLE {table.name} IN SHARE ROW EXCLUSIVE MODE"))
            now = utcnow()
            live = await connection.scalar(
                sa.select(sa.func.count()).select_from(table).where(
                    table.c.name == name,
                    table.c.revoked_at.is_(None),
                    sa.or_(table.c.expires_at.is_(None), table.c.expires_at > now),
                )
            )
            if live:
                raise TokenRefused(f"a live token is already named {name!r}: revoke it first, or choose another name")
            await connection.execute(sa.insert(table), [{
                "name": name,
                "token_hash": token_hash(token),
                "prefix": token[:12],
                "scopes": sorted(scopes, key=list(Scope).index),
                "created_at": now,
                "expires_at": now + expires_in if expires_in else None,
            }])
    return token


async def list_tokens(engine: AsyncEngine) -> list[sa.Row]:
    table = ApiToken.__table__
    async with engine.connect() as connection:
        statement = sa.select(table.c.id, table.c.name, table.c.prefix, table.c.scopes, table.c.created_at,
                              table.c.expires_at, table.c.revoked_at).order_by(table.c.id)
        return list((await connection.execute(statement)).all())


async def revoke_tokens(engine: AsyncEngine, name_or_prefix: str) -> int:
    """Revoke the live tokens with this name or token prefix; how many were revoked."""
    table = ApiToken.__table__
    async with engine.connect() as connection:
        connection = await connection.execution_options(**{WRITE: True})
        async with connection.begin():
            result = await connection.execute(
                sa.update(table)
                .where(sa.or_(table.c.name == name_or_prefix, table.c.prefix == name_or_prefix))
                .where(table.c.revoked_at.is_(None))
                .values(revoked_at=utcnow())
            )
    return result.rowcount


class TokenCache:
    """Token checks remembered for a few seconds (CRMGRAPH_TOKEN_CACHE_SECONDS), so a request is one
    round trip to the database per level, not one more for its token. What is remembered is the
    token's row: expiry is still checked on every request, to the microsecond; a revocation is seen
    once the row is read again, at most `seconds` later. Only tokens that exist are remembered, at
    most `size` of them, the least recently used first out."""

    def __init__(self, seconds: float, size: int = 10_000) -> None:
        self.seconds, self.size = seconds, size
        self._rows: OrderedDict[str, tuple[float, Any]] = OrderedDict()

    def get(self, digest: str) -> Any | None:
        if self.seconds <= 0:
            return None
        found = self._rows.get(digest)
        if found is None:
            return None
        read_at, row = found
        if time.monotonic() - read_at >= self.seconds:
            del self._rows[digest]
            return None
        self._rows.move_to_end(digest)
        return row

    def put(self, digest: str, row: Any) -> None:
        if self.seconds <= 0:
            return
        self._rows[digest] = (time.monotonic(), row)
        self._rows.move_to_end(digest)
        while len(self._rows) > self.size:
            self._rows.popitem(last=False)


async def authenticate(engine: AsyncEngine, authorization: str | None, cache: TokenCache | None = None) -> Principal | str:
    """The caller of a request, or why it is refused."""
    scheme, _, token = (authorization or "").strip().partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        return "missing bearer token: send Authorization: Bearer <token>"
    digest = token_hash(token.strip())
    row = cache.get(digest) if cache is not None else None
    if row is None:
        table = ApiToken.__table__
        async with engine.connect() as connection:
            row = (await connection.execute(
                sa.select(table.c.name, table.c.scopes, table.c.expires_at, table.c.revoked_at)
                .where(table.c.token_hash == digest)
            )).first()
        if row is None:
            return "invalid token"
        if cache is not None:
            cache.put(digest, row)
    if row.revoked_at is not None:
        return "this token was revoked"
    if row.expires_at is not None and row.expires_at <= utcnow():
        return "this token has expired"
    return Principal(row.name, frozenset(row.scopes))
