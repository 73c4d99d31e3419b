"""Alembic owns the schema: after `migrate`, the database matches the models exactly."""

from __future__ import annotations

import asyncio

import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlmodel import SQLModel

from models import Account
from service.db import create_engine
from service.migrate import downgrade, migrate
from tests.conftest import scratch_database
from tests.factories import Factory


async def test_the_migrated_database_matches_the_models(gql) -> None:
    def differences(connection) -> list:  # noqa: ANN001
        return compare_metadata(MigrationContext.configure(connection), SQLModel.metadata)

    async with gql.engine.connect() as connection:
        assert await connection.run_sync(differences) == []


@pytest.mark.parametrize("kind", ["sqlite", "postgresql"])
def test_renaming_subscription_to_rental_subscription_keeps_every_row(kind, tmp_path) -> None:
    """0006 renames the table whose GraphQL type clashed with the subscription root; rows survive it
    both ways."""

    async def on(url: str, work) -> object:  # noqa: ANN001
        engine = create_engine(url)
        try:
            return await work(engine)
        finally:
            await engine.dispose()

    async def insert(engine) -> None:  # noqa: ANN001 - at 0005; the account table is the same before and after
        account = await Factory(engine).insert(Account)
        async with engine.begin() as connection:
            await connection.execute(sa.text(
                "INSERT INTO subscription (id, account_id, plan, status, start_date, billing_period, amount) "
                "VALUES (7, :account, 'Renta de montacargas', 'ACTIVE', '2026-01-01', 'MONTHLY', 1500)"),
                {"account": account})

    def rows(table: str):  # noqa: ANN202
        async def read(engine) -> list[tuple]:  # noqa: ANN001
            async with engine.connect() as connection:
                statement = sa.text(f"SELECT id, account_id, plan, status FROM {table} ORDER BY id")
                return [tuple(row) for row in (await connection.execute(statement)).all()]
        return read

    with scratch_database(kind, tmp_path, "crmgraph_rename", lambda url: migrate(url, "0005")) as url:
        asyncio.run(on(url, insert))
        before = asyncio.run(on(url, rows("subscription")))
        assert [row[2] for row in before] == ["Renta de montacargas"]
        migrate(url, "0006")
        assert asyncio.run(on(url, rows("rental_subscription"))) == before
        downgrade(url, "0005")
        assert asyncio.run(on(url, rows("subscription"))) == before
        migrate(url)
        assert asyncio.run(on(url, rows("rental_subscription"))) == before
