"""Idempotency keys, the way Stripe does them: a mutation request may carry `Idempotency-Key`.

The first answer for a (token, key) pair is stored with the request body's fingerprint for 24 hours,
in the database, so every worker and every restart sees it:
- the same key with the same body gets the stored answer again (`Idempotent-Replayed: true`) and
  writes nothing new;
- the same key with another body is refused (409, CONFLICT) and runs nothing;
- while the first request runs, a second one with the key waits for its answer, up to the request
  time limit, then is refused (409, CONFLICT, Retry-After).
A request whose answer says nothing was written and a retry may succeed (503: busy, unreachable)
leaves no key behind, so its retry runs. Each write of the request marks the key COMMITTED inside
its own transaction: a request that died after committing is never run a second time, and a stale
claim that never committed is taken over only while it has still not committed (the mark checks
the claim, so the two cannot both win).
"""

from __future__ import annotations

import asyncio
import datetime as dt
import hashlib
import secrets
from dataclasses import dataclass
from typing import Any

import orjson
import sqlalchemy as sa
from graphql import GraphQLError, OperationType, parse
from graphql.utilities import get_operation_ast
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from loaders.errors import RequestErrorCode, UserInputError
from models import IdempotencyKey
from models.types import utcnow
from service.db import begin_write

HEADER = "idempotency-key"
TTL = dt.timedelta(hours=24)
MAX_KEY_LENGTH = 255
_POLL_SECONDS = 0.05
_MIN_BOOKKEEPING_RETRIES = 8
_TABLE = IdempotencyKey.__table__
_C = _TABLE.c


@dataclass(frozen=True)
class Refusal:
    """Why the request is not run: an HTTP status, an error code and a message."""

    status: int
    code: str
    message: str
    retry_after: int | None = None


@dataclass(frozen=True)
class Stored:
    """The answer given the first time."""

    status: int
    content_type: str
    body: bytes


@dataclass(frozen=True)
class Claim:
    """This request holds the key: it runs, and its answer is stored."""

    id: int
    claim: str


def key_problem(key: str) -> str | None:
    """Why a header value is no usable key, or None."""
    if not 1 <= len(key) <= MAX_KEY_LENGTH or not all("!" <= c <= "~" for c in key):
        return f"Idempotency-Key must be 1 to {MAX_KEY_LENGTH} visible ASCII characters (a UUID is a good key)"
    return None


def fingerprint(body: Any) -> str:
    """The same request body gives the same fingerprint, whatever its key order and spacing."""
    return hashlib.sha256(orjson.dumps(body, option=orjson.OPT_SORT_KEYS)).hexdigest()


def is_mutation_request(body: Any) -> bool:
    """Whether the request (or any operation of a batch) runs a mutation: only those need a key."""
    operations = body if isinstance(body, list) else [body]
    return any(
        isinstance(op, dict) and _is_mutation(op.get("query"), op.get("operationName"))
        for op in operations
    )


def _is_mutation(query: Any, operation_name: Any) -> bool:
    if not isinstance(query, str) or not (operation_name is None or isinstance(operation_name, str)):
        return False
    try:
        operation = get_operation_ast(parse(query), operation_name)
    except (GraphQLError, RecursionError):
        return False  # the request fails before it runs anything: no key is needed
    return operation is not None and operation.operation == OperationType.MUTATION


class IdempotencyStore:
    """The keys of one database."""

    def __init__(self, engine: AsyncEngine, *, wait_seconds: float, stale_after: dt.timedelta, busy_retries: int) -> None:
        self.engine = engine
        self.wait_seconds = wait_seconds
        self.stale_after = stale_after
        self.busy_retries = busy_retries

    async def claim(self, owner: str, key: str, body_fingerprint: str) -> Claim | Stored | Refusal:
        """Take the key for this request, or the answer to give instead."""
        loop = asyncio.get_running_loop()
        give_up = loop.time() + self.wait_seconds
        while True:
            try:
                outcome = await self._claim_once(owner, key, body_fingerprint)
            except IntegrityError:  # another request inserted the key at the same moment: look again
                continue
            if outcome is not None:
                return outcome
            if loop.time() >= give_up:
                return Refusal(409, RequestErrorCode.CONFLICT, "a request with this Idempotency-Key is still running; "
                               "retry after it has finished", retry_after=1)
            await asyncio.sleep(_POLL_SECONDS)

    async def _claim_once(self, owner: str, key: str, body_fingerprint: str) -> Claim | Stored | Refusal | None:
        now = utcnow()
        async with self._writing() as connection:
            row = (await connection.execute(
                sa.select(_TABLE).where(_C.owner == owner, _C.key == key)
            )).first()
            if row is None or row.created_at < now - TTL:
                # A new key: forget every expired one on the way (this one included), then take it.
                await connection.execute(sa.delete(_TABLE).where(_C.created_at < now - TTL))
                mark = secrets.token_hex(16)
                inserted = await connection.execute(sa.insert(_TABLE).values(
                    owner=owner, key=key, fingerprint=body_fingerprint, claim=mark, state="PENDING",
                    created_at=now, updated_at=now,
                ))
                return Claim(inserted.inserted_primary_key[0], mark)
            if row.fingerprint != body_fingerprint:
                return Refusal(409, RequestErrorCode.CONFLICT, "this Idempotency-Key was already used with a different request "
                               "body; use a new key for a new request")
            if row.state == "DONE":
                return Stored(row.status_code, row.content_type, row.body)
            if row.updated_at > now - self.stale_after:
                return None  # still running: wait for its answer
            if row.state == "COMMITTED":
                return Refusal(409, RequestErrorCode.CONFLICT, "an earlier request with this Idempotency-Key was applied, but its "
                               "answer was lost; read the data to see its effect before sending it with a new key")
            # Abandoned before it wrote anything: take it over (its own commit would now find it gone).
            mark = secrets.token_hex(16)
            await connection.execute(
                sa.update(_TABLE).where(_C.id == row.id, _C.claim == row.claim, _C.state == "PENDING")
                .values(claim=mark, updated_at=now)
            )
            return Claim(row.id, mark)

    async def mark_committed(self, claim: Claim, connection: AsyncConnection) -> None:
        """Inside a write transaction of the request: its effects and the mark commit together."""
        result = await connection.execute(
            sa.update(_TABLE).where(_C.id == claim.id, _C.claim == claim.claim)
            .values(state="COMMITTED", updated_at=utcnow())
        )
        if result.rowcount != 1:  # another request took the key over: this one must not write
            raise UserInputError("another request with this Idempotency-Key took it over; this one wrote nothing",
                                 code=RequestErrorCode.CONFLICT)

    async def finish(self, claim: Claim, status: int, content_type: str, body: bytes, *, did_nothing: bool) -> None:
        """Store the answer; but forget the key when the answer says nothing was done (a 5xx, no data:
        busy, unreachable, past its deadline) and none of the request's writes committed, so that a
        retry runs. The row's state, not this process's memory, says whether a write committed: a
        commit that failed after the mark rolled the mark back too."""
        async with self._writing() as connection:
            mine = sa.and_(_C.id == claim.id, _C.claim == claim.claim)
            if did_nothing:
                forgotten = await connection.execute(sa.delete(_TABLE).where(mine, _C.state == "PENDING"))
                if forgotten.rowcount:
                    return
            await connection.execute(sa.update(_TABLE).where(mine).values(
                state="DONE", status_code=status, content_type=content_type, body=body, updated_at=utcnow(),
            ))

    async def release(self, claim: Claim) -> None:
        """The request ended without an answer (it raised): forget the key unless a write committed."""
        async with self._writing() as connection:
            await connection.execute(
                sa.delete(_TABLE).where(_C.id == claim.id, _C.claim == claim.claim, _C.state == "PENDING")
            )

    def _writing(self) -> Any:
        # Storing an answer is what makes a retry safe to answer: it waits for a locked SQLite
        # database longer than a request would (retries double from 50 ms: 8 take ~13 s at most).
        return _Writing(self.engine, max(self.busy_retries, _MIN_BOOKKEEPING_RETRIES))


class _Writing:
    """A short write transaction (BEGIN IMMEDIATE on SQLite) on a connection of its own."""

    def __init__(self, engine: AsyncEngine, retries: int) -> None:
        self.engine, self.retries = engine, retries

    async def __aenter__(self) -> AsyncConnection:
        self.connection = await begin_write(self.engine, self.retries)
        return self.connection

    async def __aexit__(self, kind: Any, error: Any, _trace: Any) -> None:
        try:
            if kind is None:
                await self.connection.commit()
        finally:
            await self.connection.close()  # rolls back what was not committed
