"""Health endpoints as Kubernetes probes use them: /health/live (the process), /health/ready (the database,
and Redis when configured), /health (the database, as before). A database that is down: tests/test_cli.py."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import httpx

from service.app import create_app
from service.settings import Settings
from tests.redis_server import RedisServer, redis_server  # noqa: F401 - the fixture

CLOSED_REDIS = "redis://127.0.0.1:1/0"  # nothing listens on port 1


@asynccontextmanager
async def _client(settings: Settings) -> AsyncIterator[httpx.AsyncClient]:
    app = create_app(settings)
    try:
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://crmgraph.test") as http:
            yield http
    finally:
        await app.state.engine.dispose()


async def test_live_and_ready_need_no_token_and_say_ok(gql) -> None:
    live = await gql.http.get("/health/live")
    assert live.status_code == 200 and live.json() == {"status": "ok"}
    ready = await gql.http.get("/health/ready")
    assert ready.status_code == 200 and ready.json() == {"status": "ok", "database": "ok"}
    assert (await gql.http.get("/health")).json() == {"status": "ok"}


async def test_ready_is_503_naming_redis_when_redis_is_down(database_url) -> None:
    async with _client(Settings(database_url=database_url, redis_url=CLOSED_REDIS)) as http:
        ready = await http.get("/health/ready")
        assert ready.status_code == 503
        assert ready.json() == {"status": "error", "database": "ok", "redis": "unreachable"}
        # Liveness is the process alone, and /health stays what it was: the database only.
        assert (await http.get("/health/live")).status_code == 200
        assert (await http.get("/health")).status_code == 200


async def test_ready_follows_redis_down_and_back(database_url, redis_server: RedisServer) -> None:  # noqa: F811
    async with _client(Settings(database_url=database_url, redis_url=redis_server.url)) as http:
        ready = await http.get("/health/ready")
        assert ready.status_code == 200 and ready.json() == {"status": "ok", "database": "ok", "redis": "ok"}
        redis_server.stop()
        down = await http.get("/health/ready")
        assert down.status_code == 503 and down.json()["redis"] == "unreachable"
        redis_server.start()
        assert (await http.get("/health/ready")).status_code == 200
