"""`seed_demo`: writes the demo data in one transaction, area after area; and `database_is_empty`."""

from __future__ import annotations

import time
from dataclasses import dataclass, field

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncEngine

from models.parties import Account
from service.seed import communications, engagement, finance, links, operations, sales
from service.seed.catalog import seed_catalogue
from service.seed.parties import seed_parties
from service.seed.seeder import SeededAccount, SeededContact, Seeder
from service.seed.writer import Writer, next_ids, reset_sequences

#: The areas seeded around each account (and each contact without account), in this order; each
#: draws from its own Random stream, named here.
_AREAS = (
    ("links", links.seed_links),
    ("communications", communications.seed_communications),
    ("finance", finance.seed_finance),
    ("sales", sales.seed_sales),
    ("purchases", sales.seed_purchases),
    ("operations", operations.seed_operations),
    ("engagement", engagement.seed_engagement),
)


@dataclass(frozen=True)
class SeedReport:
    """What `seed_demo` inserted: rows per table and the time it took."""

    rows: dict[str, int] = field(default_factory=dict)
    accounts: int = 0
    contacts: int = 0
    seconds: float = 0.0

    @property
    def total_rows(self) -> int:
        return sum(self.rows.values())

    def __str__(self) -> str:
        return (
            f"demo data loaded: {self.total_rows:,} rows in {len(self.rows)} tables "
            f"({self.accounts:,} accounts, {self.contacts:,} contacts) in {self.seconds:.1f} s"
        )


async def database_is_empty(engine: AsyncEngine) -> bool:
    """True when the account table has no rows."""
    async with engine.connect() as conn:
        result = await conn.execute(sa.select(Account.__table__.c.id).limit(1))
        return result.first() is None


async def seed_demo(engine: AsyncEngine, *, accounts: int, seed: int) -> SeedReport:
    """Insert `accounts` demo accounts with everything around them; the same seed gives the same rows."""
    if accounts < 0:
        raise ValueError("accounts must be >= 0")
    started = time.perf_counter()
    async with engine.begin() as conn:
        writer = Writer(conn)
        await _run(Seeder(seed, await next_ids(conn), writer), accounts)
        await writer.flush_all()
        if conn.dialect.name == "postgresql":
            await reset_sequences(conn)
    return SeedReport(
        rows=dict(writer.counts),
        accounts=writer.counts.get("account", 0),
        contacts=writer.counts.get("contact", 0),
        seconds=time.perf_counter() - started,
    )


async def _run(seeder: Seeder, n_accounts: int) -> None:
    """The catalogue, the parties, then every area around each account and each contact without one."""
    seed_catalogue(seeder, seeder.rng("catalogue"))
    await seeder.writer.maybe_flush()
    await seed_parties(seeder, seeder.rng("parties"), n_accounts)
    areas = [(area, seeder.rng(name)) for name, area in _AREAS]
    groups: list[tuple[SeededAccount | None, list[SeededContact]]] = [(a, a.contacts) for a in seeder.accounts]
    groups += [(None, [contact]) for contact in seeder.orphans]
    for account, contacts in groups:
        for area, rng in areas:
            area(seeder, rng, account, contacts)
        await seeder.writer.maybe_flush()
