"""The Starlette application: /graphql (with GraphiQL), /metrics and /health, /health/live, /health/ready.

The view is `service.view.GraphQLView`; refusals are shaped in `service.responses`."""

from __future__ import annotations

import contextlib
import gc
from collections.abc import AsyncIterator

from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.middleware.cors import CORSMiddleware
from starlette.routing import Route

from service.body_limit import BodySizeLimit
from service.db import create_engine
from service.health import health_routes
from service.logs import throttle_tracebacks
from service.metrics import metrics_endpoint, process_exit, watch_pool
from service.responses import GRAPHQL_RESPONSE
from service.settings import Settings
from service.view import GraphQLView

__all__ = ["GRAPHQL_RESPONSE", "GraphQLView", "create_app"]


def _cors(settings: Settings) -> list[Middleware]:
    """CORS for the configured origins; with none, no middleware at all on the way of every request
    (a browser then gets no CORS headers, which refuses cross-origin calls just as well)."""
    if not settings.cors_origins:
        return []
    return [Middleware(CORSMiddleware, allow_origins=list(settings.cors_origins), allow_methods=["GET", "POST"],
                       allow_headers=["authorization", "content-type", "x-request-id", "idempotency-key"],
                       expose_headers=["x-request-id", "retry-after", "idempotent-replayed"])]


def create_app(settings: Settings | None = None) -> Starlette:
    """One worker's app: its engine, the /graphql view, the health and metrics routes, and their middleware."""
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
