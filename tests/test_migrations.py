"""Alembic owns the schema: after `migrate`, the database matches the models exactly."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlmodel import SQLModel


async def test_the_migrated_database_matches_the_models(gql) -> None:
    def differences(connection) -> list:  # noqa: ANN001
        return compare_metadata(MigrationContext.configure(connection), SQLModel.metadata)

    async with gql.engine.connect() as connection:
        assert await connection.run_sync(differences) == []
