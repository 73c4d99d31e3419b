"""HTTP answers in GraphQL's shape: a refusal as `{"errors": [...]}` in the media type the client
accepts, and what an answer carries (data, retryable failures, request errors)."""

from __future__ import annotations

import uuid
from typing import Any, cast

import orjson
from graphql import GraphQLFormattedError
from starlette.requests import Request
from starlette.responses import Response
from strawberry.http import GraphQLHTTPResponse

from loaders.errors import RETRYABLE_CODES

GRAPHQL_RESPONSE = "application/graphql-response+json"


def request_id_of(given: str | None) -> str:
    """The caller's X-Request-ID when it is a sane token, else a new one."""
    if given and len(given) <= 64 and given.replace("-", "").replace("_", "").isalnum():
        return given
    return uuid.uuid4().hex


def error_body(message: str, code: str, extensions: dict[str, Any] | None = None) -> dict[str, Any]:
    """`{"errors": [one error]}`: the body of every refusal the service sends itself."""
    return {"errors": [{"message": message, "extensions": {"code": code, **(extensions or {})}}]}


def error_response(
    request: Request,
    status: int,
    message: str,
    code: str,
    *,
    retry_after: int | None = None,
    request_id: str | None = None,
    extensions: dict[str, Any] | None = None,
    headers: dict[str, str] | None = None,
) -> Response:
    """A refusal shaped as a GraphQL response, in the media type the client accepts."""
    headers = dict(headers or {})
    if retry_after is not None:
        headers["retry-after"] = str(retry_after)
    if request_id is not None:
        headers["x-request-id"] = request_id
    media_type = GRAPHQL_RESPONSE if GRAPHQL_RESPONSE in request.headers.get("accept", "") else "application/json"
    return Response(orjson.dumps(error_body(message, code, extensions)), status, headers=headers, media_type=media_type)


def _no_data(answer: Any) -> bool:
    """An operation's answer without a single non-null root field."""
    data = answer.get("data") if isinstance(answer, dict) else None
    return not isinstance(data, dict) or all(value is None for value in data.values())


def has_data(body: bytes) -> bool:
    """Whether an answer as sent (one operation's, or a batch's) carries any non-null root field."""
    try:
        answer = orjson.loads(body)
    except orjson.JSONDecodeError:
        return False
    return not all(_no_data(a) for a in (answer if isinstance(answer, list) else [answer]))


def _errors(response_data: GraphQLHTTPResponse) -> list[GraphQLFormattedError]:
    """The answer's errors. Strawberry types them `object`; each is a formatted GraphQL error (a dict)."""
    return cast("list[GraphQLFormattedError]", response_data.get("errors") or [])


def only_retryable_failures(response_data: GraphQLHTTPResponse) -> bool:
    """No data came back, and every error says the database was busy or away (nothing was written)."""
    errors = _errors(response_data)
    return _no_data(response_data) and bool(errors) and all(
        (e.get("extensions") or {}).get("code") in RETRYABLE_CODES for e in errors
    )


def failed_before_execution(response_data: GraphQLHTTPResponse) -> bool:
    """A document that did not parse or validate: no data, and no error has a path into a result."""
    errors = _errors(response_data)
    return response_data.get("data") is None and bool(errors) and all("path" not in e for e in errors)
