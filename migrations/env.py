"""Alembic environment: runs migrations on the async engine of crmgraph (SQLite or PostgreSQL)."""

from __future__ import annotations

import asyncio
from logging.config import fileConfig
from typing import Any, Literal

import sqlalchemy as sa
from alembic import context
from sqlalchemy.engine import Connection
from sqlmodel import SQLModel

import models  # noqa: F401 - registers every table on the metadata
from models.exact import ExactNumeric
from service.db import create_engine
from service.settings import Settings

config = context.config
if config.config_file_name is not None and not config.attributes.get("skip_logging"):
    fileConfig(config.config_file_name, disable_existing_loggers=False)

target_metadata = SQLModel.metadata


def database_url() -> str:
    return config.get_main_option("sqlalchemy.url") or Settings.from_env().database_url


def render_item(kind: str, obj: Any, _context: Any) -> str | Literal[False]:
    """Write our column types (UTC datetimes, enum lists, SQLModel strings) as the plain SQLAlchemy
    types they store as, so a migration never depends on code that may change."""
    if kind == "type" and isinstance(obj, ExactNumeric):
        return f"sa.Numeric(precision={obj.precision}, scale={obj.scale})"
    if kind == "type" and isinstance(obj, sa.TypeDecorator):
        return f"sa.{obj.impl_instance!r}"
    return False


OPTIONS = {"target_metadata": target_metadata, "render_as_batch": True, "render_item": render_item}


def run_migrations_offline() -> None:
    context.configure(url=database_url(), literal_binds=True, **OPTIONS)
    with context.begin_transaction():
        context.run_migrations()


def do_run_migrations(connection: Connection) -> None:
    # Batch mode (in OPTIONS) lets later migrations alter SQLite tables (copy-and-move).
    context.configure(connection=connection, **OPTIONS)
    with context.begin_transaction():
        context.run_migrations()


async def run_async_migrations() -> None:
    engine = create_engine(database_url())
    async with engine.connect() as connection:
        await connection.run_sync(do_run_migrations)
    await engine.dispose()


if context.is_offline_mode():
    run_migrations_offline()
else:
    asyncio.run(run_async_migrations())
