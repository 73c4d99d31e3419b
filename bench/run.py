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
import gc
import json
import math
import re
import statistics
import sys
import time
from collections.abc import Awaitable, Callable
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

PROJECT_DIR = Path(__file__).resolve().parent.parent
if str(PROJECT_DIR) not in sys.path:
    sys.path.insert(0, str(PROJECT_DIR))

import httpx  # noqa: E402
import sqlalchemy as sa  # noqa: E402
from sqlalchemy import event  # noqa: E402
from sqlalchemy.engine import make_url  # noqa: E402
from sqlalchemy.ext.asyncio import AsyncEngine  # noqa: E402

from bench.scratch import DATABASES, DEFAULT_PG_URL, BenchError, Unreachable  # noqa: E402
from service.app import create_app  # noqa: E402
from service.migrate import migrate  # noqa: E402
from service.settings import Settings  # noqa: E402

PAGE = 100  # accounts per request of the BI pull and of the tabs scenario (the API's maximum)
TAB_PAGE_TABS = ("invoices", "contacts", "quotes", "cases", "addresses")
PICK_SCAN = 500  # accounts scanned to pick the one for the tab page

TAB_PAGE_QUERY = """
query TabPage($id: ID!) {
  account(id: $id) {
    id accountNo name rfc
    invoices(first: 20) {
      totalCount pageInfo { hasNextPage endCursor }
      edges { cursor node { id serie folio date status total balance currency } }
    }
    contacts(first: 20) { totalCount nodes { id firstName lastName title email phone } }
    quotes(first: 20) { totalCount nodes { id number subject date stage total } }
    cases(first: 20) { totalCount nodes { id caseNo title status priority openedAt } }
    addresses(first: 20) { totalCount nodes { id kind street city state postalCode } }
  }
}"""

BI_PULL_QUERY = """
query BiPull($first: Int!, $after: String) {
  accounts(first: $first, after: $after) {
    pageInfo { hasNextPage endCursor }
    nodes {
      id accountNo name rfc
      invoices(first: 10) { nodes { id folio date status total balance } }
      contacts(first: 10) { nodes { id firstName lastName email } }
      cases(first: 10) { nodes { id caseNo title status } }
    }
  }
}"""

TABS_QUERY = """
query Tabs($first: Int!) {
  accounts(first: $first) { nodes { id name tabs { field label count } } }
}"""

PICK_QUERY = """
query Pick($after: String) {
  accounts(first: 100, after: $after) {
    pageInfo { hasNextPage endCursor }
    nodes { id tabs { field count } }
  }
}"""




# --- one request ----------------------------------------------------------------------------------


@dataclass
class Sample:
    """One request: what it cost and how much it returned (numbers only: responses are not kept,
    so the measured process does not grow with the number of requests)."""

    ms: float
    statements: int
    size: int  # bytes of the response body
    rows: int  # objects inside lists of the response
    fields: int  # scalar leaves of the response


class StatementCounter:
    """Counts the statements the engine sends to the database (`before_cursor_execute`), except
    the token check every request makes (one indexed lookup, whatever the query)."""

    def __init__(self, engine: AsyncEngine) -> None:
        self.count = 0
        event.listen(engine.sync_engine, "before_cursor_execute", self._count)

    def _count(self, _connection: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        if "FROM api_token" not in statement:
            self.count += 1

    def take(self) -> int:
        count, self.count = self.count, 0
        return count


class Client:
    """POSTs GraphQL to the in-process app, one request at a time, and checks every response."""

    def __init__(self, http: httpx.AsyncClient, counter: StatementCounter) -> None:
        self.http, self.counter = http, counter

    async def post(self, name: str, query: str, variables: dict[str, Any]) -> tuple[Sample, dict[str, Any]]:
        """The request's figures and the response's `data`."""
        self.counter.take()
        start = time.perf_counter()
        response = await self.http.post("/graphql", json={"query": query, "variables": variables})
        ms = (time.perf_counter() - start) * 1000
        statements = self.counter.take()
        data = checked_data(name, variables, response)
        return Sample(ms, statements, len(response.content), count_rows(data), count_fields(data)), data


def checked_data(name: str, variables: dict[str, Any], response: httpx.Response) -> dict[str, Any]:
    """The `data` of a response, or BenchError when it has errors or is not GraphQL at all."""
    try:
        body = response.json()
    except ValueError:
        raise BenchError(f"{name}: HTTP {response.status_code}, not JSON: {response.text[:500]}") from None
    errors = body.get("errors") if isinstance(body, dict) else None
    if response.status_code != 200 or errors or not isinstance(body.get("data"), dict):
        detail = json.dumps(errors if errors else body, ensure_ascii=False)[:2000]
        raise BenchError(f"{name} {json.dumps(variables)}: HTTP {response.status_code}, errors: {detail}")
    return body["data"]


def count_rows(value: Any) -> int:
    """Objects that are elements of lists (accounts, tab rows, edges, tabs), at any depth."""
    if isinstance(value, dict):
        return sum(count_rows(v) for v in value.values())
    if isinstance(value, list):
        return sum((1 if isinstance(v, dict) else 0) + count_rows(v) for v in value)
    return 0


def count_fields(value: Any) -> int:
    """Scalar values (nulls included) anywhere in the response."""
    if isinstance(value, dict):
        return sum(count_fields(v) for v in value.values())
    if isinstance(value, list):
        return sum(count_fields(v) for v in value)
    return 1


# --- the scenarios --------------------------------------------------------------------------------


@dataclass
class Row:
    """One line of the table: a scenario measured per request or per pull."""

    scenario: str
    unit: str  # "request" or "pull"
    parents: int  # accounts one unit touches
    n: int  # units measured
    statements_min: int
    statements_max: int
    statements_per_parent: float
    rows: int  # per unit (mean when units differ)
    fields: int
    median_ms: float
    p95_ms: float
    kb: float


def summarize(scenario: str, unit: str, parents: int, units: list[list[Sample]]) -> Row:
    """Each unit is the requests it took (one, or the pages of a pull); figures are per unit."""
    statements = [sum(s.statements for s in u) for u in units]
    ms = sorted(sum(s.ms for s in u) for u in units)
    return Row(
        scenario=scenario,
        unit=unit,
        parents=parents,
        n=len(units),
        statements_min=min(statements),
        statements_max=max(statements),
        statements_per_parent=round(max(statements) / parents, 4),
        rows=round(statistics.mean(sum(s.rows for s in u) for u in units)),
        fields=round(statistics.mean(sum(s.fields for s in u) for u in units)),
        median_ms=round(statistics.median(ms), 2),
        p95_ms=round(ms[max(0, math.ceil(0.95 * len(ms)) - 1)], 2),
        kb=round(statistics.mean(sum(s.size for s in u) for u in units) / 1024, 1),
    )


async def repeat(run_once: Callable[[], Awaitable[list[Sample]]], warmup: int, times: int) -> list[list[Sample]]:
    gc.collect()  # every scenario starts from a collected heap, not with the last one's garbage
    for _ in range(warmup):
        await run_once()
    return [await run_once() for _ in range(times)]


async def pick_account(client: Client) -> tuple[str, dict[str, int]]:
    """The account, among the first PICK_SCAN, with the most rows to show in the tab-page tabs."""
    best: tuple[int, str, dict[str, int]] | None = None
    after = None
    for _ in range(math.ceil(PICK_SCAN / 100)):
        data = (await client.post("pick account", PICK_QUERY, {"after": after}))[1]["accounts"]
        for node in data["nodes"]:
            counts = {t["field"]: t["count"] for t in node["tabs"] if t["field"] in TAB_PAGE_TABS}
            score = sum(min(c, 20) for c in counts.values())
            if best is None or score > best[0]:
                best = (score, node["id"], counts)
        if not data["pageInfo"]["hasNextPage"]:
            break
        after = data["pageInfo"]["endCursor"]
    if best is None or best[0] == 0:
        raise BenchError(f"no account among the first {PICK_SCAN} has rows in {', '.join(TAB_PAGE_TABS)}")
    return best[1], best[2]


async def tab_page(client: Client, account_id: str) -> list[Sample]:
    sample, data = await client.post("a tab page", TAB_PAGE_QUERY, {"id": account_id})
    if data["account"] is None:
        raise BenchError(f"a tab page: account {account_id} not found")
    return [sample]


async def bi_pull(client: Client, accounts: int) -> list[Sample]:
    """Pages of up to 100 accounts, each after the last one's endCursor, until `accounts` are read."""
    samples: list[Sample] = []
    after, read = None, 0
    for _ in range(math.ceil(accounts / PAGE)):
        first = min(PAGE, accounts - read)
        sample, data = await client.post("b BI pull", BI_PULL_QUERY, {"first": first, "after": after})
        samples.append(sample)
        page = data["accounts"]
        read += len(page["nodes"])
        after = page["pageInfo"]["endCursor"]
        if not page["pageInfo"]["hasNextPage"]:
            break
    if read != accounts:
        raise BenchError(f"b BI pull: read {read} accounts, expected {accounts}")
    return samples


async def tabs(client: Client, accounts: int) -> list[Sample]:
    sample, data = await client.post("c tabs", TABS_QUERY, {"first": accounts})
    if len(data["accounts"]["nodes"]) != accounts:
        raise BenchError(f"c tabs: got {len(data['accounts']['nodes'])} accounts, expected {accounts}")
    return [sample]


async def statement_scaling(client: Client, accounts: int) -> dict[str, dict[int, int]]:
    """Statements of the same query shape for 1, 10 and 100 parents: must be one number each."""
    sizes = sorted({1, min(10, accounts), min(PAGE, accounts)})
    out: dict[str, dict[int, int]] = {"b": {}, "c": {}}
    for size in sizes:
        out["b"][size] = (await client.post("b scaling", BI_PULL_QUERY, {"first": size, "after": None}))[0].statements
        out["c"][size] = (await client.post("c scaling", TABS_QUERY, {"first": size}))[0].statements
    return out


async def run_scenarios(client: Client, args: argparse.Namespace, accounts: int) -> dict[str, Any]:
    account_id, counts = await pick_account(client)
    log(f"  tab page account {account_id}: {counts}")
    rows: list[Row] = []

    units = await repeat(lambda: tab_page(client, account_id), args.warmup, args.requests)
    rows.append(summarize("a tab page, 5 tabs", "request", 1, units))

    for size in sorted({min(PAGE, accounts), min(500, accounts)}):
        units = await repeat(lambda size=size: bi_pull(client, size), args.warmup, args.requests)
        requests = [[s] for u in units for s in u]
        per_request = round(size / len(units[0]))  # 100, less when the last page is partial
        rows.append(summarize(f"b BI pull, {size} accounts", "request", per_request, requests))
        if len(units[0]) > 1:
            rows.append(summarize(f"b BI pull, {size} accounts", "pull", size, units))

    size = min(PAGE, accounts)
    units = await repeat(lambda: tabs(client, size), args.warmup, args.requests)
    rows.append(summarize(f"c tabs, {size} accounts", "request", size, units))

    scaling = await statement_scaling(client, accounts)
    return {"tab_page_account": account_id, "tab_page_counts": counts, "rows": rows, "scaling": scaling}


# --- databases ------------------------------------------------------------------------------------




async def bench_database(kind: str, url: str, args: argparse.Namespace) -> dict[str, Any]:
    """Migrate, seed and measure one fresh database."""
    from models import Scope
    from service.auth import create_token
    from service.seed import database_is_empty, seed_demo

    log(f"{kind}: migrating a fresh database, seeding {args.accounts} accounts, measuring ...")
    start = time.perf_counter()
    await asyncio.to_thread(migrate, url)
    migrate_s = time.perf_counter() - start
    app = create_app(Settings(database_url=url, graphiql=False))
    engine: AsyncEngine = app.state.engine
    try:
        if not await database_is_empty(engine):
            raise BenchError(f"{kind}: the fresh database is not empty")
        start = time.perf_counter()
        report = await seed_demo(engine, accounts=args.accounts, seed=args.seed)
        seed_s = time.perf_counter() - start
        log(f"  seeded in {seed_s:.1f} s: {str(report).strip()}")
        if kind == "postgresql":  # a fresh database has no planner statistics until autovacuum runs
            async with engine.connect() as connection:
                await connection.execute(sa.text("ANALYZE"))
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


async def bench(args: argparse.Namespace) -> list[dict[str, Any]]:
    kinds = ["sqlite", "postgresql"] if args.database == "both" else [args.database]
    results = []
    for kind in kinds:
        try:
            async with DATABASES[kind](args) as url:
                results.append(await bench_database(kind, url, args))
        except Unreachable as error:
            log(f"{kind}: not reachable at {make_url(args.pg_url).render_as_string()}: skipped ({error})")
            results.append({"database": kind, "skipped": str(error)})
    return results


# --- output ---------------------------------------------------------------------------------------

COLUMNS = (  # header, width, how to show a Row
    ("scenario", -30, lambda r: r.scenario),
    ("unit", -7, lambda r: r.unit),
    ("parents", 7, lambda r: r.parents),
    ("n", 4, lambda r: r.n),
    ("stmts", 6, lambda r: r.statements_max if r.statements_min == r.statements_max
     else f"{r.statements_min}-{r.statements_max}"),
    ("stmts/parent", 12, lambda r: f"{r.statements_per_parent:.3f}"),
    ("rows", 6, lambda r: r.rows),
    ("fields", 7, lambda r: r.fields),
    ("median ms", 9, lambda r: f"{r.median_ms:.1f}"),
    ("p95 ms", 8, lambda r: f"{r.p95_ms:.1f}"),
    ("KB", 7, lambda r: f"{r.kb:.1f}"),
)


def table(result: dict[str, Any], args: argparse.Namespace) -> str:
    if "skipped" in result:
        return f"{result['database']}: skipped, {result['skipped']}\n"
    lines = [
        f"{result['database']}: {result['accounts']} accounts (seed {result['seed']}), migrate {result['migrate_s']:.1f} s,"
        f" seed {result['seed_s']:.1f} s; {args.requests} measured after {args.warmup} warm-up per scenario",
        "  ".join(f"{h:>{w}}" if w > 0 else f"{h:<{-w}}" for h, w, _ in COLUMNS),
    ]
    for row in result["rows"]:
        lines.append("  ".join(f"{str(f(row)):>{w}}" if w > 0 else f"{str(f(row)):<{-w}}" for _, w, f in COLUMNS))
    for name, by_size in result["scaling"].items():
        sizes = " / ".join(str(s) for s in by_size)
        counts = " / ".join(str(c) for c in by_size.values())
        verdict = "constant" if len(set(by_size.values())) == 1 else "GROWS WITH PARENTS"
        lines.append(f"statements of {name} for {sizes} accounts: {counts}  ({verdict})")
    return "\n".join(lines) + "\n"


def grows(results: list[dict[str, Any]]) -> list[str]:
    """Scenarios whose statements changed with the number of parents, or between repeats."""
    found = []
    for result in results:
        for name, by_size in result.get("scaling", {}).items():
            if len(set(by_size.values())) > 1:
                found.append(f"{result['database']} {name}: {by_size}")
        for row in result.get("rows", []):
            if row.statements_min != row.statements_max:
                found.append(f"{result['database']} {row.scenario} ({row.unit}): {row.statements_min}-{row.statements_max}")
    return found


def to_json(results: list[dict[str, Any]]) -> str:
    def plain(result: dict[str, Any]) -> dict[str, Any]:
        out = dict(result)
        if "rows" in out:
            out["rows"] = [asdict(r) for r in out["rows"]]
            out["scaling"] = {k: {str(s): c for s, c in v.items()} for k, v in out["scaling"].items()}
        return out

    return json.dumps({"databases": [plain(r) for r in results]}, indent=2, ensure_ascii=False)


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


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
    if not re.fullmatch(r"[a-z_][a-z0-9_]{0,62}", args.pg_database):
        parser.error("--pg-database must be a plain lower-case identifier")
    return args


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    try:
        results = asyncio.run(bench(args))
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
