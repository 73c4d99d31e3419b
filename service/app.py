"""The Starlette application: /graphql (with GraphiQL) and /health."""

from __future__ import annotations

import contextlib
import gc
import logging
import uuid
from collections.abc import AsyncIterator
from typing import Any

import orjson
import sqlalchemy as sa
from cross_web import HTTPException  # what strawberry's views turn into an HTTP status
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.middleware.cors import CORSMiddleware
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route
from starlette.types import ASGIApp, Message, Receive, Scope, Send
from strawberry.asgi import GraphQL
from strawberry.http import GraphQLHTTPResponse
from strawberry.types.unset import UNSET

from loaders.context import Loaders
from schema import build_schema
from service.auth import ANONYMOUS, authenticate
from service.context import Context
from service.db import create_engine
from service.settings import Settings

GRAPHQL_RESPONSE = "application/graphql-response+json"
log = logging.getLogger("crmgraph.errors")


class GraphQLView(GraphQL):
    """Strawberry's ASGI view with per-request loaders, orjson, and GraphQL-over-HTTP responses."""

    def __init__(self, engine: Any, settings: Settings) -> None:
        super().__init__(build_schema(settings), graphql_ide="graphiql" if settings.graphiql else None)
        self.engine = engine
        self.settings = settings

    async def run(self, request: Any, context: Any = UNSET, root_value: Any = UNSET) -> Any:
        """Every operation needs a live token; only the GraphiQL page itself (no data) does not."""
        if isinstance(request, Request) and not self._is_ide_page(request):
            try:
                caller = await authenticate(self.engine, request.headers.get("authorization"))
            except Exception:  # the database failed: never let its message out
                request_id = _request_id(request.headers.get("x-request-id"))
                log.exception("request %s: token check failed", request_id)
                return JSONResponse(
                    {"errors": [{"message": "Internal server error",
                                 "extensions": {"code": "INTERNAL_SERVER_ERROR", "requestId": request_id}}]},
                    status_code=500,
                    headers={"x-request-id": request_id},
                )
            if isinstance(caller, str):
                return JSONResponse(
                    {"errors": [{"message": caller, "extensions": {"code": "UNAUTHENTICATED"}}]},
                    status_code=401,
                    headers={"WWW-Authenticate": 'Bearer realm="crmgraph"'},
                )
            request.state.principal = caller
        return await super().run(request, context, root_value)

    def _is_ide_page(self, request: Request) -> bool:
        return (
            self.graphql_ide is not None
            and request.method == "GET"
            and "text/html" in request.headers.get("accept", "")
            and "query" not in request.query_params
        )

    async def get_context(self, request: Any, response: Any) -> Context:
        request_id = _request_id(request.headers.get("x-request-id"))
        response.headers["x-request-id"] = request_id
        return Context(
            request=request,
            response=response,
            engine=self.engine,
            loaders=Loaders(self.engine, self.settings.statement_timeout_ms),
            request_id=request_id,
            # The GraphiQL page is served without a token; it runs nothing, so it may do nothing.
            principal=getattr(request.state, "principal", ANONYMOUS),
        )

    async def execute_operation(self, *, context: Context, **kwargs: Any) -> Any:
        """Run the operation(s), then end the request's read transaction, whatever happened."""
        try:
            return await super().execute_operation(context=context, **kwargs)
        finally:
            try:
                await context.loaders.close()
            except Exception:  # the answer is ready: a failing close is for the log, not the client
                log.exception("request %s: closing the read connection failed", context.request_id)

    def parse_json(self, data: str | bytes) -> object:
        """A request body is a JSON object, or an array of them (a batch); anything else is a 400."""
        try:
            value = super().parse_json(data)
        except RecursionError:
            raise HTTPException(400, "the body is nested too deeply to be a GraphQL request") from None
        operations = value if isinstance(value, list) else [value]
        if not all(isinstance(operation, dict) for operation in operations):
            raise HTTPException(400, "the body must be a JSON object with a query (or an array of them)")
        try:
            orjson.dumps(value)  # refuses what no database can store: a lone UTF-16 surrogate ("\ud800")
        except orjson.JSONEncodeError as error:
            if "ecursion" in str(error):
                raise HTTPException(400, "the body is nested too deeply to be a GraphQL request") from None
            raise HTTPException(400, "the body holds text that is not valid Unicode (a lone surrogate)") from None
        return value

    def _validate_batch_request(self, request_data: list[Any], protocol: Any) -> None:
        limit = self.settings.max_batch
        if len(request_data) > limit:
            raise HTTPException(
                400, f"Too many operations: {len(request_data)} in one batch; the limit is {limit} (CRMGRAPH_MAX_BATCH)"
            )
        super()._validate_batch_request(request_data, protocol)

    def encode_json(self, data: object) -> bytes:
        return orjson.dumps(data)

    async def get_sub_response(self, request: Request) -> Response:
        sub_response = await super().get_sub_response(request)
        sub_response.wants_graphql_response = GRAPHQL_RESPONSE in request.headers.get("accept", "")  # type: ignore[attr-defined]
        return sub_response

    def create_response(
        self, response_data: GraphQLHTTPResponse | list[GraphQLHTTPResponse], sub_response: Response
    ) -> Response:
        response = super().create_response(response_data, sub_response)
        if getattr(sub_response, "wants_graphql_response", False):
            response.headers["content-type"] = f"{GRAPHQL_RESPONSE}; charset=utf-8"
            if isinstance(response_data, dict) and _failed_before_execution(response_data):
                response.status_code = 400
        return response


def _request_id(given: str | None) -> str:
    """The caller's X-Request-ID when it is a sane token, else a new one."""
    if given and len(given) <= 64 and given.replace("-", "").replace("_", "").isalnum():
        return given
    return uuid.uuid4().hex


def _failed_before_execution(response_data: GraphQLHTTPResponse) -> bool:
    """A document that did not parse or validate: no data, and no error has a path into a result."""
    errors = response_data.get("errors") or []
    return response_data.get("data") is None and bool(errors) and all("path" not in e for e in errors)


class BodySizeLimit:
    """413 for a request body over the limit, declared or streamed, before anything reads it."""

    def __init__(self, app: ASGIApp, max_bytes: int) -> None:
        self.app, self.max_bytes = app, max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = dict(scope["headers"]).get(b"content-length", b"0")
        if not declared.isdigit() or int(declared) > self.max_bytes:
            await self._refuse(scope, receive, send)
            return
        received = 0

        async def counted() -> Message:
            nonlocal received
            message = await receive()
            received += len(message.get("body", b""))
            if received > self.max_bytes:
                raise _TooLarge
            return message

        try:
            await self.app(scope, counted, send)
        except _TooLarge:
            await self._refuse(scope, receive, send)

    async def _refuse(self, scope: Scope, receive: Receive, send: Send) -> None:
        message = f"request body over {self.max_bytes} bytes (CRMGRAPH_MAX_BODY_BYTES)"
        response = JSONResponse({"errors": [{"message": message, "extensions": {"code": "PAYLOAD_TOO_LARGE"}}]}, 413)
        await response(scope, receive, send)


class _TooLarge(Exception):
    pass


def create_app(settings: Settings | None = None) -> Starlette:
    settings = settings or Settings.from_env()
    engine = create_engine(settings.database_url, echo=settings.echo_sql, statement_timeout_ms=settings.statement_timeout_ms)

    async def health(_request: Request) -> JSONResponse:
        try:
            async with engine.connect() as connection:
                await connection.execute(sa.text("SELECT 1"))
        except Exception:  # noqa: BLE001 - any failure means the database is not usable
            return JSONResponse({"status": "error", "database": "unreachable"}, status_code=503)
        return JSONResponse({"status": "ok"})

    @contextlib.asynccontextmanager
    async def lifespan(_app: Starlette) -> AsyncIterator[None]:
        yield
        await engine.dispose()

    # A Route, not a Mount: a Mount answers /graphql with a 307 to /graphql/.
    app = Starlette(
        routes=[Route("/graphql", GraphQLView(engine, settings)), Route("/health", health)],
        middleware=[
            Middleware(BodySizeLimit, max_bytes=settings.max_body_bytes),
            Middleware(CORSMiddleware, allow_origins=list(settings.cors_origins), allow_methods=["GET", "POST"],
                       allow_headers=["authorization", "content-type", "x-request-id"], expose_headers=["x-request-id"]),
        ],
        lifespan=lifespan,
    )
    app.state.engine = engine
    app.state.settings = settings
    # Everything built so far (schema, types, metadata) lives as long as the process: keep it out
    # of the collector's way, so a full collection under load walks only request garbage.
    gc.collect()
    gc.freeze()
    return app
