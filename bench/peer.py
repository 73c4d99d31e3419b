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
import asyncio
import base64
import datetime as dt
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field, replace
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

import asyncpg

PROJECT_DIR = Path(__file__).resolve().parent.parent
QUERIES = PROJECT_DIR / "bench" / "peer_queries"
DEFAULT_HARNESS = PROJECT_DIR.parent / "shared" / "peers" / "postgraphile"
CRMGRAPH = Path(sys.executable).parent / "crmgraph"
PG_HOST, PG_PORT, PG_USER = "127.0.0.1", 5432, "postgres"

#: The account and contact the harness's queries are written for (seed 1, 2000 accounts): rows in every tab asked for.
ACCOUNT_PK, CONTACT_PK = 1854, 4631
BIG_INVOICES, SMALL_INVOICES = 100_000, 10
LATENCY_TARGET, THROUGHPUT_TARGET, BIG_SMALL_TARGET = 1.5, 0.7, 2.0


class BenchError(Exception):
    """The run cannot go on: a server that does not start, a harness that is missing or fails."""


def global_id(type_name: str, pk: int) -> str:
    """crmgraph's Relay id of a row, as its schema encodes it."""
    return base64.b64encode(f"{type_name}:{pk}".encode()).decode()


def pk_of(global_id_text: str) -> int | str:
    """The primary key a crmgraph id stands for (the text itself when it is no id of ours)."""
    try:
        _, _, pk = base64.b64decode(global_id_text + "=" * (-len(global_id_text) % 4)).decode().partition(":")
        return int(pk)
    except ValueError:
        return global_id_text


# --- shapes ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Shape:
    """One query asked of both servers: crmgraph's document and PostGraphile's, with their variables."""

    name: str
    what: str
    crm: Path
    pgl: Path
    crm_vars: dict[str, Any] | None = None
    pgl_vars: dict[str, Any] | None = None
    heavy: bool = False  #: a BI page: measured with fewer requests


def account_vars(pk: int) -> dict[str, Any]:
    return {"crm_vars": {"id": global_id("Account", pk)}, "pgl_vars": {"id": pk}}


def compared_shapes(harness: Path) -> list[Shape]:
    """The harness's four shapes, then ours: other tabs, another contact screen, another depth."""
    theirs, ours = harness / "queries", QUERIES
    contact = {"crm_vars": {"id": global_id("Contact", CONTACT_PK)}, "pgl_vars": {"id": CONTACT_PK}}
    return [
        Shape("tab", "account + 5 tabs x 20, totalCount (harness)", theirs / "crm_tab.graphql",
              theirs / "pgl_tab.graphql", **account_vars(ACCOUNT_PK)),
        Shape("contact", "contact + 17 tab counts + 20 POs, lines (harness)", theirs / "crm_contact.graphql",
              theirs / "pgl_contact.graphql", **contact),
        Shape("bi", "100 accounts x 3 tabs x 10 (harness)", theirs / "crm_bi.graphql", theirs / "pgl_bi.graphql",
              heavy=True),
        Shape("deep", "50 accounts > 10 contacts > 5 POs > lines (harness)", theirs / "crm_deep.graphql",
              theirs / "pgl_deep.graphql"),
        Shape("tabs2", "account + 5 other tabs x 20, totalCount", ours / "crm_tabs2.graphql",
              ours / "pgl_tabs2.graphql", **account_vars(ACCOUNT_PK)),
        Shape("contact2", "contact + 20 sales orders, lines + 20 cases", ours / "crm_contact2.graphql",
              ours / "pgl_contact2.graphql", **contact),
        Shape("bi2", "100 accounts > 5 contacts > 3 cases", ours / "crm_bi2.graphql", ours / "pgl_bi2.graphql",
              heavy=True),
    ]


#: The invoices tab as the screen shows it (20 rows and totalCount), and its page alone: the count has to read
#: every invoice of the account, the page should read only its 20 rows.
INVOICE_TABS = {"": ("invoices", "invoices tab + totalCount"), "_page": ("invoices_page", "invoices page, no count")}


def invoice_shapes(big: int, small: int) -> list[Shape]:
    """The invoices tab of the 10-invoice account and of the 100,000-invoice one, with and without totalCount."""
    shapes = []
    for suffix, (query, what) in INVOICE_TABS.items():
        crm, pgl = QUERIES / f"crm_{query}.graphql", QUERIES / f"pgl_{query}.graphql"
        shapes += [Shape(f"small{suffix}", f"{what}, {SMALL_INVOICES} inv.", crm, pgl, **account_vars(small)),
                   Shape(f"big{suffix}", f"{what}, {BIG_INVOICES:,} inv.", crm, pgl, **account_vars(big))]
    return shapes


# --- the database ------------------------------------------------------------------------------


async def _connect(database: str) -> asyncpg.Connection:
    return await asyncpg.connect(host=PG_HOST, port=PG_PORT, user=PG_USER, database=database, timeout=10)


def run_sql(database: str, *statements: str) -> None:
    """Run statements one by one outside any transaction (CREATE DATABASE and VACUUM need that)."""

    async def run() -> None:
        connection = await _connect(database)
        try:
            for statement in statements:
                await connection.execute(statement)
        finally:
            await connection.close()

    asyncio.run(run())


def database_exists(name: str) -> bool:
    async def exists() -> bool:
        connection = await _connect("postgres")
        try:
            return bool(await connection.fetchval("SELECT 1 FROM pg_database WHERE datname = $1", name))
        finally:
            await connection.close()

    return asyncio.run(exists())


def crmgraph(env: dict[str, str], *arguments: str) -> str:
    """Run a `crmgraph` command of this venv; its standard output."""
    done = subprocess.run([str(CRMGRAPH), *arguments], env=env, capture_output=True, text=True)
    if done.returncode != 0:
        raise BenchError(f"crmgraph {' '.join(arguments)} failed: {done.stderr.strip() or done.stdout.strip()}")
    return done.stdout


def prepare_database(args: argparse.Namespace, env: dict[str, str]) -> None:
    """A migrated, seeded, analyzed database; kept as it is with --reuse when it exists."""
    name = args.pg_database
    if args.reuse and database_exists(name):
        print(f"reusing database {name} (not seeded again)")
        crmgraph(env, "migrate")
        return
    run_sql("postgres", f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)', f'CREATE DATABASE "{name}"')
    crmgraph(env, "migrate")
    started = time.perf_counter()
    crmgraph(env, "seed", "--accounts", str(args.accounts), "--seed", str(args.seed))
    run_sql(name, "VACUUM ANALYZE")
    print(f"database {name}: migrated, seeded ({args.accounts} accounts, seed {args.seed}) and analyzed "
          f"in {time.perf_counter() - started:.0f} s")


def add_invoiced_accounts(database: str) -> tuple[int, int]:
    """The ids of an account with 100,000 invoices and one with 10, made once (copies of existing rows)."""

    async def add() -> tuple[int, int]:
        connection = await _connect(database)
        try:
            big = await _invoiced_account(connection, "PEER-BIG", BIG_INVOICES)
            small = await _invoiced_account(connection, "PEER-SMALL", SMALL_INVOICES)
            await connection.execute("ANALYZE account; ANALYZE invoice")
            return big, small
        finally:
            await connection.close()

    return asyncio.run(add())


async def _invoiced_account(connection: asyncpg.Connection, account_no: str, invoices: int) -> int:
    """A copy of the first account, under its own number and name, with `invoices` copies of the first invoice
    spread over 1,500 days: every column copied, so the row passes whatever constraints the schema has."""
    pk = await connection.fetchval("SELECT id FROM account WHERE account_no = $1", account_no)
    if pk is not None:
        have = await connection.fetchval("SELECT count(*) FROM invoice WHERE account_id = $1", pk)
        if have != invoices:
            raise BenchError(f"account {account_no} has {have} invoices, not {invoices}: drop the database")
        return pk
    columns = await _columns(connection, "account")
    values = {"account_no": "$1::text", "name": "$2::text"}
    pk = await connection.fetchval(
        f"INSERT INTO account ({', '.join(columns)}) "
        f"SELECT {', '.join(values.get(c.strip(chr(34)), c) for c in columns)} FROM account "
        f"WHERE id = (SELECT min(id) FROM account) RETURNING id",
        account_no, f"ZZ {account_no} {invoices} FACTURAS")
    columns = await _columns(connection, "invoice")
    values = {"account_id": "$1", "contact_id": "NULL", "uuid": "NULL", "folio": "'P' || g",
              "date": 'template."date" - (g % 1500)'}
    await connection.execute(
        f"INSERT INTO invoice ({', '.join(columns)}) "
        f"SELECT {', '.join(values.get(c.strip(chr(34)), f'template.{c}') for c in columns)} "
        f"FROM (SELECT * FROM invoice ORDER BY id LIMIT 1) AS template, generate_series(1, $2::int) AS g",
        pk, invoices)
    return pk


async def _columns(connection: asyncpg.Connection, table: str) -> list[str]:
    """The quoted columns of a table but its id."""
    rows = await connection.fetch(
        "SELECT column_name FROM information_schema.columns WHERE table_schema = 'public' AND table_name = $1 "
        "AND column_name <> 'id' ORDER BY ordinal_position", table)
    return [f'"{row["column_name"]}"' for row in rows]


# --- the servers -------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def post(url: str, query: str, variables: dict[str, Any] | None = None, token: str | None = None) -> dict[str, Any]:
    headers = {"content-type": "application/json"}
    if token:
        headers["authorization"] = f"Bearer {token}"
    body = json.dumps({"query": query, "variables": variables}).encode()
    try:
        with urllib.request.urlopen(urllib.request.Request(url, data=body, headers=headers), timeout=60) as response:
            return json.load(response)
    except urllib.error.HTTPError as error:  # a GraphQL error may come with a 4xx: its body says which
        text = error.read()
        try:
            return json.loads(text)
        except ValueError:
            return {"errors": [{"message": f"HTTP {error.code}: {text[:200]!r}"}]}


@dataclass
class Server:
    """A GraphQL server in its own process group, so that stopping it stops every worker it forked."""

    name: str
    argv: list[str]
    env: dict[str, str]
    port: int
    logs: Path
    token: str | None = None
    process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/graphql"

    def start(self) -> None:
        with open(self.logs / f"{self.name}.log", "ab") as log:
            self.process = subprocess.Popen(self.argv, env=self.env, stdout=log, stderr=subprocess.STDOUT,
                                            stdin=subprocess.DEVNULL, start_new_session=True)

    def wait_ready(self, seconds: float = 120) -> None:
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            if self.process is None or self.process.poll() is not None:
                raise BenchError(f"{self.name} exited at start:\n{self.log_tail()}")
            try:
                if post(self.url, "{ __typename }", token=self.token).get("data"):
                    return
            except OSError:
                pass
            time.sleep(0.3)
        raise BenchError(f"{self.name} did not answer within {seconds:.0f} s:\n{self.log_tail()}")

    def stop(self) -> None:
        if self.process is None or self.process.poll() is not None:
            return
        for sig, patience in ((signal.SIGTERM, 15), (signal.SIGKILL, 5)):
            try:
                os.killpg(self.process.pid, sig)
            except ProcessLookupError:
                return
            try:
                self.process.wait(patience)
                return
            except subprocess.TimeoutExpired:
                continue

    def restart(self) -> None:
        self.stop()
        self.start()
        self.wait_ready()

    def log_tail(self, lines: int = 15) -> str:
        text = (self.logs / f"{self.name}.log").read_text(errors="replace").splitlines()
        return "\n".join("    " + line for line in text[-lines:])


def crm_server(name: str, workers: int, env: dict[str, str], logs: Path, token: str) -> Server:
    port = free_port()
    argv = [str(CRMGRAPH), "serve", "--host", "127.0.0.1", "--port", str(port), "--workers", str(workers),
            "--log-level", "warning"]
    return Server(name, argv, env, port, logs, token)


def pgl_server(harness: Path, database: str, logs: Path) -> Server:
    port = free_port()
    env = {**os.environ, "DATABASE_URL": f"postgres://{PG_USER}@{PG_HOST}:{PG_PORT}/{database}",
           "PGL_SCHEMAS": "public", "PGL_HOST": "127.0.0.1", "PGL_PORT": str(port)}
    return Server("pgl", [str(harness / "start-postgraphile.sh")], env, port, logs)


# --- same data ---------------------------------------------------------------------------------


@dataclass
class Comparison:
    """How two answers compare: values and rows looked at, and the first differences."""

    values: int = 0
    rows: int = 0
    differences: list[str] = field(default_factory=list)
    notes: set[str] = field(default_factory=set)

    def differ(self, path: str, crm: Any, pgl: Any) -> None:
        if len(self.differences) < 5:
            self.differences.append(f"{path or '.'}: crm {json.dumps(crm)[:80]} / pgl {json.dumps(pgl)[:80]}")

    def summary(self) -> str:
        if self.differences:
            return "DIFFERENT: " + "; ".join(self.differences)
        notes = "".join(f"; {note}" for note in sorted(self.notes))
        return f"same data: {self.values:,} values in {self.rows:,} rows (ids decoded, cursors dropped{notes})"


CURSORS = {"cursor", "endCursor"}
LINK_HOP = re.compile(r"^[a-z]\w*By\w+Id$")  # PostGraphile's forward relation: productByProductId
TAB_COUNT = re.compile(r"^t\d\d_")  # a tab badge of the contact screen, aliased in tab order


def compare(crm: Any, pgl: Any, out: Comparison, path: str = "") -> None:
    """Walk crmgraph's answer and PostGraphile's side by side, by crmgraph's keys.

    PostGraphile's differences of form are mapped, not ignored: `rowId` vs the global id, a list as
    `{nodes: [...]}`, a link table as one more object (`productByProductId`), numbers and
    timestamps written differently, and the `tabs` list as aliased `totalCount`s in tab order."""
    if isinstance(crm, dict):
        pgl = _through_link(crm, pgl)
        if not isinstance(pgl, dict):
            out.differ(path, crm, pgl)
            return
        for key, value in crm.items():
            if key in CURSORS:
                continue
            if key == "tabs" and key not in pgl:
                _compare_tabs(value, pgl, out, f"{path}.tabs")
            elif key not in pgl:
                out.differ(f"{path}.{key}", value, "(missing)")
            else:
                compare(value, pgl[key], out, f"{path}.{key}")
    elif isinstance(crm, list):
        if isinstance(pgl, dict) and set(pgl) == {"nodes"}:
            pgl = pgl["nodes"]
        if not isinstance(pgl, list) or len(crm) != len(pgl):
            out.differ(path, f"{len(crm)} rows", pgl if not isinstance(pgl, list) else f"{len(pgl)} rows")
            return
        out.rows += len(crm)
        for index, (mine, theirs) in enumerate(zip(crm, pgl, strict=True)):
            compare(mine, theirs, out, f"{path}[{index}]")
    else:
        out.values += 1
        if not same_value(path.rsplit(".", 1)[-1], crm, pgl):
            out.differ(path, crm, pgl)


def _through_link(crm: dict[str, Any], pgl: Any) -> Any:
    if isinstance(pgl, dict) and len(pgl) == 1:
        (key,) = pgl
        if LINK_HOP.match(key) and key not in crm:
            return pgl[key]
    return pgl


def _compare_tabs(tabs: list[dict[str, Any]], pgl: dict[str, Any], out: Comparison, path: str) -> None:
    counts = [pgl[key]["totalCount"] for key in sorted(k for k in pgl if TAB_COUNT.match(k))]
    out.notes.add("tab labels not compared, their counts in tab order")
    out.rows += len(tabs)
    out.values += len(tabs)
    if [tab.get("count") for tab in tabs] != counts:
        out.differ(path, [tab.get("count") for tab in tabs], counts)


def same_value(key: str, crm: Any, pgl: Any) -> bool:
    if key == "id" and isinstance(crm, str):
        crm = pk_of(crm)
    if crm == pgl:
        return True
    if isinstance(crm, str) and isinstance(pgl, str):
        for parse in (Decimal, dt.datetime.fromisoformat):
            try:
                return parse(crm) == parse(pgl)
            except (InvalidOperation, ValueError):
                continue
    return False


# --- the harness -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Target:
    """One of latency.py's targets: a label, a server and one query with its variables."""

    label: str
    server: Server
    query: Path
    variables: dict[str, Any] | None

    def spec(self) -> list[str]:
        items = ["-t", self.label, self.server.url, str(self.query)]
        if self.server.token:
            items.append(f"Authorization: Bearer {self.server.token}")
        if self.variables is not None:
            items.append("vars=" + json.dumps(self.variables))
        return items


def pair(shape: Shape, crm: Server, pgl: Server) -> list[Target]:
    return [Target(f"pgl_{shape.name}", pgl, shape.pgl, shape.pgl_vars),
            Target(f"crm_{shape.name}", crm, shape.crm, shape.crm_vars)]


@dataclass
class Harness:
    """latency.py and count_sql.py of the PostGraphile harness, run as they are."""

    directory: Path
    errors: list[str] = field(default_factory=list)

    def latency(self, targets: list[Target], requests: int, warmup: int) -> dict[str, dict[str, Any]]:
        return self._run(targets, ["-n", str(requests), "-w", str(warmup)])

    def throughput(self, targets: list[Target], clients: int, seconds: float, rounds: int) -> dict[str, dict[str, Any]]:
        return self._run(targets, ["-c", str(clients), "-d", str(seconds), "--rounds", str(rounds), "-w", "3"])

    def statements(self, database: str, targets: list[Target], warmup: int) -> dict[str, int]:
        arguments = ["--db", database, "--warmup", str(warmup)]
        done = self._call("count_sql.py", arguments + [item for t in targets for item in t.spec()])
        counted = dict(re.findall(r"^(\S+): (\d+) SQL statements", done.stdout, re.MULTILINE))
        if not counted:
            raise BenchError(f"count_sql.py counted nothing: {done.stderr.strip() or done.stdout.strip()}")
        return {label: int(n) for label, n in counted.items()}

    def _run(self, targets: list[Target], arguments: list[str]) -> dict[str, dict[str, Any]]:
        with tempfile.NamedTemporaryFile(suffix=".json") as results:
            self._call("latency.py", arguments + ["--json", results.name] + [i for t in targets for i in t.spec()])
            return {row["label"]: row for row in json.load(open(results.name))}

    def _call(self, script: str, arguments: list[str]) -> subprocess.CompletedProcess[str]:
        done = subprocess.run([sys.executable, str(self.directory / script), *arguments], cwd=self.directory,
                              capture_output=True, text=True, env={**os.environ, "PGHOST": PG_HOST, "PGUSER": PG_USER})
        print("\n".join("    " + line for line in done.stdout.rstrip().splitlines()))
        problems = [line for line in done.stderr.splitlines() if line.startswith("ERROR")]
        self.errors.extend(problems)
        for line in problems:
            print(f"    {line}")
        if done.returncode not in (0, 1) or (done.returncode == 1 and not problems):
            raise BenchError(f"{script} failed ({done.returncode}): {done.stderr.strip()[-800:]}")
        return done


# --- the run -----------------------------------------------------------------------------------


@dataclass
class Figures:
    """Everything the summary prints, and the JSON holds."""

    database: dict[str, Any] = field(default_factory=dict)
    shapes: dict[str, dict[str, Any]] = field(default_factory=dict)
    throughput: dict[str, dict[str, Any]] = field(default_factory=dict)
    workers: dict[str, dict[str, Any]] = field(default_factory=dict)
    big_small: dict[str, dict[str, Any]] = field(default_factory=dict)
    statements_note: str = ""
    errors: list[str] = field(default_factory=list)


def ratio(mine: float | None, theirs: float | None) -> float | None:
    return round(mine / theirs, 2) if mine and theirs else None


def check_same_data(shapes: list[Shape], crm: Server, pgl: Server, figures: Figures) -> None:
    """One request of each pair, compared value by value, before anything is timed."""
    for shape in shapes:
        answers = []
        for server, query, variables in ((crm, shape.crm, shape.crm_vars), (pgl, shape.pgl, shape.pgl_vars)):
            answer = post(server.url, query.read_text(), variables, server.token)
            if answer.get("errors") or answer.get("data") is None:
                figures.errors.append(f"{server.name} {shape.name}: {json.dumps(answer.get('errors'))[:300]}")
            answers.append(answer.get("data"))
        if None in answers:
            verdict = "not compared: " + figures.errors[-1]
        else:
            comparison = Comparison()
            compare(answers[0], answers[1], comparison)
            verdict = comparison.summary()
            if comparison.differences:
                figures.errors.append(f"{shape.name}: {verdict}")
        figures.shapes.setdefault(shape.name, {"what": shape.what})["same_data"] = verdict
        print(f"  {shape.name:<10} {verdict}")


def record_p50(row: dict[str, Any], results: dict[str, dict[str, Any]], name: str) -> None:
    row["crm_p50_ms"], row["pgl_p50_ms"] = results[f"crm_{name}"]["p50_ms"], results[f"pgl_{name}"]["p50_ms"]
    row["ratio"] = ratio(row["crm_p50_ms"], row["pgl_p50_ms"])


def measure_latency(args: argparse.Namespace, harness: Harness, shapes: list[Shape], crm: Server, pgl: Server,
                    figures: Figures) -> None:
    for shape in shapes:
        print(f"\n  {shape.name}: {shape.what}")
        requests = args.bi_requests if shape.heavy else args.requests
        results = harness.latency(pair(shape, crm, pgl), requests, min(args.warmup, requests))
        record_p50(figures.shapes[shape.name], results, shape.name)


def measure_big_small(args: argparse.Namespace, harness: Harness, shapes: list[Shape], crm: Server, pgl: Server,
                      figures: Figures) -> None:
    results = harness.latency([t for shape in shapes for t in pair(shape, crm, pgl)], args.requests, args.warmup)
    for shape in shapes:
        record_p50(figures.shapes[shape.name], results, shape.name)
    for suffix, (_, what) in INVOICE_TABS.items():
        for system in ("crm", "pgl"):
            small, big = (results[f"{system}_{size}{suffix}"]["p50_ms"] for size in ("small", "big"))
            figures.big_small[f"{system}{suffix}"] = {"what": what, "small_p50_ms": small, "big_p50_ms": big,
                                                      "ratio": ratio(big, small)}


def measure_throughput(args: argparse.Namespace, harness: Harness, shapes: list[Shape], crm: Server, pgl: Server,
                       figures: Figures) -> None:
    for shape in shapes:
        print(f"\n  {shape.name}: {args.clients} clients")
        results = harness.throughput(pair(shape, crm, pgl), args.clients, args.duration, args.rounds)
        crm_rps, pgl_rps = results[f"crm_{shape.name}"]["rps"], results[f"pgl_{shape.name}"]["rps"]
        figures.throughput[shape.name] = {"crm_rps": crm_rps, "pgl_rps": pgl_rps, "ratio": ratio(crm_rps, pgl_rps)}


def measure_workers(args: argparse.Namespace, harness: Harness, tab: Shape, one: Server, two: Server,
                    figures: Figures) -> None:
    """The same requests to a one-worker and a two-worker server, both up at once and interleaved."""
    cheap = QUERIES / "crm_typename.graphql"
    cases = [("typename_p50_ms", "{ __typename }", cheap, None), ("tab_p50_ms", "tab page", tab.crm, tab.crm_vars)]
    for key, what, query, variables in cases:
        print(f"\n  {what}: latency")
        results = harness.latency([Target("crm_1w", one, query, variables), Target("crm_2w", two, query, variables)],
                                  args.requests, args.warmup)
        figures.workers[key] = {"1w": results["crm_1w"]["p50_ms"], "2w": results["crm_2w"]["p50_ms"]}
    print(f"\n  tab page: {args.clients} clients")
    results = harness.throughput([Target("crm_1w", one, tab.crm, tab.crm_vars),
                                  Target("crm_2w", two, tab.crm, tab.crm_vars)], args.clients, args.duration,
                                 args.rounds)
    figures.workers["tab_rps"] = {"1w": results["crm_1w"]["rps"], "2w": results["crm_2w"]["rps"]}
    for row in figures.workers.values():
        row["2w/1w"] = ratio(row["2w"], row["1w"])


def count_statements(args: argparse.Namespace, harness: Harness, shapes: list[Shape], servers: list[Server],
                     figures: Figures) -> None:
    """count_sql.py's method: log every statement of this database, restart the servers so their pooled
    connections log too, send one request per target, read the server log; then stop logging."""
    database = args.pg_database
    crm, pgl = servers
    try:
        run_sql("postgres", f"ALTER DATABASE \"{database}\" SET log_statement = 'all'")
        for server in servers:
            server.restart()
        targets = [t for shape in shapes for t in pair(shape, crm, pgl)]
        again = [replace(t, label=f"{t.label}_again") for t in targets]  # a count that varies shows up
        counted = harness.statements(database, targets + again, warmup=3 if args.quick else 20)
        figures.statements_note = ("from the PostgreSQL log, one request after warm-up, each target counted twice"
                                   " (a-b: the two differed) (harness count_sql.py)")
    except (BenchError, OSError, asyncpg.PostgresError) as error:
        figures.statements_note = f"not counted: {error}"
        print(f"  {figures.statements_note}")
        return
    finally:
        run_sql("postgres", f'ALTER DATABASE "{database}" RESET log_statement')
    for shape in shapes:
        row = figures.shapes.setdefault(shape.name, {"what": shape.what})
        for system in ("crm", "pgl"):
            label = f"{system}_{shape.name}"
            row[f"{system}_statements"] = [counted.get(label), counted.get(f"{label}_again")]


def met(value: float | None, target: float, at_most: bool = True) -> str:
    if value is None:
        return "-"
    return "yes" if (value <= target if at_most else value >= target) else "NO"


def fmt(value: Any, suffix: str = "") -> str:
    if value is None:
        return "-"
    return f"{value:.2f}{suffix}" if isinstance(value, float) else f"{value}{suffix}"


def counts(twice: list[int | None] | None) -> str:
    """Statements of two counts of one request: one number when they agree."""
    if not twice or None in twice:
        return "-"
    return str(twice[0]) if twice[0] == twice[1] else f"{min(twice)}-{max(twice)}"


def print_summary(figures: Figures, compared: list[Shape], invoices: list[Shape]) -> None:
    db = figures.database
    print(f"\n== summary: crmgraph ({db['crm']}) vs PostGraphile 5, PostgreSQL {db['name']}, {db['accounts']} accounts;"
          f" p50 in ms, interleaved")
    print(f"  {'shape':<10} {'what':<52} {'crm p50':>8} {'pgl p50':>8} {'ratio':>7} {'target':>7} {'met':>4}"
          f" {'stmts crm/pgl':>14}")
    for shape in compared + invoices:
        row = figures.shapes.get(shape.name, {})
        statements = f"{counts(row.get('crm_statements'))}/{counts(row.get('pgl_statements'))}"
        timed = shape in compared
        print(f"  {shape.name:<10} {shape.what:<52} {fmt(row.get('crm_p50_ms')):>8} {fmt(row.get('pgl_p50_ms')):>8}"
              f" {fmt(row.get('ratio'), 'x'):>7} {'<=1.5x' if timed else '':>7}"
              f" {met(row.get('ratio'), LATENCY_TARGET) if timed else '':>4} {statements:>14}")
    print(f"  statements: {figures.statements_note}")
    print(f"\n  {'throughput, ' + str(db['clients']) + ' clients':<24} {'crm req/s':>10} {'pgl req/s':>10}"
          f" {'crm/pgl':>8} {'target':>7} {'met':>4}")
    for name, row in figures.throughput.items():
        print(f"  {name:<24} {fmt(row['crm_rps']):>10} {fmt(row['pgl_rps']):>10} {fmt(row['ratio']):>8}"
              f" {'>=0.7':>7} {met(row['ratio'], THROUGHPUT_TARGET, at_most=False):>4}")
    print(f"\n  {'crmgraph workers':<24} {'1 worker':>10} {'2 workers':>10} {'2w/1w':>8}  wanted")
    wanted = {"typename_p50_ms": "about 1", "tab_p50_ms": "about 1", "tab_rps": "close to 2"}
    names = {"typename_p50_ms": "{ __typename } p50 ms", "tab_p50_ms": "tab page p50 ms",
             "tab_rps": f"tab page req/s ({db['clients']} cl.)"}
    for key, row in figures.workers.items():
        print(f"  {names[key]:<24} {fmt(row['1w']):>10} {fmt(row['2w']):>10} {fmt(row['2w/1w']):>8}  {wanted[key]}")
    print(f"\n  {'big vs small, p50 ms':<34} {f'{SMALL_INVOICES} inv.':>10} {f'{BIG_INVOICES:,} inv.':>12}"
          f" {'big/small':>10} {'target':>7} {'met':>4}")
    for system, row in figures.big_small.items():
        mine = system.startswith("crm")
        target, verdict = ("<=2x", met(row["ratio"], BIG_SMALL_TARGET)) if mine else ("(ref.)", "")
        print(f"  {system[:3] + ' ' + row['what']:<34} {fmt(row['small_p50_ms']):>10} {fmt(row['big_p50_ms']):>12}"
              f" {fmt(row['ratio'], 'x'):>10} {target:>7} {verdict:>4}")
    if figures.errors:
        print(f"\n  {len(figures.errors)} problem(s):")
        for error in figures.errors:
            print(f"    {error}")


def run(args: argparse.Namespace, figures: Figures, logs: Path) -> tuple[list[Shape], list[Shape]]:
    """Every step, servers stopped whatever happens; the shapes compared and the big/small pair."""
    harness = Harness(args.harness)
    env = {**os.environ, "CRMGRAPH_DATABASE_URL": f"postgresql+asyncpg://{PG_USER}@{PG_HOST}/{args.pg_database}"}
    print("== 1. database")
    if database_exists(args.pg_database):  # a run stopped in step 8 may have left statement logging on
        run_sql("postgres", f'ALTER DATABASE "{args.pg_database}" RESET log_statement')
    prepare_database(args, env)
    big, small = add_invoiced_accounts(args.pg_database)
    print(f"accounts {big} ({BIG_INVOICES:,} invoices) and {small} ({SMALL_INVOICES} invoices) ready")
    subprocess.run([str(CRMGRAPH), "token", "revoke", "peer"], env=env, capture_output=True)  # none: fine
    token = crmgraph(env, "token", "create", "--name", "peer", "--scope", "read").strip().splitlines()[-1]
    compared, invoices = compared_shapes(args.harness), invoice_shapes(big, small)
    figures.database = {"name": args.pg_database, "accounts": args.accounts, "seed": args.seed, "big_account": big,
                        "small_account": small, "crm": "1 worker", "clients": args.clients}

    crm, pgl = crm_server("crm_1w", 1, env, logs, token), pgl_server(args.harness, args.pg_database, logs)
    two = crm_server("crm_2w", 2, env, logs, token)
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
    if not re.fullmatch(r"[a-z_][a-z0-9_]{0,62}", args.pg_database):
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
