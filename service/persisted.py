"""Persisted queries: Apollo's automatic persisted queries (APQ) and trusted documents.

A request may name its document by hash, `extensions.persistedQuery {version: 1, sha256Hash}`,
over GET (extensions as a JSON query parameter) or POST:
- the hash alone runs the document stored under it; an unknown hash is answered
  PERSISTED_QUERY_NOT_FOUND as Apollo Server answers it (message "PersistedQueryNotFound", 200 under
  application/json, 404 under application/graphql-response+json, never cached), so the client sends
  the hash again with the text;
- the hash with the text registers the text, once its SHA-256 is checked (a mismatch is refused,
  400, and nothing is stored), and runs it.
The documents live in the database (table persisted_document), so every worker knows what any of
them registered; each worker remembers the ones it has used (bounded), so a known hash costs no
query. Registration writes to the primary.

In trusted-documents mode (CRMGRAPH_TRUSTED_DOCUMENTS_ONLY) only the documents an operator added
with `crmgraph documents add` (the Relay compiler's persisted output) run, named by hash or sent
in full; any other text is refused before it is parsed, and clients cannot register documents.
"""

from __future__ import annotations

import collections
import dataclasses
import hashlib
import json
import logging
import re
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from cross_web import HTTPException
from graphql import GraphQLError, GraphQLSchema, parse, validate
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine
from strawberry.http import GraphQLRequestData
from strawberry.types import ExecutionResult

from loaders.database import database_trouble
from loaders.errors import RETRY_AFTER_SECONDS, RequestErrorCode
from models.persisted import APQ, TRUSTED, PersistedDocument
from service.db import begin_write

log = logging.getLogger("crmgraph.persisted")

_TABLE = PersistedDocument.__table__
_C = _TABLE.c
_SHA256 = re.compile(r"[0-9a-f]{64}")
#: A worker remembers this many documents (the most recently used), and at most this much text.
CACHE_DOCUMENTS = 1_000
CACHE_CHARACTERS = 8_000_000
#: Apollo Server's header on persisted-query errors: the retry with the text must reach the server.
_NO_CACHE = {"cache-control": "private, no-cache, must-revalidate"}


class PersistedQueryRefusal(HTTPException):
    """A request refused before it runs, with its `extensions.code` and headers."""

    def __init__(self, status_code: int, code: str, message: str, headers: dict[str, str] | None = None) -> None:
        super().__init__(status_code, message)
        self.code = code
        self.headers = headers or {}


@dataclasses.dataclass
class RefusedOperation(GraphQLRequestData):
    """An operation of a batch that names no runnable document: it answers its refusal alone,
    the batch's other operations run (as Apollo's batching link expects)."""

    refusal: PersistedQueryRefusal | None = None


def sha256_of(document: str) -> str:
    """The hash clients send for a document: SHA-256 of its UTF-8 text, lowercase hex (UnicodeEncodeError
    for text that is not valid Unicode: a lone surrogate)."""
    return hashlib.sha256(document.encode("utf-8")).hexdigest()


def refused_result(request_data: Any) -> ExecutionResult | None:
    """The answer of a batch operation refused while its document was looked up, else None."""
    if not isinstance(request_data, RefusedOperation) or request_data.refusal is None:
        return None
    refusal = request_data.refusal
    return ExecutionResult(data=None, errors=[GraphQLError(refusal.reason, extensions={"code": refusal.code})])


class PersistedDocuments:
    """The persisted documents of one database, and the ones this worker has used lately."""

    def __init__(self, engine: AsyncEngine, schema: GraphQLSchema, *, trusted_only: bool, max_tokens: int,
                 busy_retries: int) -> None:
        self.engine = engine
        self.schema = schema
        self.trusted_only = trusted_only
        self.max_tokens = max_tokens
        self.busy_retries = busy_retries
        # Only documents this worker may run: in trusted mode, trusted ones. A document never
        # changes under its hash, so an entry never goes stale.
        self._cache: collections.OrderedDict[str, str] = collections.OrderedDict()
        self._cached_characters = 0

    async def resolve(self, data: Any, *, graphql_response: bool) -> Any:
        """The parsed request (one operation or a batch) with each persisted document's text filled
        in. Raises PersistedQueryRefusal for a single operation; in a batch, the refused operation
        alone answers its error (but an unreachable database refuses the whole request)."""
        if not isinstance(data, list):
            return await self._resolve(data, graphql_response)
        resolved = []
        for operation in data:
            try:
                resolved.append(await self._resolve(operation, graphql_response))
            except PersistedQueryRefusal as refusal:
                if refusal.status_code >= 500:
                    raise
                resolved.append(RefusedOperation(None, operation.variables, operation.operation_name,
                                                 operation.extensions, operation.protocol, refusal=refusal))
        return resolved

    async def expanded(self, body: Any) -> Any:
        """A request body (or batch) as JSON, with the text of every known hash-only operation filled
        in: what a mutation sent by hash is, for its Idempotency-Key. Never refuses: the request
        itself is refused (or not) when it is parsed."""
        operations = body if isinstance(body, list) else [body]
        filled = []
        for operation in operations:
            text = None
            try:
                if isinstance(operation, dict) and operation.get("query") is None:
                    if (digest := _requested_hash(operation)) is not None:
                        text = await self._known(digest)
            except (ValueError, PersistedQueryRefusal):
                text = None
            filled.append({**operation, "query": text} if text is not None else operation)
        return filled if isinstance(body, list) else filled[0]

    async def _resolve(self, data: GraphQLRequestData, graphql_response: bool) -> GraphQLRequestData:
        try:
            digest = _requested_hash({"extensions": data.extensions})
        except ValueError as problem:
            raise PersistedQueryRefusal(400, RequestErrorCode.BAD_REQUEST, str(problem)) from None
        if digest is None:
            if self.trusted_only and data.query is not None and await self._known(_hash_of_text(data.query)) is None:
                raise PersistedQueryRefusal(
                    400, RequestErrorCode.PERSISTED_QUERY_REQUIRED,
                    "this server runs only trusted documents: send extensions.persistedQuery.sha256Hash of a "
                    "document registered with `crmgraph documents add`")
            return data
        if data.query is None:
            document = await self._known(digest)
            if document is not None:
                return dataclasses.replace(data, query=document)
            if self.trusted_only:  # a retry with the text would be refused too: say so at once
                raise PersistedQueryRefusal(
                    404, RequestErrorCode.PERSISTED_QUERY_NOT_IN_LIST,
                    "no trusted document has this sha256Hash: register it with `crmgraph documents add`", _NO_CACHE)
            # Apollo clients look for this message or code, then send the text with the hash.
            raise PersistedQueryRefusal(404 if graphql_response else 200, RequestErrorCode.PERSISTED_QUERY_NOT_FOUND,
                                        "PersistedQueryNotFound", _NO_CACHE)
        if _hash_of_text(data.query) != digest:
            raise PersistedQueryRefusal(
                400, RequestErrorCode.PERSISTED_QUERY_HASH_MISMATCH,
                "extensions.persistedQuery.sha256Hash is not the SHA-256 of the query text: nothing was registered")
        if self.trusted_only:
            if await self._known(digest) is None:
                raise PersistedQueryRefusal(
                    400, RequestErrorCode.PERSISTED_QUERY_REQUIRED,
                    "this server runs only trusted documents and clients cannot register new ones: register it "
                    "with `crmgraph documents add`")
        elif await self._known(digest) is None:
            await self._register(digest, data.query)
        return data

    async def _known(self, digest: str) -> str | None:
        """The text stored under `digest` that this worker may run, or None."""
        if (document := self._cache.get(digest)) is not None:
            self._cache.move_to_end(digest)
            return document
        statement = sa.select(_C.document).where(_C.sha256 == digest)
        if self.trusted_only:
            statement = statement.where(_C.source == TRUSTED)
        try:
            async with self.engine.connect() as connection:
                document = (await connection.execute(statement)).scalar_one_or_none()
        except Exception as error:
            if (trouble := database_trouble(error)) is None:
                raise
            raise PersistedQueryRefusal(503, trouble.extensions["code"], trouble.message,
                                        {"retry-after": str(RETRY_AFTER_SECONDS)}) from None
        if document is not None:
            self._remember(digest, document)
        return document

    async def _register(self, digest: str, document: str) -> None:
        """Store a client's document (if it is valid against the schema: garbage is not kept), on the
        primary. A failure to store it is logged: the request still runs, with the text it sent."""
        if not self._valid(document):
            return  # the request runs and reports why; nothing is stored
        try:
            connection = await begin_write(self.engine, self.busy_retries)
            try:
                await connection.execute(
                    _insert(connection).values(sha256=digest, document=document, source=APQ)
                    .on_conflict_do_nothing(index_elements=[_C.sha256]))
                await connection.commit()
            finally:
                await connection.close()
        except Exception as error:  # noqa: BLE001 - the document is in hand: run it anyway
            log.warning("storing persisted document %s failed: %s", digest[:12],
                        getattr(database_trouble(error), "message", type(error).__name__))
            return
        self._remember(digest, document)

    def _valid(self, document: str) -> bool:
        try:
            return not validate(self.schema, parse(document, max_tokens=self.max_tokens))
        except (GraphQLError, RecursionError):
            return False

    def _remember(self, digest: str, document: str) -> None:
        if len(document) > CACHE_CHARACTERS // 10:
            return  # a huge document would push out many small ones
        self._cache[digest] = document
        self._cached_characters += len(document)
        while len(self._cache) > CACHE_DOCUMENTS or self._cached_characters > CACHE_CHARACTERS:
            _, dropped = self._cache.popitem(last=False)
            self._cached_characters -= len(dropped)


def _requested_hash(operation: dict[str, Any]) -> str | None:
    """The sha256Hash an operation (as JSON) names, or None; ValueError for a malformed one."""
    extensions = operation.get("extensions")
    if not isinstance(extensions, dict) or "persistedQuery" not in extensions:
        return None
    persisted = extensions["persistedQuery"]
    if not isinstance(persisted, dict):
        raise ValueError("extensions.persistedQuery must be an object {version: 1, sha256Hash}")
    if persisted.get("version") != 1:
        raise ValueError("unsupported persisted query version: send version 1")
    digest = persisted.get("sha256Hash")
    if not isinstance(digest, str) or not _SHA256.fullmatch(digest.lower()):
        raise ValueError("extensions.persistedQuery.sha256Hash must be 64 hexadecimal digits (SHA-256)")
    return digest.lower()


def _hash_of_text(document: str) -> str:
    try:
        return sha256_of(document)
    except UnicodeEncodeError:
        raise PersistedQueryRefusal(400, RequestErrorCode.BAD_REQUEST, "the query holds text that is not valid Unicode") from None


def _insert(connection: AsyncConnection) -> Any:
    """INSERT that can skip or update a row already there: each database spells it its own way."""
    return (postgresql if connection.dialect.name == "postgresql" else sqlite).insert(_TABLE)


# `crmgraph documents`: the operator's side.

class DocumentsRefused(Exception):
    """A file or an entry that cannot be registered: one line for the operator."""


def read_relay_output(path: Path) -> dict[str, str]:
    """The documents of a Relay compiler persisted-output file (persistConfig {"file", "algorithm":
    "SHA256"}): a JSON object of hash -> text. Every hash is checked against its text."""
    try:
        entries = json.loads(path.read_text(encoding="utf-8"))
    except OSError as error:
        raise DocumentsRefused(f"{path}: cannot read it: {error.strerror or error}") from None
    except (UnicodeDecodeError, ValueError) as error:
        raise DocumentsRefused(f"{path}: not a JSON file: {error}") from None
    if not isinstance(entries, dict) or not all(isinstance(text, str) for text in entries.values()):
        raise DocumentsRefused(f"{path}: expected a JSON object of hash -> document text "
                               "(the Relay compiler's persistConfig file)")
    documents = {}
    for given, document in entries.items():
        digest = given.lower()
        if re.fullmatch(r"[0-9a-f]{32}|[0-9a-f]{40}", digest):
            raise DocumentsRefused(f"{path}: {given} is an MD5 or SHA-1 hash: set \"algorithm\": \"SHA256\" in "
                                   "the Relay compiler's persistConfig and compile again")
        if not _SHA256.fullmatch(digest):
            raise DocumentsRefused(f"{path}: {given[:70]!r} is not a SHA-256 hash (64 hexadecimal digits)")
        try:
            matches = sha256_of(document) == digest
        except UnicodeEncodeError:
            raise DocumentsRefused(f"{path}: {given} holds text that is not valid Unicode") from None
        if not matches:
            raise DocumentsRefused(f"{path}: {given} is not the SHA-256 of its document: the file was edited "
                                   "or made with another algorithm")
        try:
            parse(document)
        except GraphQLError as error:
            raise DocumentsRefused(f"{path}: {given} is not a GraphQL document: {error.message}") from None
        documents[digest] = document
    return documents


async def add_trusted(engine: AsyncEngine, documents: dict[str, str], busy_retries: int = 4) -> tuple[int, int]:
    """Register documents as trusted, in one transaction: (newly trusted, already trusted). A document
    a client registered with APQ becomes trusted."""
    connection = await begin_write(engine, busy_retries)
    try:
        already = set((await connection.execute(
            sa.select(_C.sha256).where(_C.sha256.in_(list(documents)), _C.source == TRUSTED)
        )).scalars())
        for digest, document in documents.items():
            if digest not in already:
                await connection.execute(
                    _insert(connection).values(sha256=digest, document=document, source=TRUSTED)
                    .on_conflict_do_update(index_elements=[_C.sha256], set_={"source": TRUSTED}))
        await connection.commit()
    finally:
        await connection.close()
    return len(documents) - len(already), len(already)


async def stored_documents(engine: AsyncEngine) -> list[Any]:
    """Every stored document (hash, source, created_at, document), oldest first."""
    async with engine.connect() as connection:
        return list((await connection.execute(
            sa.select(_C.sha256, _C.source, _C.created_at, _C.document).order_by(_C.created_at, _C.sha256)
        )).all())
