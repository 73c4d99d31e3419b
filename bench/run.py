"""Benchmark of crmgraph: SQL statements, rows and latency of three typical queries.

For each database asked for, it makes a fresh one (a temporary SQLite file; a scratch PostgreSQL
database created through a maintenance connection and dropped at the end), migrates it, loads the
deterministic demo data (`service.seed.seed_demo`) and sends GraphQL requests to the ASGI app in
process (`httpx.ASGITransport`: no server, no network). The scenarios:

  a  tab page  one account with 5 tabs of `first: 20` rows and the `totalCount` of each, as the
               account screen asks for it
  b  BI pull   `accounts(first: 100)` with 3 tabs of `first: 10` rows each, paged with `after`
               through 100 and through 500 accounts; reported per request (one page of 100
               accounts) and per pull (every page, one after the other)
  c  tabs      `tabs { field label count }` of 100 accounts (the tab bar with its badges)

For each it prints the SQL statements per request (counted on the app's engine), the rows and
fields of the response, the median and p95 latency and the response size, then checks that the
statements do not grow with the number of parents (the same query for 1, 10 and 100 accounts).
Any GraphQL error in any response stops the run (exit 1); statements that grow give exit 3.

    .venv/bin/python bench/run.py                          # SQLite, 2000 accounts
    .venv/bin/python bench/run.py --database both --json   # machine-readable
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import time
from pathlib import Path
from typing import Any

PROJECT_DIR = Path(__file__).resolve().parent.parent
if str(PROJECT_DIR) not in sys.path:
    sys.path.insert(0, str(PROJECT_DIR))

import httpx  # noqa: E402
from sqlalchemy.ext.asyncio import AsyncEngine  # noqa: E402

from bench.common import BenchError, is_database_name, log  # noqa: E402
from bench.run_client import Client, StatementCounter  # noqa: E402
from bench.run_report import grows, table, to_json  # noqa: E402
from bench.run_scenarios import run_scenarios  # noqa: E402
from bench.scratch import DEFAULT_PG_URL, for_each_database, migrate_database, seed_database  # noqa: E402
from service.app import create_app  # noqa: E402
from service.settings import Settings  # noqa: E402


async def bench_database(kind: str, url: str, args: argparse.Namespace) -> dict[str, Any]:
    """Migrate, seed and measure one fresh database."""
    from models import Scope
    from service.auth import create_token
    from service.seed import database_is_empty

    log(f"{kind}: migrating a fresh database, seeding {args.accounts} accounts, measuring ...")
    start = time.perf_counter()
    await migrate_database(url)
    migrate_s = time.perf_counter() - start
    app = create_app(Settings(database_url=url, graphiql=False))
    engine: AsyncEngine = app.state.engine
    try:
        if not await database_is_empty(engine):
            raise BenchError(f"{kind}: the fresh database is not empty")
        start = time.perf_counter()
        report = await seed_database(engine, kind, args)
        seed_s = time.perf_counter() - start
        log(f"  seeded in {seed_s:.1f} s: {str(report).strip()}")
        token = await create_token(engine, "bench", {Scope.READ})
        counter = StatementCounter(engine)
        transport = httpx.ASGITransport(app=app)
        headers = {"Authorization": f"Bearer {token}"}
        async with httpx.AsyncClient(transport=transport, base_url="http://127.0.0.1", headers=headers) as http:
            results = await run_scenarios(Client(http, counter), args, args.accounts)
    finally:
        await engine.dispose()
    return {"database": kind, "accounts": args.accounts, "seed": args.seed, "migrate_s": round(migrate_s, 2),
            "seed_s": round(seed_s, 2), **results}


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="bench/run.py",
        description="Benchmark crmgraph on a fresh, seeded database: statements, rows, latency, size.",
    )
    parser.add_argument("--database", choices=("sqlite", "postgresql", "both"), default="sqlite",
                        help="which database to measure (default sqlite)")
    parser.add_argument("--accounts", type=int, default=2000, help="demo accounts to seed (default 2000)")
    parser.add_argument("--requests", type=int, default=50,
                        help="measured repeats per scenario, after the warm-up (default 50); a repeat of a pull "
                             "is every page of it")
    parser.add_argument("--warmup", type=int, default=3, help="unmeasured repeats first (default 3)")
    parser.add_argument("--seed", type=int, default=1, help="random seed of the demo data (default 1)")
    parser.add_argument("--pg-url", default=DEFAULT_PG_URL,
                        help=f"maintenance connection used to create the scratch database (default {DEFAULT_PG_URL})")
    parser.add_argument("--pg-database", default="crmgraph_bench",
                        help="name of the scratch PostgreSQL database, dropped and created anew (default crmgraph_bench)")
    parser.add_argument("--json", action="store_true", help="print JSON instead of the table")
    args = parser.parse_args(argv)
    if args.accounts < 1 or args.requests < 1 or args.warmup < 0:
        parser.error("--accounts and --requests must be at least 1, --warmup at least 0")
    if not is_database_name(args.pg_database):
        parser.error("--pg-database must be a plain lower-case identifier")
    return args


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    try:
        results = asyncio.run(for_each_database(args, lambda kind, url: bench_database(kind, url, args)))
    except BenchError as error:
        log(f"FAILED: {error}")
        return 1
    if args.json:
        print(to_json(results))
    else:
        print("\n".join(table(r, args) for r in results), end="")
    growing = grows(results)
    if growing:
        log("statement count is not constant: " + "; ".join(growing))
        return 3
    return 0


if __name__ == "__main__":
    sys.exit(main())
