"""Demo data: deterministic for a seed, valid Mexican fiscal data, and every tab filled."""

from __future__ import annotations

import asyncio

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncEngine
from sqlmodel import SQLModel
from stdnum.mx import rfc as stdnum_rfc

from models import Account
from models.relations import RELATIONS
from service.db import create_engine
from service.migrate import migrate
from service.seed import database_is_empty, seed_demo

GENERIC_RFCS = {"XAXX010101000", "XEXX010101000"}


async def _dump(engine: AsyncEngine) -> dict[str, list[tuple]]:
    async with engine.connect() as connection:
        return {
            table.name: [tuple(row) for row in await connection.execute(sa.select(table).order_by(*table.primary_key))]
            for table in SQLModel.metadata.sorted_tables
        }


async def _fresh(tmp_path, name: str) -> AsyncEngine:
    url = f"sqlite+aiosqlite:///{tmp_path / name}"
    await asyncio.to_thread(migrate, url)  # Alembic runs its own event loop
    return create_engine(url)


async def test_the_same_seed_gives_the_same_rows_and_another_seed_other_rows(tmp_path) -> None:
    engines = [await _fresh(tmp_path, f"{n}.db") for n in ("a", "b", "c")]
    try:
        for engine, seed in zip(engines, (7, 7, 8), strict=True):
            assert await database_is_empty(engine)
            await seed_demo(engine, accounts=40, seed=seed)
            assert not await database_is_empty(engine)
        first, again, other = [await _dump(engine) for engine in engines]
        assert first == again
        assert first["account"] != other["account"]
        assert len(first["account"]) == 40
    finally:
        for engine in engines:
            await engine.dispose()


async def test_demo_data_fills_every_tab_and_has_valid_rfcs(tmp_path) -> None:
    engine = await _fresh(tmp_path, "demo.db")
    try:
        await seed_demo(engine, accounts=120, seed=1)
        async with engine.connect() as connection:
            rfcs = (await connection.execute(sa.select(Account.__table__.c.rfc))).scalars().all()
            for relation in RELATIONS:
                target = relation.target.__table__
                if relation.link is None:
                    column = target.c[relation.fk]
                    source = target
                else:
                    column = relation.link.__table__.c[relation.link_parent]
                    source = relation.link.__table__
                parents = (await connection.execute(sa.select(sa.func.count(sa.distinct(column))).select_from(source))).scalar_one()
                everyone = (await connection.execute(sa.select(sa.func.count()).select_from(relation.parent.__table__))).scalar_one()
                assert parents >= 0.3 * everyone, f"{relation.key}: only {parents} of {everyone} parents have rows"
        for value in rfcs:
            assert value in GENERIC_RFCS or (len(value) in (12, 13) and stdnum_rfc.validate(value, validate_check_digits=True))
    finally:
        await engine.dispose()
