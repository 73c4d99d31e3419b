"""The service's Prometheus metrics, served at GET /metrics (prometheus-client).

With several workers (`crmgraph serve --workers N`, or any process manager that sets
PROMETHEUS_MULTIPROC_DIR) every worker writes its figures to files in that directory and a scrape of
any one of them reads them all: the workers report as one. Without it, the process reports alone.
"""

from __future__ import annotations

import asyncio
import atexit
import logging
import os
import shutil
import tempfile
import weakref
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any

from prometheus_client import (
    CONTENT_TYPE_LATEST,
    REGISTRY,
    CollectorRegistry,
    Counter,
    Gauge,
    Histogram,
    disable_created_metrics,
    generate_latest,
    multiprocess,
)
from sqlalchemy import event
from sqlalchemy.ext.asyncio import AsyncEngine
from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from loaders.database import database_trouble
from loaders.errors import RETRY_AFTER_SECONDS, RequestErrorCode
from models import Scope
from service.auth import TokenCache, authenticate
from service.logs import ERRORS
from service.responses import error_body
from service.settings import Settings

if TYPE_CHECKING:
    from service.observation import Observation

MULTIPROCESS_DIR = "PROMETHEUS_MULTIPROC_DIR"

#: The label of an operation sent without a name; of a request refused before any operation was read
#: (no token, a body that is not JSON, a rate limit); and of every name past the cap.
ANONYMOUS, NO_OPERATION, OTHER = "(anonymous)", "(none)", "(other)"
#: Labels come from clients (operation names): each is cut to this many characters...
MAX_LABEL_LENGTH = 64
#: ...and only the first distinct ones of a process keep their own label.
MAX_OPERATION_NAMES = 200
MAX_ERROR_CODES = 100

OUTCOMES = ("ok", "user_error", "refused", "internal_error")


def prepare_multiprocess(workers: int) -> str | None:
    """Before `serve` starts `workers` processes: the directory where they share their metrics.

    The operator's PROMETHEUS_MULTIPROC_DIR when set (made if missing); else, for more than one
    worker, a fresh temporary directory, removed when the server exits; else None (one process
    reports alone). The workers inherit it from the environment, so call this before they start.
    """
    given = os.environ.get(MULTIPROCESS_DIR)
    if given:
        os.makedirs(given, exist_ok=True)
        return given
    if workers <= 1:
        return None
    directory = tempfile.mkdtemp(prefix="crmgraph-metrics-")
    os.environ[MULTIPROCESS_DIR] = directory
    atexit.register(shutil.rmtree, directory, ignore_errors=True)
    return directory


def multiprocess_mode() -> bool:
    return bool(os.environ.get(MULTIPROCESS_DIR))


class LabelCap:
    """A label whose values come from clients: each value is cut to MAX_LABEL_LENGTH characters, and
    only the first `limit` distinct values keep their own label; later ones share "(other)". A flood
    of random names then grows neither the series nor this set."""

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self._kept: set[str] = set()

    def __call__(self, value: str) -> str:
        value = value[:MAX_LABEL_LENGTH]
        if value in self._kept:
            return value
        if len(self._kept) >= self.limit:
            return OTHER
        self._kept.add(value)
        return value

    def __len__(self) -> int:
        return len(self._kept)


#: Per process, as the series they guard.
OPERATION_NAMES = LabelCap(MAX_OPERATION_NAMES)
ERROR_CODES = LabelCap(MAX_ERROR_CODES)


def operation_label(name: str | None) -> str:
    return ANONYMOUS if name is None else OPERATION_NAMES(name)


class Metrics:
    """Every metric of the service, made once per process (see `metrics()`)."""

    def __init__(self, registry: CollectorRegistry = REGISTRY) -> None:
        self.requests = Counter(
            "crmgraph_requests", "GraphQL operations answered, by operation name, type and outcome "
            "(ok, user_error, refused, internal_error)", ["operation", "type", "outcome"], registry=registry)
        self.latency = Histogram(
            "crmgraph_request_duration_seconds", "Time to answer a GraphQL operation, by operation name",
            ["operation"], registry=registry,
            buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30))
        self.statements = Histogram(
            "crmgraph_request_statements", "SQL statements one request to /graphql ran", registry=registry,
            buckets=(0, 1, 2, 3, 5, 8, 13, 21, 34, 55, 89))
        self.rows = Histogram(
            "crmgraph_request_rows", "Rows one request to /graphql read from the database", registry=registry,
            buckets=(0, 1, 10, 100, 1_000, 10_000, 100_000))
        self.cost = Histogram(
            "crmgraph_request_cost", "Node-budget cost of one request to /graphql (rows it may read)",
            registry=registry, buckets=(0, 1, 10, 100, 1_000, 2_000, 5_000, 10_000, 50_000))
        # livesum: the workers' figures add up, and a worker that stopped drops out.
        self.pool_in_use = Gauge(
            "crmgraph_db_pool_in_use", "Database connections checked out of the pool", ["pool"],
            registry=registry, multiprocess_mode="livesum")
        self.pool_waiting = Gauge(
            "crmgraph_db_pool_waiting", "Requests waiting for a database connection", ["pool"],
            registry=registry, multiprocess_mode="livesum")
        self.rate_limited = Counter(
            "crmgraph_rate_limited", "Requests refused with RATE_LIMITED (over their token's cost budget)",
            registry=registry)
        self.errors = Counter(
            "crmgraph_errors", "Errors answered, by code (GraphQL errors and mutations' user errors)", ["code"],
            registry=registry)
        # The labelled series of an operation, found once: `labels()` checks and locks on every call.
        # As many as the capped labels allow.
        self._series: dict[tuple[str, str, str], tuple[Any, Any]] = {}

    def series(self, operation: str, kind: str, outcome: str) -> tuple[Any, Any]:
        """The request counter and the latency histogram of one operation label, type and outcome."""
        key = (operation, kind, outcome)
        found = self._series.get(key)
        if found is None:
            found = self._series[key] = (self.requests.labels(operation, kind, outcome), self.latency.labels(operation))
        return found


_METRICS: Metrics | None = None


def metrics() -> Metrics:
    """This process's metrics, made on first use: by then a worker's environment says whether it
    shares its figures with others (prometheus-client reads it when it is first imported)."""
    global _METRICS
    if _METRICS is None:
        disable_created_metrics()  # a `_created` series beside each one: noise that Prometheus does not need
        _METRICS = Metrics()
    return _METRICS


def record(observation: Observation) -> None:
    """Count one request to /graphql: each of its operations, and the request's own figures."""
    m = metrics()
    for operation, outcome, seconds in observation.answered_operations():
        name = NO_OPERATION if operation is None else operation_label(operation.name)
        kind = "none" if operation is None else operation.type
        requests, latency = m.series(name, kind, outcome)
        requests.inc()
        latency.observe(seconds)
    m.statements.observe(observation.statements)
    m.rows.observe(observation.rows)
    m.cost.observe(observation.cost)
    for code in observation.error_codes:
        m.errors.labels(ERROR_CODES(code)).inc()
    if RequestErrorCode.RATE_LIMITED in observation.error_codes:
        m.rate_limited.inc()


# The database pool: in use is exact (every checkout and checkin updates it); waiting is read from the
# pool's queue, at each checkout and checkin and at each scrape.

_POOLS: dict[str, weakref.WeakSet[Any]] = {}


def watch_pool(engine: AsyncEngine, pool: str = "primary") -> None:
    """Report `engine`'s pool under the label `pool` (the engines of one label add up)."""
    sync_engine = engine.sync_engine
    engines = _POOLS.setdefault(pool, weakref.WeakSet())
    if sync_engine in engines:
        return
    engines.add(sync_engine)
    event.listen(sync_engine, "checkout", lambda *_: _refresh_pool(pool))
    # The checkin event comes before the connection is back in the pool: it still counts as in use.
    event.listen(sync_engine, "checkin", lambda *_: _refresh_pool(pool, returning=1))


def _refresh_pool(pool: str, returning: int = 0) -> None:
    engines = list(_POOLS.get(pool, ()))
    in_use = sum(_checked_out(engine.pool) for engine in engines) - returning
    m = metrics()
    m.pool_in_use.labels(pool).set(max(in_use, 0))
    m.pool_waiting.labels(pool).set(sum(_waiting(engine.pool) for engine in engines))


def _checked_out(pool: Any) -> int:
    checked_out = getattr(pool, "checkedout", None)  # QueuePool and its async form; NullPool has none
    return checked_out() if callable(checked_out) else 0


def _waiting(pool: Any) -> int:
    """Tasks waiting on the pool's asyncio queue: SQLAlchemy has no public figure (nor an event before
    a checkout), so this reads the queue of its AsyncAdaptedQueuePool; 0 for any other pool."""
    getters = getattr(getattr(getattr(pool, "_pool", None), "_queue", None), "_getters", None)
    return sum(not getter.done() for getter in getters) if getters else 0


def refresh_pools() -> None:
    for pool in list(_POOLS):
        _refresh_pool(pool)


# Exposition.

_MULTIPROCESS_REGISTRY: CollectorRegistry | None = None


def exposition() -> bytes:
    """Every metric in the Prometheus text format: this process's, or all workers' in multiprocess mode."""
    global _MULTIPROCESS_REGISTRY
    metrics()  # a worker that has answered nothing yet still shows every metric
    if not multiprocess_mode():
        return generate_latest(REGISTRY)
    if _MULTIPROCESS_REGISTRY is None:
        _MULTIPROCESS_REGISTRY = CollectorRegistry()
        multiprocess.MultiProcessCollector(_MULTIPROCESS_REGISTRY)
    return generate_latest(_MULTIPROCESS_REGISTRY)


def process_exit() -> None:
    """A worker stopping: its live gauges (the pool's) leave the sum."""
    if multiprocess_mode():
        multiprocess.mark_process_dead(os.getpid())


def metrics_endpoint(engine: AsyncEngine, settings: Settings) -> Callable[[Request], Awaitable[Response]]:
    """GET /metrics: open to all with CRMGRAPH_METRICS_PUBLIC=true, else to an ADMIN token only."""
    tokens = TokenCache(settings.token_cache_seconds)

    async def serve_metrics(request: Request) -> Response:
        if not settings.metrics_public:
            refusal = await _refused(engine, request, tokens)
            if refusal is not None:
                return refusal
        refresh_pools()
        body = await asyncio.to_thread(exposition)  # multiprocess mode reads every worker's files
        return Response(body, media_type=CONTENT_TYPE_LATEST)

    return serve_metrics


async def _refused(engine: AsyncEngine, request: Request, tokens: TokenCache) -> Response | None:
    """Why this caller may not read the metrics (a JSON error as /graphql gives), or None."""
    try:
        caller = await authenticate(engine, request.headers.get("authorization"), tokens)
    except Exception as error:  # noqa: BLE001 - the database failed: never let its message out
        trouble = database_trouble(error)
        if trouble is None:
            logging.getLogger(ERRORS).exception("GET /metrics: token check failed")
        code = trouble.extensions["code"] if trouble is not None else RequestErrorCode.INTERNAL_SERVER_ERROR
        message = trouble.message if trouble is not None else "Internal server error"
        return _error(503 if trouble is not None else 500, message, code,
                      {"retry-after": str(RETRY_AFTER_SECONDS)} if trouble is not None else None)
    if isinstance(caller, str):
        return _error(401, caller, RequestErrorCode.UNAUTHENTICATED, {"WWW-Authenticate": 'Bearer realm="crmgraph"'})
    if not caller.may(Scope.ADMIN):
        return _error(403, "the metrics are for an ADMIN token (or set CRMGRAPH_METRICS_PUBLIC=true)", RequestErrorCode.FORBIDDEN)
    return None


def _error(status: int, message: str, code: str, headers: dict[str, str] | None = None) -> JSONResponse:
    return JSONResponse(error_body(message, code), status, headers=headers)
