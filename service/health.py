"""Health checks: /health/live (the process), /health/ready (the database, and Redis when configured), /health
(the database: kept for older probes), and the one-line reason a database cannot be reached (`crmgraph` commands)."""

from __future__ import annotations

import asyncio
import logging
import socket

import sqlalchemy as sa
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncEngine
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from service.settings import Settings

log = logging.getLogger("crmgraph.health")

#: Seconds a readiness check waits for the database or Redis: a probe must answer before its own timeout.
CHECK_SECONDS = 2.0


def unreachable_reason(error: BaseException, timeout: float) -> str:
    """What went wrong when connecting, in one short line (never the driver's traceback)."""
    if isinstance(error, TimeoutError):
        return f"no answer within {timeout:g} s"
    if isinstance(error, ConnectionRefusedError):
        return "connection refused"
    if isinstance(error, socket.gaierror):
        return f"unknown host ({error.strerror})"
    if isinstance(error, DBAPIError) and error.orig is not None:
        error = error.orig
    elif isinstance(error, OSError) and error.strerror:
        return error.strerror
    text = " ".join(str(error).split()) or type(error).__name__
    return text if len(text) <= 200 else text[:197] + "..."


async def database_problem(engine: AsyncEngine, timeout: float = CHECK_SECONDS) -> str | None:
    """None when the database answers SELECT 1 within `timeout` seconds, else why not."""
    try:
        async with asyncio.timeout(timeout):
            async with engine.connect() as connection:
                await connection.execute(sa.text("SELECT 1"))
    except Exception as error:  # noqa: BLE001 - any failure means the database is not usable
        return unreachable_reason(error, timeout)
    return None


async def redis_problem(url: str, timeout: float = CHECK_SECONDS) -> str | None:
    """None when the Redis at `url` answers PING within `timeout` seconds, else why not."""
    from redis.asyncio import Redis
    from redis.asyncio.retry import Retry
    from redis.backoff import NoBackoff

    # No retries: a probe reports what it finds now, and its caller asks again soon.
    client = Redis.from_url(url, socket_connect_timeout=timeout, socket_timeout=timeout, retry=Retry(NoBackoff(), 0))
    try:
        async with asyncio.timeout(timeout):
            await client.ping()
    except Exception as error:  # noqa: BLE001 - down, refusing, or asking for a password: not ready
        return unreachable_reason(error, timeout)
    finally:
        await client.aclose()
    return None


def health_routes(engine: AsyncEngine, settings: Settings) -> list[Route]:
    """The three health endpoints; none needs a token."""

    async def live(_request: Request) -> JSONResponse:
        return JSONResponse({"status": "ok"})

    reported: dict[str, str | None] = {}  # what the log last said of each dependency

    async def ready(_request: Request) -> JSONResponse:
        checks = {"database": database_problem(engine)}
        if settings.redis_url:
            checks["redis"] = redis_problem(settings.redis_url)
        problems = dict(zip(checks, await asyncio.gather(*checks.values()), strict=True))
        # The reasons name hosts: they go to the log, once per change (a probe asks every few seconds),
        # and the probe learns only what is down.
        for name, problem in problems.items():
            if problem != reported.get(name):
                if problem:
                    log.warning("not ready: %s unreachable: %s", name, problem)
                elif name in reported:
                    log.warning("ready again: %s answers", name)
                reported[name] = problem
        body = {name: "unreachable" if problem else "ok" for name, problem in problems.items()}
        if any(problems.values()):
            return JSONResponse({"status": "error", **body}, status_code=503)
        return JSONResponse({"status": "ok", **body})

    async def health(_request: Request) -> JSONResponse:
        if await database_problem(engine):
            return JSONResponse({"status": "error", "database": "unreachable"}, status_code=503)
        return JSONResponse({"status": "ok"})

    return [Route("/health", health), Route("/health/live", live), Route("/health/ready", ready)]
