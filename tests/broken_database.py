"""A SQLite database whose vendor table is gone (a botched deploy): a query of vendors fails in its
resolver with an error of ours, masked as INTERNAL_SERVER_ERROR, while tokens and accounts work."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from pathlib import Path

import sqlalchemy as sa

from tests.conftest import scratch_database

#: A query that fails with an error of ours on that database.
BROKEN_QUERY = "query Broken { vendors(first: 1) { totalCount } }"


def _migrate_then_drop(url: str) -> None:
    from service.migrate import migrate

    migrate(url)
    engine = sa.create_engine(url.replace("+aiosqlite", "", 1))
    try:
        with engine.begin() as connection:
            connection.execute(sa.text("DROP TABLE vendor"))
    finally:
        engine.dispose()


@contextlib.contextmanager
def database_without_vendors(directory: Path) -> Iterator[str]:
    """Its URL, until the block ends."""
    with scratch_database("sqlite", directory, "broken", _migrate_then_drop) as url:
        yield url
