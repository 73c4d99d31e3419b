"""Settings, read once from the environment (CRMGRAPH_*). The README's security section lists them."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

PROJECT_DIR = Path(__file__).resolve().parent.parent
DEFAULT_DATABASE_URL = f"sqlite+aiosqlite:///{PROJECT_DIR / 'var' / 'crmgraph.db'}"


def _flag(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    return default if value is None else value.strip().lower() in {"1", "true", "yes", "on"}


def _number(name: str, default: int, *, minimum: int = 1) -> int:
    value = os.environ.get(name)
    if value is None or not value.strip():
        return default
    if not value.strip().isascii() or not value.strip().isdigit() or int(value) < minimum:
        raise ValueError(f"{name} must be a whole number of at least {minimum}, got {value!r}")
    return int(value)


@dataclass(frozen=True)
class Settings:
    database_url: str = DEFAULT_DATABASE_URL
    #: serve GraphiQL to browsers on GET /graphql
    graphiql: bool = True
    #: answer introspection queries (the schema's self-description)
    introspection: bool = True
    #: echo every SQL statement to the log (debugging)
    echo_sql: bool = False
    #: deepest selection nesting a query may have
    max_depth: int = 10
    #: aliases one document may use
    max_aliases: int = 30
    #: tokens (names, braces, values...) one document may have
    max_tokens: int = 5000
    #: rows a query may ask for, before it runs: the sum over connections of the product of the `first`s on their path
    node_budget: int = 50_000
    #: a query whose node-budget cost is over this is heavy: only `heavy_concurrency` of them run at once per worker
    heavy_cost: int = 2_000
    heavy_concurrency: int = 2
    #: operations in one batched request (a JSON array)
    max_batch: int = 10
    #: bytes of a request body
    max_body_bytes: int = 1_000_000
    #: milliseconds one SQL statement may run
    statement_timeout_ms: int = 10_000
    #: milliseconds a whole request may spend on the database; pending statements are cancelled after it
    request_timeout_ms: int = 30_000
    #: connections each worker keeps open to the database, and how many more it may open under load
    pool_size: int = 10
    pool_overflow: int = 10
    #: milliseconds a request waits for a free connection before it is answered SERVICE_BUSY
    pool_timeout_ms: int = 5_000
    #: times a write that finds SQLite locked by another writer is retried (with a short backoff)
    busy_retries: int = 4
    #: milliseconds SQLite waits for another process's write lock before a retry (PRAGMA busy_timeout)
    sqlite_busy_timeout_ms: int = 5_000
    #: run read-only queries through the compiled executor (schema/compiled); off: graphql-core's stock one
    compiled_executor: bool = True
    #: seconds a token's check is remembered (0: every request asks the database); a revoked token may work this long
    token_cache_seconds: int = 5
    #: origins a browser may call the API from (CORS); none by default
    cors_origins: tuple[str, ...] = field(default_factory=tuple)

    @classmethod
    def from_env(cls) -> Settings:
        origins = os.environ.get("CRMGRAPH_CORS_ORIGINS", "")
        return cls(
            database_url=os.environ.get("CRMGRAPH_DATABASE_URL", DEFAULT_DATABASE_URL),
            graphiql=_flag("CRMGRAPH_GRAPHIQL", True),
            introspection=_flag("CRMGRAPH_INTROSPECTION", True),
            echo_sql=_flag("CRMGRAPH_ECHO_SQL", False),
            max_depth=_number("CRMGRAPH_MAX_DEPTH", 10),
            max_aliases=_number("CRMGRAPH_MAX_ALIASES", 30),
            max_tokens=_number("CRMGRAPH_MAX_TOKENS", 5000),
            node_budget=_number("CRMGRAPH_NODE_BUDGET", 50_000),
            max_batch=_number("CRMGRAPH_MAX_BATCH", 10),
            heavy_cost=_number("CRMGRAPH_HEAVY_COST", 2_000),
            heavy_concurrency=_number("CRMGRAPH_HEAVY_CONCURRENCY", 2),
            max_body_bytes=_number("CRMGRAPH_MAX_BODY_BYTES", 1_000_000),
            statement_timeout_ms=_number("CRMGRAPH_STATEMENT_TIMEOUT_MS", 10_000),
            request_timeout_ms=_number("CRMGRAPH_REQUEST_TIMEOUT_MS", 30_000),
            pool_size=_number("CRMGRAPH_POOL_SIZE", 10),
            pool_overflow=_number("CRMGRAPH_POOL_OVERFLOW", 10, minimum=0),
            pool_timeout_ms=_number("CRMGRAPH_POOL_TIMEOUT_MS", 5_000),
            busy_retries=_number("CRMGRAPH_BUSY_RETRIES", 4, minimum=0),
            sqlite_busy_timeout_ms=_number("CRMGRAPH_SQLITE_BUSY_TIMEOUT_MS", 5_000),
            compiled_executor=_flag("CRMGRAPH_COMPILED_EXECUTOR", True),
            token_cache_seconds=_number("CRMGRAPH_TOKEN_CACHE_SECONDS", 5, minimum=0),
            cors_origins=tuple(o.strip() for o in origins.split(",") if o.strip()),
        )
