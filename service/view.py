"""`GraphQLView`: Strawberry's ASGI view for /graphql, with the token check, idempotent mutations,
persisted queries, per-request loaders, orjson, and GraphQL-over-HTTP answers and refusals."""

from __future__ import annotations

import datetime as dt
import functools
import logging
from collections.abc import Awaitable, Callable
from typing import Any

import orjson
from cross_web import AsyncHTTPRequestAdapter, HTTPException  # HTTPException: what the views turn into a status
from sqlalchemy.ext.asyncio import AsyncEngine
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.types import Receive, Scope, Send
from starlette.websockets import WebSocket
from strawberry.asgi import GraphQL
from strawberry.http import GraphQLHTTPResponse, GraphQLRequestData
from strawberry.types import ExecutionResult, SubscriptionExecutionResult
from strawberry.types.unset import UNSET

from loaders.context import Loaders
from loaders.database import Deadline, database_trouble
from loaders.errors import RETRY_AFTER_SECONDS, RequestErrorCode, RetryableError
from service import idempotency, persisted
from service.auth import ANONYMOUS, TokenCache, authenticate, token_hash
from service.body_limit import BodyTooLarge
from service.context import Context
from service.observation import Observation, OperationFacts
from service.ratelimit import RateLimits, answer_over_limit
from service.replicas import read_route
from service.responses import (
    GRAPHQL_RESPONSE,
    error_body,
    error_response,
    failed_before_execution,
    has_data,
    only_retryable_failures,
    request_id_of,
)
from service.schema import build_schema
from service.settings import Settings

log = logging.getLogger("crmgraph.errors")


class Refused(HTTPException):
    """A request refused before any operation runs, with the headers its status calls for (Allow)."""

    def __init__(self, status_code: int, reason: str, headers: dict[str, str] | None = None) -> None:
        super().__init__(status_code, reason)
        self.headers = headers or {}


#: The `extensions.code` of a request refused with this HTTP status.
_STATUS_CODES = {400: RequestErrorCode.BAD_REQUEST, 404: RequestErrorCode.NOT_FOUND, 405: RequestErrorCode.METHOD_NOT_ALLOWED, 406: RequestErrorCode.NOT_ACCEPTABLE,
                 413: RequestErrorCode.PAYLOAD_TOO_LARGE, 415: RequestErrorCode.UNSUPPORTED_MEDIA_TYPE}


class GraphQLView(GraphQL[Context, None]):
    """Strawberry's ASGI view with per-request loaders, orjson, and GraphQL-over-HTTP responses."""

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Strawberry answers a refused request in plain text; here every refusal is a GraphQL
        response body, `{"errors": [...]}`, in the media type the client accepts."""
        if scope["type"] != "http":
            await super().__call__(scope, receive, send)
            return
        request = Request(scope=scope, receive=receive)
        request.state.request_id = request_id_of(request.headers.get("x-request-id"))
        with Observation(request, request.state.request_id) as seen:  # its log line and metrics
            try:
                response = await self.run(request)
            except HTTPException as refusal:
                headers = dict(getattr(refusal, "headers", {}))
                if refusal.status_code == 405 and "allow" not in {k.lower() for k in headers}:
                    headers["Allow"] = "GET, POST"
                response = error_response(request, refusal.status_code, refusal.reason,
                                          getattr(refusal, "code", None)  # a persisted query's refusal names its code
                                          or _STATUS_CODES.get(refusal.status_code, RequestErrorCode.BAD_REQUEST),
                                          headers=headers)
            except BodyTooLarge:
                seen.refused(413, RequestErrorCode.PAYLOAD_TOO_LARGE)  # BodySizeLimit answers it
                raise
            except Exception:  # a bug of ours outside any resolver: its traceback once, under the request's id
                log.exception("request %s: unexpected error", seen.request_id)
                response = error_response(request, 500, "Internal server error", RequestErrorCode.INTERNAL_SERVER_ERROR,
                                          extensions={"requestId": seen.request_id})
            response.headers.setdefault("x-request-id", seen.request_id)
            seen.answered(response)
        await response(scope, receive, send)

    def __init__(self, engine: AsyncEngine, settings: Settings) -> None:
        self.rate_limits = RateLimits.from_settings(settings)
        schema = self.rate_limits.install(build_schema(settings))
        schema.extensions = (*schema.extensions, OperationFacts)  # each operation's name in its log line
        super().__init__(schema, graphql_ide="graphiql" if settings.graphiql else None)
        self.engine = engine
        self.settings = settings
        self.token_cache = TokenCache(settings.token_cache_seconds)
        self.replicas = read_route(engine, settings)  # queries' read snapshots (CRMGRAPH_READ_DATABASE_URL)
        self.persisted = persisted.PersistedDocuments(
            engine, schema._schema, trusted_only=settings.trusted_documents_only,
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
                    return error_response(request, 503, trouble.message, trouble.extensions["code"],
                                          retry_after=RETRY_AFTER_SECONDS, request_id=request_id)
                log.exception("request %s: token check failed", request_id)
                return error_response(request, 500, "Internal server error", RequestErrorCode.INTERNAL_SERVER_ERROR,
                                      request_id=request_id, extensions={"requestId": request_id})
            if isinstance(caller, str):
                return JSONResponse(
                    error_body(caller, RequestErrorCode.UNAUTHENTICATED),
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
            return error_response(request, 400, problem, RequestErrorCode.BAD_USER_INPUT)
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
            return error_response(request, 503, busy.message, busy.extensions["code"], retry_after=RETRY_AFTER_SECONDS)
        if isinstance(outcome, idempotency.Refusal):
            return error_response(request, outcome.status, outcome.message, outcome.code, retry_after=outcome.retry_after)
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
        did_nothing = response.status_code >= 500 or not has_data(response.body)
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
        request_id = getattr(request.state, "request_id", None) or request_id_of(request.headers.get("x-request-id"))
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

    async def execute_operation(
        self,
        request: Request,
        request_adapter: AsyncHTTPRequestAdapter,
        request_data: GraphQLRequestData | list[GraphQLRequestData],
        context: Context,
        root_value: None,
        sub_response: Response,
    ) -> ExecutionResult | list[ExecutionResult] | SubscriptionExecutionResult:
        """Run the operation(s), then end the request's read transaction, whatever happened. The
        operations of a batch run one after another, in the order given (Strawberry runs them all at
        once): a mutation may depend on the one before it."""
        try:
            if isinstance(request_data, list):
                answers = []
                for data in request_data:
                    answers.append(await self.execute_single(
                        request=request, request_adapter=request_adapter,
                        sub_response=sub_response, context=context, root_value=root_value,
                        request_data=data,
                    ))
                return answers
            return await super().execute_operation(
                request=request, request_adapter=request_adapter, request_data=request_data,
                context=context, root_value=root_value, sub_response=sub_response,
            )
        finally:
            try:
                await context.loaders.close()
            except Exception:  # the answer is ready: a failing close is for the log, not the client
                log.exception("request %s: closing the read connection failed", context.request_id)

    async def execute_single(
        self,
        request: Request,
        request_adapter: AsyncHTTPRequestAdapter,
        sub_response: Response,
        context: Context,
        root_value: None,
        request_data: GraphQLRequestData,
    ) -> ExecutionResult:
        """A mutation sent with GET is a 405 that says to POST it."""
        if (refused := persisted.refused_result(request_data)) is not None:
            return refused  # an operation of a batch whose persisted document is unknown
        try:
            return await super().execute_single(
                request=request, request_adapter=request_adapter, sub_response=sub_response,
                context=context, root_value=root_value, request_data=request_data,
            )
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

    async def get_sub_response(self, request: Request | WebSocket) -> Response:
        sub_response = await super().get_sub_response(request)
        sub_response.wants_graphql_response = GRAPHQL_RESPONSE in request.headers.get("accept", "")  # type: ignore[attr-defined]
        return sub_response

    def create_response(
        self, response_data: GraphQLHTTPResponse | list[GraphQLHTTPResponse], sub_response: Response
    ) -> Response:
        response = super().create_response(response_data, sub_response)
        committed = getattr(sub_response, "committed_write", False)  # then something was written: never a 503
        if isinstance(response_data, dict) and not committed and only_retryable_failures(response_data):
            response.status_code = 503  # nothing ran to its end: the client should try again shortly
            response.headers["retry-after"] = str(RETRY_AFTER_SECONDS)
        answers = response_data if isinstance(response_data, list) else [response_data]
        refused = [failed_before_execution(answer) for answer in answers]
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


async def _quietly(work: Awaitable[None], what: str) -> None:
    """Bookkeeping after the answer is made: its failure is logged, never turned into the answer."""
    try:
        await work
    except RetryableError as busy:  # the database's state, already named: no traceback to add
        log.warning("%s failed: %s", what, busy.message)
    except Exception:  # noqa: BLE001
        log.exception("%s failed", what)

