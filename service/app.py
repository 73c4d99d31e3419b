"""The Starlette application: /graphql (with GraphiQL) and /health, /health/live, /health/ready."""

from __future__ import annotations

import contextlib
import datetime as dt
import functools
import gc
import logging
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any

import orjson
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
from loaders.database import Deadline, database_trouble
from loaders.errors import RETRY_AFTER_SECONDS, RETRYABLE_CODES, RequestErrorCode, RetryableError
from service import idempotency, persisted
from service.auth import ANONYMOUS, TokenCache, authenticate, token_hash
from service.context import Context
from service.db import create_engine
from service.health import health_routes
from service.logs import throttle_tracebacks
from service.metrics import metrics_endpoint, process_exit, watch_pool
from service.observation import Observation, OperationFacts
from service.ratelimit import RateLimits, answer_over_limit
from service.replicas import read_route
from service.schema import build_schema
from service.settings import Settings

GRAPHQL_RESPONSE = "application/graphql-response+json"
log = logging.getLogger("crmgraph.errors")


class Refused(HTTPException):
    """A request refused before any operation runs, with the headers its status calls for (Allow)."""

    def __init__(self, status_code: int, reason: str, headers: dict[str, str] | None = None) -> None:
        super().__init__(status_code, reason)
        self.headers = headers or {}


#: The `extensions.code` of a request refused with this HTTP status.
_STATUS_CODES = {400: RequestErrorCode.BAD_REQUEST, 404: RequestErrorCode.NOT_FOUND, 405: RequestErrorCode.METHOD_NOT_ALLOWED, 406: RequestErrorCode.NOT_ACCEPTABLE,
                 413: RequestErrorCode.PAYLOAD_TOO_LARGE, 415: RequestErrorCode.UNSUPPORTED_MEDIA_TYPE}


class GraphQLView(GraphQL):
    """Strawberry's ASGI view with per-request loaders, orjson, and GraphQL-over-HTTP responses."""

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Strawberry answers a refused request in plain text; here every refusal is a GraphQL
        response body, `{"errors": [...]}`, in the media type the client accepts."""
        if scope["type"] != "http":
            await super().__call__(scope, receive, send)
            return
        request = Request(scope=scope, receive=receive)
        request.state.request_id = _request_id(request.headers.get("x-request-id"))
        with Observation(request, request.state.request_id) as seen:  # its log line and metrics
            try:
                response = await self.run(request)
            except HTTPException as refusal:
                headers = dict(getattr(refusal, "headers", {}))
                if refusal.status_code == 405 and "allow" not in {k.lower() for k in headers}:
                    headers["Allow"] = "GET, POST"
                response = _error_response(request, refusal.status_code, refusal.reason,
                                           getattr(refusal, "code", None)  # a persisted query's refusal names its code
                                           or _STATUS_CODES.get(refusal.status_code, RequestErrorCode.BAD_REQUEST),
                                           headers=headers)
            except _TooLarge:
                seen.refused(413, RequestErrorCode.PAYLOAD_TOO_LARGE)  # BodySizeLimit answers it
                raise
            except Exception:  # a bug of ours outside any resolver: its traceback once, under the request's id
                log.exception("request %s: unexpected error", seen.request_id)
                response = _error_response(request, 500, "Internal server error", RequestErrorCode.INTERNAL_SERVER_ERROR,
                                           extensions={"requestId": seen.request_id})
            response.headers.setdefault("x-request-id", seen.request_id)
            seen.answered(response)
        await response(scope, receive, send)

    def __init__(self, engine: Any, settings: Settings) -> None:
        self.rate_limits = RateLimits.from_settings(settings)
        super().__init__(self.rate_limits.install(build_schema(settings)),
                         graphql_ide="graphiql" if settings.graphiql else None)
        self.schema.extensions = (*self.schema.extensions, OperationFacts)  # each operation's name in its log line
        self.engine = engine
        self.settings = settings
        self.token_cache = TokenCache(settings.token_cache_seconds)
        self.replicas = read_route(engine, settings)  # queries' read snapshots (CRMGRAPH_READ_DATABASE_URL)
        self.persisted = persisted.PersistedDocuments(
            engine, self.schema._schema, trusted_only=settings.trusted_documents_only,
            max_tokens=settings.max_tokens, busy_retries=settings.busy_retries)
        self.idempotency = idempotency.IdempotencyStore(
            engine,
            wait_seconds=settings.request_timeout_ms / 1000,
            # A claim older than two request time limits belongs to a request that died.
            stale_after=dt.timedelta(milliseconds=2 * settings.request_timeout_ms),
            busy_retries=settings.busy_retries,
        )

    async def run(self, request: Any, context: Any = UNSET, root_value: Any = UNSET) -> Any:
        """Every operation needs a live token; only the GraphiQL page itself (no data) does not."""
        if isinstance(request, Request) and not self._is_ide_page(request):
            try:
                caller = await authenticate(self.engine, request.headers.get("authorization"), self.token_cache)
            except Exception as error:  # the database failed: never let its message out
                request_id = request.state.request_id
                if (trouble := database_trouble(error)) is not None:
                    log.warning("request %s: token check failed: %s", request_id, type(error).__name__)
                    return _error_response(request, 503, trouble.message, trouble.extensions["code"],
                                           retry_after=RETRY_AFTER_SECONDS, request_id=request_id)
                log.exception("request %s: token check failed", request_id)
                return _error_response(request, 500, "Internal server error", RequestErrorCode.INTERNAL_SERVER_ERROR,
                                       request_id=request_id, extensions={"requestId": request_id})
            if isinstance(caller, str):
                return JSONResponse(
                    {"errors": [{"message": caller, "extensions": {"code": RequestErrorCode.UNAUTHENTICATED}}]},
                    status_code=401,
                    headers={"WWW-Authenticate": 'Bearer realm="crmgraph"'},
                )
            request.state.principal = caller
            key = request.headers.get(idempotency.HEADER)
            if key is not None and request.method == "POST":
                return await self._run_once(request, key, lambda: GraphQL.run(self, request, context, root_value))
        return await super().run(request, context, root_value)

    async def _run_once(self, request: Request, key: str, run: Callable[[], Awaitable[Any]]) -> Any:
        """A mutation request with an Idempotency-Key: run it once, answer every repeat the same."""
        if (problem := idempotency.key_problem(key)) is not None:
            return _error_response(request, 400, problem, RequestErrorCode.BAD_USER_INPUT)
        try:
            body = await self.persisted.expanded(orjson.loads(await request.body()))  # a mutation sent by hash
            body_fingerprint = idempotency.fingerprint(body)
        except (orjson.JSONDecodeError, TypeError):
            return await run()  # refused as a bad body before anything runs: nothing to protect
        if not idempotency.is_mutation_request(body):
            return await run()  # reads repeat safely
        owner = token_hash(request.headers["authorization"].strip().partition(" ")[2].strip())
        try:
            outcome = await self.idempotency.claim(owner, key, body_fingerprint)
        except Exception as error:
            if (busy := database_trouble(error)) is None:
                raise
            return _error_response(request, 503, busy.message, busy.extensions["code"], retry_after=RETRY_AFTER_SECONDS)
        if isinstance(outcome, idempotency.Refusal):
            return _error_response(request, outcome.status, outcome.message, outcome.code, retry_after=outcome.retry_after)
        if isinstance(outcome, idempotency.Stored):
            return Response(outcome.body, outcome.status, media_type=outcome.content_type,
                            headers={"idempotent-replayed": "true"})
        claim = outcome
        request.state.before_commit = [functools.partial(self.idempotency.mark_committed, claim)]
        try:
            response = await run()
        except BaseException:
            await _quietly(self.idempotency.release(claim), "forgetting an idempotency key")
            raise
        # An answer with no data at all did nothing (unless a write committed, which the key's row
        # knows): a retry with the key must then run for real, not get this answer again.
        did_nothing = response.status_code >= 500 or not _has_data(response.body)
        await _quietly(
            self.idempotency.finish(claim, response.status_code, response.headers.get("content-type", ""),
                                    response.body, did_nothing=did_nothing),
            "storing an idempotent answer",
        )
        return response

    def _is_ide_page(self, request: Request) -> bool:
        return (
            self.graphql_ide is not None
            and request.method == "GET"
            and "text/html" in request.headers.get("accept", "")
            and "query" not in request.query_params
            and "extensions" not in request.query_params  # a persisted query over GET: no page
        )

    def should_render_graphql_ide(self, request: Any) -> bool:
        return super().should_render_graphql_ide(request) and "extensions" not in request.query_params

    async def parse_http_body(self, request: Any) -> Any:
        """The request's operation(s), each named by hash given its persisted document (service/persisted.py)."""
        return await self.persisted.resolve(await super().parse_http_body(request),
                                            graphql_response=GRAPHQL_RESPONSE in request.headers.get("accept", ""))

    async def get_context(self, request: Any, response: Any) -> Context:
        # Set once in __call__ (the log line's, the answer's, the errors'); a websocket never gets that far.
        request_id = getattr(request.state, "request_id", None) or _request_id(request.headers.get("x-request-id"))
        response.headers["x-request-id"] = request_id
        return Context(
            request=request,
            response=response,
            engine=self.engine,
            loaders=Loaders(self.engine, self.settings.statement_timeout_ms, Deadline(self.settings.request_timeout_ms),
                            self.replicas.read_from),
            request_id=request_id,
            # The GraphiQL page is served without a token; it runs nothing, so it may do nothing.
            principal=getattr(request.state, "principal", ANONYMOUS),
            busy_retries=self.settings.busy_retries,
            before_commit=getattr(request.state, "before_commit", []),
        )

    async def execute_operation(self, *, context: Context, **kwargs: Any) -> Any:
        """Run the operation(s), then end the request's read transaction, whatever happened. The
        operations of a batch run one after another, in the order given (Strawberry runs them all at
        once): a mutation may depend on the one before it."""
        request_data = kwargs["request_data"]
        try:
            if isinstance(request_data, list):
                answers = []
                for data in request_data:
                    answers.append(await self.execute_single(
                        request=kwargs["request"], request_adapter=kwargs["request_adapter"],
                        sub_response=kwargs["sub_response"], context=context, root_value=kwargs["root_value"],
                        request_data=data,
                    ))
                return answers
            return await super().execute_operation(context=context, **kwargs)
        finally:
            try:
                await context.loaders.close()
            except Exception:  # the answer is ready: a failing close is for the log, not the client
                log.exception("request %s: closing the read connection failed", context.request_id)

    async def execute_single(self, *, request_adapter: Any, **kwargs: Any) -> Any:
        """A mutation sent with GET is a 405 that says to POST it."""
        if (refused := persisted.refused_result(kwargs["request_data"])) is not None:
            return refused  # an operation of a batch whose persisted document is unknown
        try:
            return await super().execute_single(request_adapter=request_adapter, **kwargs)
        except HTTPException as refusal:
            if request_adapter.method == "GET" and "mutations are not allowed" in refusal.reason:
                raise Refused(405, "mutations are not allowed with GET: send them with POST", {"Allow": "POST"}) from None
            raise

    def parse_json(self, data: str | bytes) -> object:
        """A request body is a JSON object, or an array of them (a batch); anything else is a 400."""
        try:
            value = super().parse_json(data)
        except RecursionError:
            raise HTTPException(400, "the body is nested too deeply to be a GraphQL request") from None
        except UnicodeDecodeError:
            raise HTTPException(400, "the body is not valid UTF-8 text") from None
        operations = value if isinstance(value, list) else [value]
        if not all(isinstance(operation, dict) for operation in operations):
            raise HTTPException(400, "the body must be a JSON object with a query (or an array of them)")
        try:
            orjson.dumps(value)  # refuses what no database can store: a lone UTF-16 surrogate ("\ud800")
        except orjson.JSONEncodeError as error:
            if "ecursion" in str(error):
                raise HTTPException(400, "the body is nested too deeply to be a GraphQL request") from None
            if "64-bit" in str(error):
                raise HTTPException(400, "the body holds an integer too large for this API (beyond 64 bits)") from None
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
        committed = getattr(sub_response, "committed_write", False)  # then something was written: never a 503
        if isinstance(response_data, dict) and not committed and _only_retryable_failures(response_data):
            response.status_code = 503  # nothing ran to its end: the client should try again shortly
            response.headers["retry-after"] = str(RETRY_AFTER_SECONDS)
        answers = response_data if isinstance(response_data, list) else [response_data]
        refused = [_failed_before_execution(answer) for answer in answers]
        if any(refused):  # a request error: no `data` at all (GraphQL over HTTP), not `"data": null`
            for answer, before in zip(answers, refused, strict=True):
                if before:
                    answer.pop("data", None)
            response.body = self.encode_json(response_data)
            response.headers["content-length"] = str(len(response.body))
        if getattr(sub_response, "wants_graphql_response", False):
            response.headers["content-type"] = f"{GRAPHQL_RESPONSE}; charset=utf-8"
            if all(refused):
                response.status_code = 400
        answer_over_limit(response, sub_response)  # 429 + Retry-After when the rate limit refused it all
        response.graphql_answers = response_data  # type: ignore[attr-defined] # the request's Observation reads its errors
        return response


def _request_id(given: str | None) -> str:
    """The caller's X-Request-ID when it is a sane token, else a new one."""
    if given and len(given) <= 64 and given.replace("-", "").replace("_", "").isalnum():
        return given
    return uuid.uuid4().hex


def _no_data(answer: Any) -> bool:
    """An operation's answer without a single non-null root field."""
    data = answer.get("data") if isinstance(answer, dict) else None
    return not isinstance(data, dict) or all(value is None for value in data.values())


def _has_data(body: bytes) -> bool:
    """Whether an answer as sent (one operation's, or a batch's) carries any non-null root field."""
    try:
        answer = orjson.loads(body)
    except orjson.JSONDecodeError:
        return False
    return not all(_no_data(a) for a in (answer if isinstance(answer, list) else [answer]))


def _only_retryable_failures(response_data: GraphQLHTTPResponse) -> bool:
    """No data came back, and every error says the database was busy or away (nothing was written)."""
    errors = response_data.get("errors") or []
    return _no_data(response_data) and bool(errors) and all(
        (e.get("extensions") or {}).get("code") in RETRYABLE_CODES for e in errors
    )


def _error_response(
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
    body = {"errors": [{"message": message, "extensions": {"code": code, **(extensions or {})}}]}
    return Response(orjson.dumps(body), status, headers=headers, media_type=media_type)


async def _quietly(work: Awaitable[None], what: str) -> None:
    """Bookkeeping after the answer is made: its failure is logged, never turned into the answer."""
    try:
        await work
    except RetryableError as busy:  # the database's state, already named: no traceback to add
        log.warning("%s failed: %s", what, busy.message)
    except Exception:  # noqa: BLE001
        log.exception("%s failed", what)


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
        response = JSONResponse({"errors": [{"message": message, "extensions": {"code": RequestErrorCode.PAYLOAD_TOO_LARGE}}]}, 413)
        await response(scope, receive, send)


class _TooLarge(Exception):
    pass


def _cors(settings: Settings) -> list[Middleware]:
    """CORS for the configured origins; with none, no middleware at all on the way of every request
    (a browser then gets no CORS headers, which refuses cross-origin calls just as well)."""
    if not settings.cors_origins:
        return []
    return [Middleware(CORSMiddleware, allow_origins=list(settings.cors_origins), allow_methods=["GET", "POST"],
                       allow_headers=["authorization", "content-type", "x-request-id", "idempotency-key"],
                       expose_headers=["x-request-id", "retry-after", "idempotent-replayed"])]


def create_app(settings: Settings | None = None) -> Starlette:
    settings = settings or Settings.from_env()
    throttle_tracebacks()  # one traceback per distinct error a minute: an outage must not flood the log
    engine = create_engine(
        settings.database_url,
        echo=settings.echo_sql,
        statement_timeout_ms=settings.statement_timeout_ms,
        pool_size=settings.pool_size,
        pool_overflow=settings.pool_overflow,
        pool_timeout_ms=settings.pool_timeout_ms,
        sqlite_busy_timeout_ms=settings.sqlite_busy_timeout_ms,
    )

    graphql = GraphQLView(engine, settings)
    watch_pool(engine)  # crmgraph_db_pool_in_use / _waiting

    @contextlib.asynccontextmanager
    async def lifespan(_app: Starlette) -> AsyncIterator[None]:
        yield
        await engine.dispose()
        await graphql.rate_limits.close()
        await graphql.replicas.dispose()
        process_exit()  # this worker's live gauges leave the sum of the workers

    # A Route, not a Mount: a Mount answers /graphql with a 307 to /graphql/.
    app = Starlette(
        routes=[Route("/graphql", graphql), *health_routes(engine, settings),
                Route("/metrics", metrics_endpoint(engine, settings))],
        middleware=[Middleware(BodySizeLimit, max_bytes=settings.max_body_bytes), *_cors(settings)],
        lifespan=lifespan,
    )
    app.state.engine = engine
    app.state.settings = settings
    app.state.rate_limits = graphql.rate_limits
    app.state.replicas = graphql.replicas
    # Everything built so far (schema, types, metadata) lives as long as the process: keep it out
    # of the collector's way, so a full collection under load walks only request garbage.
    gc.collect()
    gc.freeze()
    return app
