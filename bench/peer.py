"""crmgraph against PostGraphile 5 on one PostgreSQL database, in one interleaved run (issue 10).

It makes a scratch database (migrated, seeded, analyzed), adds an account with 100,000 invoices and
one with 10, starts `crmgraph serve` and PostGraphile (the harness's `start-postgraphile.sh`) on it,
checks that every crm/pgl pair of queries answers the same data, and then drives the harness's
`latency.py` and `count_sql.py` for: p50 latency per shape, 8-client throughput, one worker vs two,
SQL statements per request, and the big account vs the small one. It ends with one summary table.

The harness (`--harness`, default ../shared/peers/postgraphile) is only called and read at run
time; nothing of it lives here. It needs `npm ci` once.

    .venv/bin/python bench/peer.py                  # about 5 minutes
    .venv/bin/python bench/peer.py --quick --reuse  # a smoke run on the database of the last run
"""

from __future__ import annotations

import argparse
import json
import shutil
import signal
import sys
import tempfile
import time
from pathlib import Path

PROJECT_DIR = Path(__file__).resolve().parent.parent
if str(PROJECT_DIR) not in sys.path:
    sys.path.insert(0, str(PROJECT_DIR))

import asyncpg  # noqa: E402

from bench.common import BenchError, is_database_name  # noqa: E402
from bench.peer_database import (  # noqa: E402
    add_invoiced_accounts,
    database_exists,
    database_url,
    prepare_database,
    run_sql,
)
from bench.peer_harness import Harness, pgl_server  # noqa: E402
from bench.peer_measure import (  # noqa: E402
    Figures,
    check_same_data,
    count_statements,
    measure_big_small,
    measure_latency,
    measure_throughput,
    measure_workers,
)
from bench.peer_report import print_summary  # noqa: E402
from bench.peer_shapes import BIG_INVOICES, SMALL_INVOICES, Shape, compared_shapes, invoice_shapes  # noqa: E402
from bench.server import create_token, crmgraph_server, run_crmgraph  # noqa: E402

DEFAULT_HARNESS = PROJECT_DIR.parent / "shared" / "peers" / "postgraphile"


def run(args: argparse.Namespace, figures: Figures, logs: Path) -> tuple[list[Shape], list[Shape]]:
    """Every step, servers stopped whatever happens; the shapes compared and the big/small pair."""
    harness = Harness(args.harness)
    url = database_url(args.pg_database)
    print("== 1. database")
    if database_exists(args.pg_database):  # a run stopped in step 8 may have left statement logging on
        run_sql("postgres", f'ALTER DATABASE "{args.pg_database}" RESET log_statement')
    prepare_database(args)
    big, small = add_invoiced_accounts(args.pg_database)
    print(f"accounts {big} ({BIG_INVOICES:,} invoices) and {small} ({SMALL_INVOICES} invoices) ready")
    run_crmgraph(url, "token", "revoke", "peer", check=False)  # none to revoke: fine
    token = create_token(url, "peer", "read")
    compared, invoices = compared_shapes(args.harness), invoice_shapes(big, small)
    figures.database = {"name": args.pg_database, "accounts": args.accounts, "seed": args.seed, "big_account": big,
                        "small_account": small, "crm": "1 worker", "clients": args.clients}

    crm, pgl = crmgraph_server("crm_1w", url, 1, logs, token), pgl_server(args.harness, args.pg_database, logs)
    two = crmgraph_server("crm_2w", url, 2, logs, token)
    servers = [crm, pgl, two]
    try:
        print("\n== 2. servers")
        for server in (crm, pgl):
            server.start()
        for server in (crm, pgl):
            server.wait_ready()
            print(f"  {server.name} at {server.url}")
        print("\n== 3. same data, one request of each pair")
        check_same_data(compared + invoices, crm, pgl, figures)
        print("\n== 4. latency, interleaved pgl/crm")
        measure_latency(args, harness, compared, crm, pgl, figures)
        print(f"\n== 5. big vs small account: {BIG_INVOICES:,} invoices vs {SMALL_INVOICES}, interleaved")
        measure_big_small(args, harness, invoices, crm, pgl, figures)
        print("\n== 6. throughput, blocks alternate pgl/crm")
        measure_throughput(args, harness, [compared[0], compared[2]], crm, pgl, figures)
        print("\n== 7. one worker vs two workers, both servers up, interleaved")
        two.start()
        two.wait_ready()
        measure_workers(args, harness, compared[0], crm, two, figures)
        two.stop()
        print("\n== 8. SQL statements per request")
        count_statements(args, harness, compared + invoices, [crm, pgl], figures)
    finally:
        for server in servers:
            server.stop()
        figures.errors.extend(harness.errors)
    return compared, invoices


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--harness", type=Path, default=DEFAULT_HARNESS,
                        help="the PostGraphile harness, with node_modules (default: %(default)s)")
    parser.add_argument("--pg-database", default="crm_peer", help="scratch database on 127.0.0.1 (dropped, made)")
    parser.add_argument("--accounts", type=int, default=2000, help="demo accounts to seed")
    parser.add_argument("--seed", type=int, default=1, help="random seed of the demo data")
    parser.add_argument("--reuse", action="store_true", help="keep the database when it exists (no new seed)")
    parser.add_argument("-n", "--requests", type=int, default=200, help="measured requests per target and shape")
    parser.add_argument("-w", "--warmup", type=int, default=20, help="warm-up requests per target")
    parser.add_argument("--bi-requests", type=int, default=40, help="measured requests of the BI pages")
    parser.add_argument("-c", "--clients", type=int, default=8, help="concurrent clients of the throughput runs")
    parser.add_argument("-d", "--duration", type=float, default=10, help="seconds per throughput block")
    parser.add_argument("--rounds", type=int, default=3, help="throughput blocks per target")
    parser.add_argument("--quick", action="store_true", help="a smoke run: few requests, short blocks")
    parser.add_argument("--json", type=Path, help="also write the figures to this file")
    args = parser.parse_args(argv)
    if not is_database_name(args.pg_database):
        parser.error("--pg-database: lower-case letters, digits and _ only")
    if args.quick:
        args.requests, args.warmup, args.bi_requests = 20, 3, 5
        args.duration, args.rounds = 2, 1
    args.harness = args.harness.resolve()
    return args


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    if not (args.harness / "node_modules").is_dir():
        print(f"{args.harness}/node_modules is missing: run `npm ci` there once, or pass --harness with a copy "
              f"that has it", file=sys.stderr)
        return 2
    sys.stdout.reconfigure(line_buffering=True)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))  # stop the servers on the way out
    figures, started = Figures(), time.perf_counter()
    logs = Path(tempfile.mkdtemp(prefix="crmgraph-peer-"))
    try:
        compared, invoices = run(args, figures, logs)
    except (BenchError, OSError, asyncpg.PostgresError) as error:
        print(f"\nthe run stopped: {error}\nserver logs: {logs}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print(f"\ninterrupted; server logs: {logs}", file=sys.stderr)
        return 130
    print_summary(figures, compared, invoices)
    print(f"\nran in {time.perf_counter() - started:.0f} s")
    if args.json:
        args.json.write_text(json.dumps(figures.__dict__, indent=2, default=str) + "\n")
    if figures.errors:
        print(f"server logs: {logs}")
        return 1
    shutil.rmtree(logs, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
