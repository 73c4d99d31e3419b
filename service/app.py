"""The Starlette application: /graphql (with GraphiQL) and /health."""

from __future__ import annotations

import contextlib
import gc
import uuid
from collections.abc import AsyncIterator
from typing import Any

import orjson
import sqlalchemy as sa
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route
from strawberry.asgi import GraphQL
from strawberry.http import GraphQLHTTPResponse

from loaders.context import Loaders
from schema import schema
from service.context import Context
from service.db import create_engine
from service.settings import Settings

GRAPHQL_RESPONSE = "application/graphql-response+json"


class GraphQLView(GraphQL):
    """Strawberry's ASGI view with per-request loaders, orjson, and GraphQL-over-HTTP responses."""

    def __init__(self, engine: Any, settings: Settings) -> None:
        super().__init__(schema, graphql_ide="graphiql" if settings.graphiql else None)
        self.engine = engine

    async def get_context(self, request: Any, response: Any) -> Context:
        request_id = _request_id(request.headers.get("x-request-id"))
        response.headers["x-request-id"] = request_id
        return Context(
            request=request, response=response, engine=self.engine, loaders=Loaders(self.engine), request_id=request_id
        )

    async def execute_operation(self, *, context: Context, **kwargs: Any) -> Any:
        """Run the operation(s), then end the request's read transaction, whatever happened."""
        try:
            return await super().execute_operation(context=context, **kwargs)
        finally:
            await context.loaders.close()

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


def create_app(settings: Settings | None = None) -> Starlette:
    settings = settings or Settings.from_env()
    engine = create_engine(settings.database_url, echo=settings.echo_sql)

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
        lifespan=lifespan,
    )
    app.state.engine = engine
    app.state.settings = settings
    # Everything built so far (schema, types, metadata) lives as long as the process: keep it out
    # of the collector's way, so a full collection under load walks only request garbage.
    gc.collect()
    gc.freeze()
    return app
