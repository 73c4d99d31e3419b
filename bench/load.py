"""Load and fault benchmark of a real server: are writes ever lost or doubled, are failures retryable,
does a cheap request stay quick among expensive ones (issue 9).

For each database asked for, it makes a fresh one (a temporary SQLite file; a scratch PostgreSQL
database, dropped at the end), migrates it, seeds a small demo (`service.seed.seed_demo`), makes a
write token (`crmgraph token create`), starts `crmgraph serve --workers 2` on a free port of
127.0.0.1 and speaks HTTP to it with httpx (127.0.0.1 only). The scenarios, bounded in count and time:

  1  two orders per request   80 concurrent requests, each one document with two aliased
                              `addPurchaseOrder` (a:, b:); orders acknowledged must equal orders stored
  2  50 concurrent writers    50 concurrent single `addPurchaseOrder`; every failure must be a
                              SERVICE_BUSY answered 503 with Retry-After (never INTERNAL_SERVER_ERROR)
  3  cheap among expensive    `account(id:) { name }` one at a time, idle and while 16 expensive
                              queries run in a loop (sent by a process of its own): its p50 / p95 / max
  4  idempotent retries       20 orders, each sent twice at once with the same Idempotency-Key:
                              one order stored per key, and both answers carry its id

Orders are counted straight from the database (SQLAlchemy), each tagged with a unique subject, so a
lost, doubled or unacknowledged order is named. Exit status: 0 every check held; 1 the run could not
be made; 2 a check failed (printed on stderr).

    .venv/bin/python bench/load.py                         # SQLite, then PostgreSQL
    .venv/bin/python bench/load.py --database sqlite --json
"""

from __future__ import annotations

import argparse
import asyncio
import json
import re
import shutil
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

PROJECT_DIR = Path(__file__).resolve().parent.parent
if str(PROJECT_DIR) not in sys.path:
    sys.path.insert(0, str(PROJECT_DIR))

import httpx  # noqa: E402

from bench.common import BenchError, is_database_name, log  # noqa: E402
from bench.load_cheap import cheap_among_expensive  # noqa: E402
from bench.load_http import HTTP_TIMEOUT  # noqa: E402
from bench.load_orders import OrderCount, look_up_world  # noqa: E402
from bench.load_report import failed_checks, table  # noqa: E402
from bench.load_writes import concurrent_writers, idempotent_retries, two_orders_per_request  # noqa: E402
from bench.scratch import DEFAULT_PG_URL, for_each_database, migrate_database, seed_database  # noqa: E402
from bench.server import CRMGRAPH, Server, create_token, crmgraph_server  # noqa: E402
from service.db import create_engine  # noqa: E402
from service.settings import Settings  # noqa: E402

WORKERS = 2


def pool_settings() -> dict[str, int]:
    """The pool and deadline the server takes from the bench's environment (CRMGRAPH_*)."""
    settings = Settings.from_env()
    return {
        "size": settings.pool_size,
        "overflow": settings.pool_overflow,
        "timeout_ms": settings.pool_timeout_ms,
        "request_timeout_ms": settings.request_timeout_ms,
    }


async def run_scenarios(server: Server, count: OrderCount, duration: float) -> dict[str, Any]:
    """The four scenarios against a running server, one after the other: each one's result by its key."""
    limits = httpx.Limits(max_connections=200, max_keepalive_connections=200)
    headers = {"Authorization": f"Bearer {server.token}"}
    async with httpx.AsyncClient(
        base_url=server.base, trust_env=False, timeout=HTTP_TIMEOUT, limits=limits, headers=headers
    ) as http:
        world = await look_up_world(http)
        scenarios = (
            ("two_orders_per_request", "1", lambda: two_orders_per_request(http, world, count)),
            ("concurrent_writers", "2", lambda: concurrent_writers(http, world, count)),
            ("cheap_among_expensive", "3", lambda: cheap_among_expensive(http, world, duration, server.pid)),
            ("idempotent_retries", "4", lambda: idempotent_retries(http, world, count)),
        )
        results = {}
        for key, name, run in scenarios:
            start = time.perf_counter()
            results[key] = await run()
            log(f"  scenario {name} done in {time.perf_counter() - start:.1f} s")
    return results


async def load_database(kind: str, url: str, args: argparse.Namespace, logs: Path) -> dict[str, Any]:
    """Migrate and seed one fresh database, serve it, run the four scenarios, stop the server."""
    log(f"{kind}: migrating a fresh database, seeding {args.accounts} accounts ...")
    await migrate_database(url)
    engine = create_engine(url)
    try:
        await seed_database(engine, kind, args)
        token = await asyncio.to_thread(create_token, url, "bench", "write")
        result: dict[str, Any] = {"database": kind, "accounts": args.accounts, "workers": WORKERS,
                                  "pool": pool_settings()}
        server = crmgraph_server(f"server-{kind}", url, WORKERS, logs, token)
        try:
            server.start()
            await asyncio.to_thread(server.wait_ready)
            log(f"  serving on {server.base} (`crmgraph serve`, pid {server.pid}); running the scenarios ...")
            result.update(await run_scenarios(server, OrderCount(engine), args.duration))
        finally:
            server.stop()
        result["server_log"] = server_log_errors(server.log_path)
        return result
    finally:
        await engine.dispose()


def server_log_errors(log_path: Path) -> dict[str, Any]:
    """Tracebacks and ERROR lines the server wrote: a masked failure shows here even when the answer hid it."""
    text = log_path.read_text(errors="replace")
    errors = [line for line in text.splitlines() if re.search(r"\bERROR\b|Traceback", line)]
    return {
        "tracebacks": text.count("Traceback (most recent call last)"),
        "error_lines": len(errors),
        "first_error_lines": errors[:5],
    }


async def bench(args: argparse.Namespace) -> list[dict[str, Any]]:
    """Each database asked for, one after the other; the servers' logs kept with --keep-logs."""
    logs = Path(tempfile.mkdtemp(prefix="crmgraph-load-logs-"))
    try:
        return await for_each_database(args, lambda kind, url: load_database(kind, url, args, logs))
    finally:
        if args.keep_logs:
            log(f"server logs kept in {logs}")
        else:
            shutil.rmtree(logs, ignore_errors=True)


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="bench/load.py",
        description="Load and fault benchmark against a real `crmgraph serve --workers 2` on 127.0.0.1.",
    )
    parser.add_argument(
        "--database",
        choices=("sqlite", "postgresql", "both"),
        default="both",
        help="which database to run on (default both)",
    )
    parser.add_argument("--accounts", type=int, default=200, help="demo accounts to seed (default 200)")
    parser.add_argument(
        "--duration",
        type=float,
        default=10.0,
        help="seconds the expensive queries run in scenario 3 (default 10, at most 60)",
    )
    parser.add_argument("--seed", type=int, default=1, help="random seed of the demo data (default 1)")
    parser.add_argument(
        "--pg-url",
        default=DEFAULT_PG_URL,
        help=f"maintenance connection used to create the scratch database (default {DEFAULT_PG_URL})",
    )
    parser.add_argument(
        "--pg-database",
        default="crmgraph_load",
        help="name of the scratch PostgreSQL database, dropped and created anew (default crmgraph_load)",
    )
    parser.add_argument("--keep-logs", action="store_true", help="keep the servers' logs (their directory is printed)")
    parser.add_argument("--json", action="store_true", help="print JSON instead of the table")
    args = parser.parse_args(argv)
    if args.accounts < 1 or not 1 <= args.duration <= 60:
        parser.error("--accounts must be at least 1, --duration between 1 and 60 seconds")
    if not is_database_name(args.pg_database):
        parser.error("--pg-database must be a plain lower-case identifier")
    if not CRMGRAPH.exists():
        parser.error(f"{CRMGRAPH} is missing: `make test` or `make run` creates the virtualenv first")
    return args


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    try:
        results = asyncio.run(bench(args))
    except BenchError as error:
        log(f"FAILED: {error}")
        return 1
    if args.json:
        print(json.dumps({"databases": results}, indent=2, ensure_ascii=False))
    else:
        print("\n".join(table(r) for r in results), end="")
    failed = failed_checks(results)
    if failed:
        log("checks that failed: " + "; ".join(failed))
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
