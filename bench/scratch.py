"""Scratch databases for the benchmarks: a temporary SQLite file, or a PostgreSQL database made
through a maintenance connection (on this machine only) and dropped at the end; migrated and seeded
with the demo data, one database after the other."""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import shutil
import tempfile
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine

from bench.common import BenchError, log
from service.migrate import migrate

DEFAULT_PG_URL = "postgresql+asyncpg://postgres@127.0.0.1:5432/postgres"
LOCAL_HOSTS = {None, "", "127.0.0.1", "localhost", "::1"}


class Unreachable(Exception):
    """The database server cannot be used; the run skips it."""


@contextlib.asynccontextmanager
async def sqlite_database(_args: argparse.Namespace) -> AsyncIterator[str]:
    directory = tempfile.mkdtemp(prefix="crmgraph-bench-")
    try:
        yield f"sqlite+aiosqlite:///{directory}/bench.db"
    finally:
        shutil.rmtree(directory, ignore_errors=True)


@contextlib.asynccontextmanager
async def postgresql_database(args: argparse.Namespace) -> AsyncIterator[str]:
    """A scratch database made (and dropped) through the maintenance connection `--pg-url`."""
    admin_url = make_url(args.pg_url)
    if admin_url.host not in LOCAL_HOSTS:
        raise BenchError(f"--pg-url must point at 127.0.0.1 (the bench drops and creates databases), not {admin_url.host}")
    name = args.pg_database
    admin = create_async_engine(admin_url, isolation_level="AUTOCOMMIT", connect_args={"timeout": 5})
    try:
        await _pg_admin(admin, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)', f'CREATE DATABASE "{name}"')
    except Exception as error:  # noqa: BLE001 - refused, auth, timeout, no privilege: all mean "skip"
        await admin.dispose()
        raise Unreachable(f"{type(error).__name__}: {str(error).strip().splitlines()[0] if str(error).strip() else ''}") from None
    try:
        yield admin_url.set(database=name).render_as_string(hide_password=False)
    finally:
        try:
            await _pg_admin(admin, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        finally:
            await admin.dispose()


async def _pg_admin(admin: AsyncEngine, *statements: str) -> None:
    async with admin.connect() as connection:
        for statement in statements:
            await connection.execute(sa.text(statement))


DATABASES = {"sqlite": sqlite_database, "postgresql": postgresql_database}


async def for_each_database(
    args: argparse.Namespace, measure: Callable[[str, str], Awaitable[dict[str, Any]]]
) -> list[dict[str, Any]]:
    """`measure(kind, url)` on a scratch database of each kind `--database` names, one after the other;
    an unreachable PostgreSQL is skipped (a result that says so), not failed."""
    kinds = ["sqlite", "postgresql"] if args.database == "both" else [args.database]
    results = []
    for kind in kinds:
        try:
            async with DATABASES[kind](args) as url:
                results.append(await measure(kind, url))
        except Unreachable as error:
            log(f"{kind}: not reachable at {make_url(args.pg_url).render_as_string()}: skipped ({error})")
            results.append({"database": kind, "skipped": str(error)})
    return results


async def migrate_database(url: str) -> None:
    """The schema of `service.migrate`, made in a thread (Alembic runs its own event loop)."""
    await asyncio.to_thread(migrate, url)


async def seed_database(engine: AsyncEngine, kind: str, args: argparse.Namespace) -> Any:
    """The demo data of `--accounts` and `--seed` (`service.seed.seed_demo`), then planner statistics on
    PostgreSQL (a fresh database has none until autovacuum runs); the seed's report."""
    from service.seed import seed_demo

    report = await seed_demo(engine, accounts=args.accounts, seed=args.seed)
    if kind == "postgresql":
        async with engine.connect() as connection:
            await connection.execute(sa.text("ANALYZE"))
    return report
