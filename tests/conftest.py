"""A database per test session on SQLite and on PostgreSQL, and the real ASGI app over each."""

from __future__ import annotations

import asyncio
import contextlib
import os
import uuid
from collections.abc import AsyncIterator, Callable, Iterator
from pathlib import Path

import asyncpg
import httpx
import hypothesis
import pytest
import sqlalchemy as sa

from models import Scope
from service.app import create_app
from service.auth import create_token
from service.migrate import migrate
from service.settings import Settings
from tests.client import GraphQLClient
from tests.factories import Factory

PG_ADMIN_DSN = os.environ.get("CRMGRAPH_TEST_PG", "postgresql://postgres@127.0.0.1:5432/postgres")
IN_CI = os.environ.get("CI", "").lower() == "true"

# In CI, Hypothesis draws the same examples every run (a red build is then reproducible);
# on a developer's machine it keeps exploring new ones.
hypothesis.settings.register_profile("ci", derandomize=True, deadline=None, print_blob=True)
if IN_CI:
    hypothesis.settings.load_profile("ci")


async def _pg_reachable() -> bool:
    try:
        connection = await asyncpg.connect(PG_ADMIN_DSN, timeout=5)
    except (TimeoutError, OSError, asyncpg.PostgresError):
        return False
    await connection.close()
    return True


@contextlib.contextmanager
def scratch_database(kind: str, directory: Path, prefix: str, prepare: Callable[[str], None] = migrate) -> Iterator[str]:
    """A database of its own of this kind (a SQLite file in `directory`, or a new PostgreSQL database
    named after `prefix`), made ready by `prepare(url)` and dropped afterwards. In CI a PostgreSQL that
    cannot be reached is a failure, elsewhere a skip."""
    if kind == "sqlite":
        url = f"sqlite+aiosqlite:///{directory / f'{prefix}.db'}"
        prepare(url)
        yield url
        return
    if not asyncio.run(_pg_reachable()):
        message = f"PostgreSQL is not reachable at {PG_ADMIN_DSN}"
        if IN_CI:
            pytest.fail(f"{message}: CI requires it", pytrace=False)
        pytest.skip(message)
    name = f"{prefix}_{uuid.uuid4().hex[:12]}"
    asyncio.run(_pg_admin(f'CREATE DATABASE "{name}"'))
    admin = sa.make_url(PG_ADMIN_DSN.replace("postgresql://", "postgresql+asyncpg://", 1))
    url = admin.set(database=name).render_as_string(hide_password=False)
    try:
        prepare(url)
        yield url
    finally:
        asyncio.run(_pg_admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


@pytest.fixture(scope="session")
def database_url(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A freshly migrated database of the requested kind, dropped at the end of the session."""
    with scratch_database(request.param, tmp_path_factory.mktemp("db"), "crmgraph_test") as url:
        yield url


async def _pg_admin(statement: str) -> None:
    connection = await asyncpg.connect(PG_ADMIN_DSN)
    try:
        await connection.execute(statement)
    finally:
        await connection.close()


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    if "database_url" in metafunc.fixturenames:
        metafunc.parametrize("database_url", ["sqlite", "postgresql"], indirect=True, scope="session")


@pytest.fixture(scope="session")
async def app(database_url: str) -> AsyncIterator[object]:
    application = create_app(Settings(database_url=database_url))
    yield application
    await application.state.engine.dispose()


@pytest.fixture(scope="session")
async def tokens(app: object) -> dict[str, str]:
    """A live token per scope, made as `crmgraph token create` makes them."""
    return {scope.value.lower(): await create_token(app.state.engine, f"test-{scope.value.lower()}", {scope}) for scope in Scope}


@pytest.fixture(scope="session")
async def gql(app: object, tokens: dict[str, str]) -> AsyncIterator[GraphQLClient]:
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://crmgraph.test") as http:
        yield GraphQLClient(http, app.state.engine, tokens)


@pytest.fixture(scope="session")
def factory(app: object) -> Factory:
    return Factory(app.state.engine)


@pytest.fixture(autouse=True)
def _every_test_sees_its_own_tracebacks() -> None:
    """The log keeps one traceback per distinct error a minute (service.logs); a test that looks for
    a traceback must not miss it because an earlier test logged the same error."""
    from service.logs import throttle_tracebacks

    throttle_tracebacks().forget()
