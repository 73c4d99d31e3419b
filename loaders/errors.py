"""Errors reported to the client as they are, never masked: input it sent that cannot be used, and
the database being busy or away, which a client may retry.

They are plain exceptions, not GraphQL errors: graphql-core turns one raised in a resolver into a
GraphQL error with its `message` and `extensions`, and `schema/errors.py` leaves it unmasked.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Any


class RequestErrorCode(StrEnum):
    """Every `extensions.code` the API puts on an error of a GraphQL response, or on the error body of
    an HTTP refusal: one list, exported by the schema as `RequestErrorCode` (schema/enums.py).
    The reasons a mutation gives in its payload are `resolvers.errors.ErrorCode`, another enum."""

    BAD_USER_INPUT = "BAD_USER_INPUT"
    BAD_REQUEST = "BAD_REQUEST"
    TIMEOUT = "TIMEOUT"
    SERVICE_BUSY = "SERVICE_BUSY"
    SERVICE_UNAVAILABLE = "SERVICE_UNAVAILABLE"
    UNAUTHENTICATED = "UNAUTHENTICATED"
    FORBIDDEN = "FORBIDDEN"
    RATE_LIMITED = "RATE_LIMITED"
    QUERY_TOO_COMPLEX = "QUERY_TOO_COMPLEX"
    QUERY_TOO_COSTLY = "QUERY_TOO_COSTLY"
    CONFLICT = "CONFLICT"
    PERSISTED_QUERY_REQUIRED = "PERSISTED_QUERY_REQUIRED"
    PERSISTED_QUERY_NOT_FOUND = "PERSISTED_QUERY_NOT_FOUND"
    PERSISTED_QUERY_NOT_IN_LIST = "PERSISTED_QUERY_NOT_IN_LIST"
    PERSISTED_QUERY_HASH_MISMATCH = "PERSISTED_QUERY_HASH_MISMATCH"
    NOT_FOUND = "NOT_FOUND"
    METHOD_NOT_ALLOWED = "METHOD_NOT_ALLOWED"
    NOT_ACCEPTABLE = "NOT_ACCEPTABLE"
    PAYLOAD_TOO_LARGE = "PAYLOAD_TOO_LARGE"
    UNSUPPORTED_MEDIA_TYPE = "UNSUPPORTED_MEDIA_TYPE"
    INTERNAL_SERVER_ERROR = "INTERNAL_SERVER_ERROR"


#: What each code means, as the schema documents it.
REQUEST_ERROR_DESCRIPTIONS: dict[RequestErrorCode, str] = {
    RequestErrorCode.BAD_USER_INPUT: "An argument or variable cannot be used (an id, a cursor, a filter, a page size); the message says why.",
    RequestErrorCode.BAD_REQUEST: "The HTTP request is malformed (no query, bad JSON, an operation that cannot be picked).",
    RequestErrorCode.TIMEOUT: "A statement ran past the statement timeout, or the request past its time limit.",
    RequestErrorCode.SERVICE_BUSY: "No database connection was free, the database stayed locked, or a write conflicted: nothing was written, retry after `retryAfter` seconds.",
    RequestErrorCode.SERVICE_UNAVAILABLE: "The database cannot be reached: nothing was written, retry after `retryAfter` seconds.",
    RequestErrorCode.UNAUTHENTICATED: "No bearer token, or one that is unknown, expired or revoked (HTTP 401).",
    RequestErrorCode.FORBIDDEN: "The token may not do this (a READ token running a mutation, /metrics without ADMIN).",
    RequestErrorCode.RATE_LIMITED: "The token spent its requests or its cost budget: retry after `retryAfter` seconds (HTTP 429).",
    RequestErrorCode.QUERY_TOO_COMPLEX: "The document is too large to check: too many fragments, fragment nesting, selections or field comparisons; `limit` and `found` say by how much.",
    RequestErrorCode.QUERY_TOO_COSTLY: "The rows the query may read exceed the node budget: no SQL ran.",
    RequestErrorCode.CONFLICT: "An Idempotency-Key clashes with another request (HTTP 409).",
    RequestErrorCode.PERSISTED_QUERY_REQUIRED: "The server runs trusted documents only: send a persisted query's hash.",
    RequestErrorCode.PERSISTED_QUERY_NOT_FOUND: "The hash is not known yet: send it again with the query (automatic persisted queries).",
    RequestErrorCode.PERSISTED_QUERY_NOT_IN_LIST: "The hash is not a trusted document of this server.",
    RequestErrorCode.PERSISTED_QUERY_HASH_MISMATCH: "The query sent does not have the hash sent with it.",
    RequestErrorCode.NOT_FOUND: "No such HTTP path (HTTP 404).",
    RequestErrorCode.METHOD_NOT_ALLOWED: "The HTTP method is not allowed on this path (HTTP 405).",
    RequestErrorCode.NOT_ACCEPTABLE: "The Accept header names no media type the API answers with (HTTP 406).",
    RequestErrorCode.PAYLOAD_TOO_LARGE: "The request body is over the size limit (HTTP 413).",
    RequestErrorCode.UNSUPPORTED_MEDIA_TYPE: "The request body's Content-Type is not one the API reads (HTTP 415).",
    RequestErrorCode.INTERNAL_SERVER_ERROR: "A fault of the server; `requestId` finds it in the log.",
}

#: Codes that mean "nothing was done, try again shortly": HTTP 503 with Retry-After when the whole request failed.
RETRYABLE_CODES = frozenset({RequestErrorCode.SERVICE_BUSY, RequestErrorCode.SERVICE_UNAVAILABLE})
#: Seconds a client should wait before retrying a retryable error.
RETRY_AFTER_SECONDS = 1


class UserInputError(Exception):
    """An argument the client sent cannot be used; the message says why, `extensions.code` says what."""

    def __init__(self, message: str, code: RequestErrorCode = RequestErrorCode.BAD_USER_INPUT) -> None:
        super().__init__(message)
        self.message = message
        self.extensions: dict[str, Any] = {"code": code}

    @property
    def code(self) -> RequestErrorCode:
        return RequestErrorCode(self.extensions["code"])


class RetryableError(UserInputError):
    """The database could not serve this now (locked, no free connection, unreachable); nothing was
    written. `extensions.retryAfter` says how many seconds to wait."""

    def __init__(self, message: str, code: RequestErrorCode = RequestErrorCode.SERVICE_BUSY) -> None:
        super().__init__(message, code)
        self.extensions["retryAfter"] = RETRY_AFTER_SECONDS
