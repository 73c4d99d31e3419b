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
import concurrent.futures
import contextlib
import itertools
import json
import math
import multiprocessing
import os
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from collections import Counter
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

PROJECT_DIR = Path(__file__).resolve().parent.parent
if str(PROJECT_DIR) not in sys.path:
    sys.path.insert(0, str(PROJECT_DIR))

import httpx  # noqa: E402
import sqlalchemy as sa  # noqa: E402
from sqlalchemy.engine import make_url  # noqa: E402
from sqlalchemy.ext.asyncio import AsyncEngine  # noqa: E402

from bench.scratch import DATABASES, DEFAULT_PG_URL, BenchError, Unreachable  # noqa: E402
from service.db import create_engine  # noqa: E402
from service.migrate import migrate  # noqa: E402
from service.settings import Settings  # noqa: E402

CRMGRAPH = PROJECT_DIR / ".venv" / "bin" / "crmgraph"
WORKERS = 2
RETRYABLE = {"SERVICE_BUSY", "SERVICE_UNAVAILABLE"}
PAIR_REQUESTS = 80  # scenario 1
WRITERS = 50  # scenario 2
EXPENSIVE_CLIENTS = 16  # scenario 3
IDEMPOTENT_PAIRS = 20  # scenario 4
LONE_WRITES = 5  # one at a time before scenario 2: a write's latency without concurrency
LONE_EXPENSIVE = 3  # one at a time before scenario 3's load: the expensive query's own latency
HTTP_TIMEOUT = 90.0  # seconds: above the server's own request deadline (30 s by default)
ORDER_DATE = "2026-11-23"

LOOKUP_QUERY = """
query Lookup {
  accounts(first: 20) { nodes { id } }
  contacts(first: 50) { nodes { id } }
  vendors(first: 20) { nodes { id } }
  products(first: 20) { nodes { id } }
}"""

ORDER_FIELDS = "errors { field code message } purchaseOrder { id subject total }"
ONE_ORDER = f"""
mutation One($input: AddPurchaseOrderInput!) {{
  addPurchaseOrder(input: $input) {{ {ORDER_FIELDS} }}
}}"""
TWO_ORDERS = f"""
mutation Two($a: AddPurchaseOrderInput!, $b: AddPurchaseOrderInput!) {{
  a: addPurchaseOrder(input: $a) {{ {ORDER_FIELDS} }}
  b: addPurchaseOrder(input: $b) {{ {ORDER_FIELDS} }}
}}"""

CHEAP_QUERY = "query Cheap($id: ID!) { account(id: $id) { name } }"
# 100 accounts x 5 tabs of up to 50 rows, each tab counted and filtered with `contains` (no index
# helps), and a search: about 25,000 rows asked for, half the node budget.
EXPENSIVE_QUERY = """
query Expensive($text: String!) {
  accounts(first: 100, filter: {name: {contains: $text}}) {
    totalCount
    nodes {
      id name
      invoices(first: 50, filter: {serie: {contains: "a"}}) { totalCount nodes { id folio total balance } }
      contacts(first: 50, filter: {email: {contains: $text}}) { totalCount nodes { id email } }
      quotes(first: 50) { totalCount nodes { id total } }
      cases(first: 50) { totalCount nodes { id title } }
      activityLog(first: 50) { totalCount nodes { id } }
    }
  }
  search(text: $text, first: 100) { accounts { id } contacts { id } }
}"""
EXPENSIVE_TEXTS = ("ar", "de", "er", "an", "la", "or", "es", "on")




def log(message: str) -> None:
    """Progress on stderr, so that stdout holds only the table (or the JSON)."""
    print(message, file=sys.stderr, flush=True)


# --- one answer -----------------------------------------------------------------------------------


@dataclass
class Answer:
    """What one HTTP request got back, reduced to what the checks need."""

    status: int  # 0: no HTTP answer at all (connection error, client timeout)
    codes: list[str]  # extensions.code of each error, in order
    retry_after: str | None
    data: dict[str, Any] | None
    ms: float
    replayed: bool = False
    messages: list[str] = field(default_factory=list)  # of the errors, to tell one cause of SERVICE_BUSY from another

    @property
    def ok(self) -> bool:
        return self.status == 200 and not self.codes

    @property
    def retryable(self) -> bool:
        return bool(self.codes) and all(code in RETRYABLE for code in self.codes)

    @property
    def label(self) -> str:
        """`OK`, or the error codes and the HTTP status, e.g. `SERVICE_BUSY/503`."""
        if self.ok:
            return "OK"
        return f"{'+'.join(sorted(set(self.codes))) or 'NO_CODE'}/{self.status}"


async def post(
    http: httpx.AsyncClient, query: str, variables: dict[str, Any], headers: dict[str, str] | None = None
) -> Answer:
    """POST one GraphQL request and time it; a transport failure is an Answer too (status 0), never raised."""
    start = time.perf_counter()
    try:
        response = await http.post("/graphql", json={"query": query, "variables": variables}, headers=headers)
    except httpx.HTTPError as error:
        return Answer(0, [f"TRANSPORT_{type(error).__name__}"], None, None, (time.perf_counter() - start) * 1000)
    ms = (time.perf_counter() - start) * 1000
    try:
        body = response.json()
    except ValueError:
        return Answer(response.status_code, ["NOT_JSON"], response.headers.get("retry-after"), None, ms)
    errors = (body.get("errors") or []) if isinstance(body, dict) else []
    codes = [str((e.get("extensions") or {}).get("code") or "NO_CODE") for e in errors]
    data = body.get("data") if isinstance(body, dict) else None
    return Answer(
        response.status_code,
        codes,
        response.headers.get("retry-after"),
        data,
        ms,
        replayed=response.headers.get("idempotent-replayed") == "true",
        messages=[str(e.get("message"))[:120] for e in errors],
    )


def acknowledged(answer: Answer, alias: str) -> tuple[str, str] | None:
    """(subject, id) of the order the answer says was stored under `alias`, else None."""
    payload = (answer.data or {}).get(alias)
    order = payload.get("purchaseOrder") if isinstance(payload, dict) else None
    return (order["subject"], order["id"]) if isinstance(order, dict) else None


def payload_errors(answer: Answer, aliases: tuple[str, ...]) -> list[str]:
    """Codes of the mutation's own UserErrors (the input was refused): never expected here."""
    out = []
    for alias in aliases:
        payload = (answer.data or {}).get(alias)
        if isinstance(payload, dict):
            out.extend(f"USER_ERROR_{e.get('code')}" for e in payload.get("errors") or [])
    return out


def percentiles(ms: list[float]) -> dict[str, float | int]:
    """n, p50, p95 and max of latencies in milliseconds (zeros when there are none)."""
    if not ms:
        return {"n": 0, "p50_ms": 0.0, "p95_ms": 0.0, "max_ms": 0.0}
    ordered = sorted(ms)
    return {
        "n": len(ordered),
        "p50_ms": round(statistics.median(ordered), 1),
        "p95_ms": round(ordered[max(0, math.ceil(0.95 * len(ordered)) - 1)], 1),
        "max_ms": round(ordered[-1], 1),
    }


# --- the world the orders are made of -------------------------------------------------------------


@dataclass
class World:
    """Ids of existing rows to make valid orders from, and the tag that names this run's orders."""

    accounts: list[str]
    contacts: list[str]
    vendors: list[str]
    products: list[str]
    run: str = field(default_factory=lambda: uuid.uuid4().hex[:10])
    _next: Iterator[int] = field(default_factory=itertools.count)

    def order(self, subject: str) -> dict[str, Any]:
        """A valid AddPurchaseOrderInput with a unique subject: two lines, one with a discount and IVA."""
        i = next(self._next)
        product = self.products[i % len(self.products)]
        return {
            "contactId": self.contacts[i % len(self.contacts)],
            "vendorId": self.vendors[i % len(self.vendors)],
            "subject": subject,
            "date": ORDER_DATE,
            "lines": [
                {
                    "productId": product,
                    "quantity": "3",
                    "unitPrice": "199.99",
                    "discountPercent": "10",
                    "tax": "IVA_16",
                },
                {"productId": self.products[(i + 1) % len(self.products)], "quantity": "1.5", "unitPrice": "20.00"},
            ],
        }

    def subject(self, scenario: int, *parts: object) -> str:
        """`load-<run>-<scenario>-<parts>`: names one order of this run, and prefixes its scenario's orders."""
        return "-".join(["load", self.run, str(scenario), *(str(p) for p in parts)])


async def look_up_world(http: httpx.AsyncClient) -> World:
    """Existing accounts, contacts, vendors and products, asked of the server like a client would."""
    answer = await post(http, LOOKUP_QUERY, {})
    if not answer.ok or not answer.data:
        raise BenchError(f"the look-up query failed: {answer.label}")
    ids = {
        name: [n["id"] for n in answer.data[name]["nodes"]] for name in ("accounts", "contacts", "vendors", "products")
    }
    empty = [name for name, values in ids.items() if not values]
    if empty:
        raise BenchError(f"the demo data has no {', '.join(empty)}")
    return World(**ids)


class OrderCount:
    """Purchase orders as the database holds them, read with SQLAlchemy beside the server."""

    def __init__(self, engine: AsyncEngine) -> None:
        self.engine = engine

    async def total(self) -> int:
        """Every purchase order: the difference over a scenario is what it stored."""
        async with self.engine.connect() as connection:
            return (await connection.execute(sa.text("SELECT count(*) FROM purchase_order"))).scalar_one()

    async def by_subject(self, prefix: str) -> Counter[str]:
        """How many orders hold each subject that starts with `prefix` (`-`-separated: no LIKE wildcards)."""
        async with self.engine.connect() as connection:
            rows = await connection.execute(
                sa.text("SELECT subject, count(*) FROM purchase_order WHERE subject LIKE :p GROUP BY subject"),
                {"p": prefix + "%"},
            )
            return Counter({subject: n for subject, n in rows.all()})


def reconcile(acked: dict[str, str], stored: Counter[str], delta: int) -> dict[str, Any]:
    """Orders acknowledged (subject -> id) against orders stored (subject -> rows): the invariant is
    that they are the same orders, once each, and that no other row appeared."""
    lost = sorted(s for s in acked if stored[s] == 0)
    doubled = sorted(s for s, n in stored.items() if n > 1)
    unacknowledged = sorted(s for s in stored if s not in acked)
    return {
        "orders_acknowledged": len(acked),
        "orders_stored": delta,
        "lost": lost,
        "doubled": doubled,
        "stored_but_reported_failed": unacknowledged,
        "holds": delta == len(acked) and sum(stored.values()) == delta and not (lost or doubled or unacknowledged),
    }


def tally(answers: list[Answer]) -> dict[str, Any]:
    """Requests OK, failed with a retryable error, failed otherwise; each by label."""
    return {
        "requests": len(answers),
        "ok": sum(a.ok for a in answers),
        "retryable": dict(Counter(a.label for a in answers if not a.ok and a.retryable)),
        "other": dict(Counter(a.label for a in answers if not a.ok and not a.retryable)),
        "retry_after_missing_on_503": sum(1 for a in answers if a.status == 503 and not a.retry_after),
        "error_messages": dict(Counter(m for a in answers if not a.ok for m in set(a.messages))),
        **{k: v for k, v in percentiles([a.ms for a in answers]).items() if k != "n"},
    }


# --- the scenarios --------------------------------------------------------------------------------


async def two_orders_per_request(http: httpx.AsyncClient, world: World, count: OrderCount) -> dict[str, Any]:
    """80 concurrent requests, each with `a:` and `b:` addPurchaseOrder."""
    before = await count.total()
    bodies = [
        {"a": world.order(world.subject(1, i, "a")), "b": world.order(world.subject(1, i, "b"))}
        for i in range(PAIR_REQUESTS)
    ]
    start = time.perf_counter()
    answers = await asyncio.gather(*(post(http, TWO_ORDERS, body) for body in bodies))
    seconds = time.perf_counter() - start
    for answer in answers:  # an order refused by validation is a bench bug, and must show
        answer.codes.extend(payload_errors(answer, ("a", "b")))
    acked = {ack[0]: ack[1] for a in answers for alias in ("a", "b") if (ack := acknowledged(a, alias))}
    partly = sum(1 for a in answers if not a.ok and any(acknowledged(a, alias) for alias in ("a", "b")))
    stored = await count.by_subject(world.subject(1) + "-")
    result = {
        **tally(answers),
        "partly_done": partly,
        "seconds": round(seconds, 2),
        **reconcile(acked, stored, await count.total() - before),
    }
    result["checks"] = {
        "stored == acknowledged": result["holds"],
        "no 500 / INTERNAL_SERVER_ERROR": no_internal(answers),
    }
    return result


async def concurrent_writers(http: httpx.AsyncClient, world: World, count: OrderCount) -> dict[str, Any]:
    """50 concurrent single addPurchaseOrder: failures are SERVICE_BUSY answered 503, nothing else.
    A few writes one at a time first give the latency of a write alone, for comparison."""
    lone = [
        await post(http, ONE_ORDER, {"input": world.order(world.subject(2, "lone", i))}) for i in range(LONE_WRITES)
    ]
    before = await count.total()
    start = time.perf_counter()
    answers = await asyncio.gather(
        *(post(http, ONE_ORDER, {"input": world.order(world.subject(2, "burst", i))}) for i in range(WRITERS))
    )
    seconds = time.perf_counter() - start
    for answer in answers:
        answer.codes.extend(payload_errors(answer, ("addPurchaseOrder",)))
    acked = {ack[0]: ack[1] for a in answers if (ack := acknowledged(a, "addPurchaseOrder"))}
    failures = [a for a in answers if not a.ok]
    busy_503 = all(a.codes and set(a.codes) == {"SERVICE_BUSY"} and a.status == 503 and a.retry_after for a in failures)
    stored = await count.by_subject(world.subject(2, "burst") + "-")
    result = {
        **tally(answers),
        "failure_share_pct": round(100 * len(failures) / len(answers), 1),
        "lone_write": {
            **percentiles([a.ms for a in lone if a.ok]),
            "failures": dict(Counter(a.label for a in lone if not a.ok)),
        },
        "seconds": round(seconds, 2),
        **reconcile(acked, stored, await count.total() - before),
    }
    result["checks"] = {
        "stored == acknowledged": result["holds"],
        "every failure SERVICE_BUSY/503 + Retry-After": busy_503,
        "no 500 / INTERNAL_SERVER_ERROR": no_internal(answers),
    }
    return result


class CheapProbe:
    """The cheap request, sent twice a round: on one connection kept alive throughout (it stays with
    one worker), and on a new connection (the first worker to accept it takes it). Clients of its
    own: a shared pool would hand out connections the server is about to close for idleness."""

    def __init__(self, http: httpx.AsyncClient, account_ids: list[str]) -> None:
        options: dict[str, Any] = {
            "base_url": http.base_url,
            "headers": http.headers,
            "timeout": HTTP_TIMEOUT,
            "trust_env": False,
        }
        self.kept = httpx.AsyncClient(limits=httpx.Limits(max_connections=1), **options)
        self.fresh = httpx.AsyncClient(limits=httpx.Limits(max_keepalive_connections=0), **options)
        self.ids = itertools.cycle(account_ids)

    async def __aenter__(self) -> CheapProbe:
        return self

    async def __aexit__(self, *_exc: object) -> None:
        await self.kept.aclose()
        await self.fresh.aclose()

    async def rounds(self, seconds: float) -> tuple[list[Answer], list[Answer]]:
        """Rounds for `seconds` (one at least): the answers on the kept-alive and on new connections."""
        kept: list[Answer] = []
        fresh: list[Answer] = []
        stop = time.perf_counter() + seconds
        while True:
            kept.append(await post(self.kept, CHEAP_QUERY, {"id": next(self.ids)}))
            fresh.append(await post(self.fresh, CHEAP_QUERY, {"id": next(self.ids)}))
            if time.perf_counter() >= stop:
                return kept, fresh
            await asyncio.sleep(0.02)  # a client's pace, not a tight loop that would itself be the load


async def cheap_among_expensive(
    http: httpx.AsyncClient, world: World, duration: float, server_pid: int
) -> dict[str, Any]:
    """The cheap request's latency, idle and while EXPENSIVE_CLIENTS expensive queries run in a loop.

    uvicorn spreads connections, not requests, over its workers, so how the load's 16 connections
    fell matters: the workers' CPU seconds during the load show it.
    """
    async with CheapProbe(http, world.accounts) as cheap:
        for _ in range(3):  # warm-up: connections and caches
            await cheap.rounds(0)
        idle, idle_fresh = await cheap.rounds(min(3.0, duration / 3))
        expensive_alone = [
            await post(http, EXPENSIVE_QUERY, {"text": text}) for text in EXPENSIVE_TEXTS[:LONE_EXPENSIVE]
        ]

        # The load runs in a process of its own: reading its large answers in this event loop would
        # delay this loop, and the cheap request's timer with it.
        with concurrent.futures.ProcessPoolExecutor(1, mp_context=multiprocessing.get_context("spawn")) as pool:
            await asyncio.get_running_loop().run_in_executor(pool, int)  # the process is up, this module imported
            start_at = time.time() + 0.2
            load = asyncio.get_running_loop().run_in_executor(
                pool, expensive_load, str(http.base_url), http.headers["authorization"], start_at, duration + 1
            )
            await asyncio.sleep(max(0.0, start_at + 0.5 - time.time()))  # every expensive client is running
            cpu_before = worker_cpu_seconds(server_pid)
            loaded, loaded_fresh = await cheap.rounds(duration)
            cpu_after = worker_cpu_seconds(server_pid)
            started_late_s, outcomes = await load
    expensive = [Answer(status, codes, None, None, ms) for status, codes, ms in outcomes]
    cheap_answers = idle + idle_fresh + loaded + loaded_fresh
    return {
        "duration_s": duration,
        "cheap_idle": percentiles([a.ms for a in idle if a.ok]),
        "cheap_idle_new_connection": percentiles([a.ms for a in idle_fresh if a.ok]),
        "cheap_loaded": percentiles([a.ms for a in loaded if a.ok]),
        "cheap_loaded_new_connection": percentiles([a.ms for a in loaded_fresh if a.ok]),
        "cheap_failures": dict(Counter(a.label for a in cheap_answers if not a.ok)),
        "worker_cpu_s_during_load": sorted(
            (round(cpu_after[pid] - cpu_before[pid], 1) for pid in cpu_after if pid in cpu_before), reverse=True
        ),
        "load_started_late_s": round(started_late_s, 2),
        "expensive_alone": percentiles([a.ms for a in expensive_alone if a.ok]),
        "expensive": {
            **percentiles([a.ms for a in expensive if a.ok]),
            "failures": dict(Counter(a.label for a in expensive if not a.ok)),
        },
        "checks": {
            "cheap request never fails": all(a.ok for a in cheap_answers),
            "no 500 / INTERNAL_SERVER_ERROR": no_internal(cheap_answers + expensive + expensive_alone),
        },
    }


def worker_cpu_seconds(server_pid: int) -> dict[int, float]:
    """CPU seconds each child process of the server (its workers) has used so far; empty without /proc."""
    tick = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100
    used = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            # After "pid (command)": state, ppid, ... utime and stime are the 14th and 15th fields of the line.
            fields = stat.read_text().rpartition(")")[2].split()
        except OSError:
            continue
        if len(fields) > 12 and fields[1] == str(server_pid):
            used[int(stat.parent.name)] = (int(fields[11]) + int(fields[12])) / tick
    return used


def expensive_load(
    base: str, authorization: str, start_at: float, seconds: float
) -> tuple[float, list[tuple[int, list[str], float]]]:
    """EXPENSIVE_CLIENTS clients sending EXPENSIVE_QUERY in a loop from `start_at` (a time.time()) for
    `seconds`; run in a process of its own. Gives how late it started, and (status, codes, ms) per request."""
    return asyncio.run(_expensive_load(base, authorization, start_at, seconds))


async def _expensive_load(
    base: str, authorization: str, start_at: float, seconds: float
) -> tuple[float, list[tuple[int, list[str], float]]]:
    outcomes: list[tuple[int, list[str], float]] = []
    late = time.time() - start_at
    await asyncio.sleep(max(0.0, -late))
    stop_at = time.monotonic() + seconds
    limits = httpx.Limits(max_connections=EXPENSIVE_CLIENTS)
    async with httpx.AsyncClient(
        base_url=base, trust_env=False, timeout=HTTP_TIMEOUT, limits=limits, headers={"Authorization": authorization}
    ) as http:

        async def client(n: int) -> None:
            texts = itertools.cycle(
                EXPENSIVE_TEXTS[n % len(EXPENSIVE_TEXTS) :] + EXPENSIVE_TEXTS[: n % len(EXPENSIVE_TEXTS)]
            )
            while time.monotonic() < stop_at:
                start = time.perf_counter()
                try:
                    response = await http.post(
                        "/graphql", json={"query": EXPENSIVE_QUERY, "variables": {"text": next(texts)}}
                    )
                except httpx.HTTPError as error:
                    outcomes.append((0, [f"TRANSPORT_{type(error).__name__}"], (time.perf_counter() - start) * 1000))
                    continue
                ms = (time.perf_counter() - start) * 1000
                # Parsed only when it failed: the load generator should spend its CPU sending, not reading.
                if response.status_code == 200 and b'"errors"' not in response.content:
                    outcomes.append((200, [], ms))
                    continue
                try:
                    errors = response.json().get("errors") or [{}]
                except ValueError:
                    errors = [{"extensions": {"code": "NOT_JSON"}}]
                outcomes.append(
                    (response.status_code, [str((e.get("extensions") or {}).get("code")) for e in errors], ms)
                )

        await asyncio.gather(*(client(n) for n in range(EXPENSIVE_CLIENTS)))
    return max(0.0, late), outcomes


async def idempotent_retries(http: httpx.AsyncClient, world: World, count: OrderCount) -> dict[str, Any]:
    """IDEMPOTENT_PAIRS orders, each sent twice at once with one fresh Idempotency-Key."""
    before = await count.total()

    async def pair(i: int) -> list[Answer]:
        body = {"input": world.order(world.subject(4, i))}
        headers = {"Idempotency-Key": str(uuid.uuid4())}
        return list(await asyncio.gather(post(http, ONE_ORDER, body, headers), post(http, ONE_ORDER, body, headers)))

    start = time.perf_counter()
    pairs = await asyncio.gather(*(pair(i) for i in range(IDEMPOTENT_PAIRS)))
    seconds = time.perf_counter() - start
    stored = await count.by_subject(world.subject(4) + "-")
    outcomes: Counter[str] = Counter()
    broken: list[str] = []
    for i, answers in enumerate(pairs):
        subject = world.subject(4, i)
        ids = {ack[1] for a in answers if (ack := acknowledged(a, "addPurchaseOrder"))}
        labels = sorted(a.label + (" (replayed)" if a.replayed else "") for a in answers)
        outcomes[" + ".join(labels)] += 1
        # One answer may be a failure (409 "still running", 503 "nothing written"), or both; but two
        # ids, an order no answer names, or an acknowledged order that is not stored is broken.
        if len(ids) > 1 or stored[subject] != (1 if ids else 0):
            broken.append(f"{subject}: answers {labels}, ids {sorted(ids)}, stored {stored[subject]}")
    answers = [a for p in pairs for a in p]
    delta = await count.total() - before
    return {
        "pairs": IDEMPOTENT_PAIRS,
        "outcomes": dict(outcomes),
        "same_id_both": sum(
            1 for p in pairs if all(a.ok for a in p) and len({acknowledged(a, "addPurchaseOrder") for a in p}) == 1
        ),
        "conflict_409": sum(1 for a in answers if a.label == "CONFLICT/409"),
        "replayed": sum(a.replayed for a in answers),
        "orders_stored": delta,
        "broken": broken,
        "seconds": round(seconds, 2),
        "checks": {
            "one order per key, one id per key": not broken and delta == sum(stored.values()),
            "no 500 / INTERNAL_SERVER_ERROR": no_internal(answers),
        },
    }


def no_internal(answers: list[Answer]) -> bool:
    """No answer is a masked failure: no 5xx but 503, no INTERNAL_SERVER_ERROR."""
    return not any(a.status >= 500 and a.status != 503 or "INTERNAL_SERVER_ERROR" in a.codes for a in answers)


# --- the server -----------------------------------------------------------------------------------


def free_port() -> int:
    """A TCP port of 127.0.0.1 that nobody listens on now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def crmgraph(url: str, *args: str, timeout: float = 120) -> str:
    """Run the `crmgraph` command on `url` and give its stdout; BenchError when it fails."""
    done = subprocess.run(
        [str(CRMGRAPH), *args],
        env={**os.environ, "CRMGRAPH_DATABASE_URL": url},
        capture_output=True,
        text=True,
        timeout=timeout,
        cwd=PROJECT_DIR,
    )
    if done.returncode != 0:
        raise BenchError(f"crmgraph {' '.join(args)} failed ({done.returncode}): {done.stderr.strip()[-1000:]}")
    return done.stdout


@contextlib.asynccontextmanager
async def running_server(url: str, log_path: Path) -> AsyncIterator[tuple[str, int]]:
    """`crmgraph serve --workers 2` on a free port of 127.0.0.1, healthy: its URL and pid. Stopped
    when the block ends; its output goes to `log_path`."""
    port = free_port()
    command = [
        str(CRMGRAPH),
        "serve",
        "--workers",
        str(WORKERS),
        "--host",
        "127.0.0.1",
        "--port",
        str(port),
        "--log-level",
        "warning",
    ]  # warning: no access log, every error line kept
    with open(log_path, "wb") as output:
        # Its own session: the server and its workers are one process group, stopped together.
        process = subprocess.Popen(
            command,
            env={**os.environ, "CRMGRAPH_DATABASE_URL": url},
            cwd=PROJECT_DIR,
            stdout=output,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    base = f"http://127.0.0.1:{port}"
    try:
        await wait_healthy(base, process, log_path)
        yield base, process.pid
    finally:
        stop(process)


async def wait_healthy(base: str, process: subprocess.Popen[bytes], log_path: Path, seconds: float = 60) -> None:
    """Until /health answers 200; BenchError (with the server's last output) if it exits or takes too long."""
    give_up = time.monotonic() + seconds
    async with httpx.AsyncClient(base_url=base, trust_env=False, timeout=2) as http:
        while time.monotonic() < give_up:
            if process.poll() is not None:
                raise BenchError(f"the server exited ({process.returncode}): {log_path.read_text()[-2000:]}")
            with contextlib.suppress(httpx.HTTPError):
                if (await http.get("/health")).status_code == 200:
                    return
            await asyncio.sleep(0.2)
    raise BenchError(f"the server was not healthy after {seconds:.0f} s: {log_path.read_text()[-2000:]}")


def stop(process: subprocess.Popen[bytes]) -> None:
    """SIGTERM to the server (it stops its workers), SIGKILL to its process group if it lingers."""
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            log(f"  the server (pid {process.pid}) ignored SIGTERM for 15 s: killed")
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=5)
    with contextlib.suppress(ProcessLookupError):  # a worker that outlived its master
        os.killpg(process.pid, signal.SIGKILL)


def server_log_errors(log_path: Path) -> dict[str, Any]:
    """Tracebacks and ERROR lines the server wrote: a masked failure shows here even when the answer hid it."""
    text = log_path.read_text(errors="replace")
    lines = text.splitlines()
    errors = [line for line in lines if re.search(r"\bERROR\b|Traceback", line)]
    return {
        "tracebacks": text.count("Traceback (most recent call last)"),
        "error_lines": len(errors),
        "first_error_lines": errors[:5],
    }


# --- databases ------------------------------------------------------------------------------------




async def load_database(kind: str, url: str, args: argparse.Namespace, scratch: Path) -> dict[str, Any]:
    """Migrate and seed one fresh database, serve it, run the four scenarios, stop the server."""
    from service.seed import seed_demo

    log(f"{kind}: migrating a fresh database, seeding {args.accounts} accounts ...")
    await asyncio.to_thread(migrate, url)
    engine = create_engine(url)
    try:
        await seed_demo(engine, accounts=args.accounts, seed=args.seed)
        if kind == "postgresql":  # a fresh database has no planner statistics until autovacuum runs
            async with engine.connect() as connection:
                await connection.execute(sa.text("ANALYZE"))
        token = (
            await asyncio.to_thread(crmgraph, url, "token", "create", "--name", "bench", "--scope", "write")
        ).strip()
        if not token:
            raise BenchError("crmgraph token create printed no token")
        count = OrderCount(engine)
        log_path = scratch / f"server-{kind}.log"
        settings = Settings.from_env()
        result: dict[str, Any] = {
            "database": kind,
            "accounts": args.accounts,
            "workers": WORKERS,
            "pool": {
                "size": settings.pool_size,
                "overflow": settings.pool_overflow,
                "timeout_ms": settings.pool_timeout_ms,
                "request_timeout_ms": settings.request_timeout_ms,
            },
        }
        async with running_server(url, log_path) as (base, server_pid):
            log(f"  serving on {base} (`crmgraph serve`, pid {server_pid}); running the scenarios ...")
            limits = httpx.Limits(max_connections=200, max_keepalive_connections=200)
            async with httpx.AsyncClient(
                base_url=base,
                trust_env=False,
                timeout=HTTP_TIMEOUT,
                limits=limits,
                headers={"Authorization": f"Bearer {token}"},
            ) as http:
                world = await look_up_world(http)
                for key, name, run in (
                    ("two_orders_per_request", "1", lambda: two_orders_per_request(http, world, count)),
                    ("concurrent_writers", "2", lambda: concurrent_writers(http, world, count)),
                    (
                        "cheap_among_expensive",
                        "3",
                        lambda: cheap_among_expensive(http, world, args.duration, server_pid),
                    ),
                    ("idempotent_retries", "4", lambda: idempotent_retries(http, world, count)),
                ):
                    start = time.perf_counter()
                    result[key] = await run()
                    log(f"  scenario {name} done in {time.perf_counter() - start:.1f} s")
        result["server_log"] = server_log_errors(log_path)
        return result
    finally:
        await engine.dispose()


async def bench(args: argparse.Namespace) -> list[dict[str, Any]]:
    """Each database asked for, one after the other; an unreachable PostgreSQL is skipped, not failed."""
    kinds = ["sqlite", "postgresql"] if args.database == "both" else [args.database]
    results = []
    scratch = Path(tempfile.mkdtemp(prefix="crmgraph-load-logs-"))
    try:
        for kind in kinds:
            try:
                async with DATABASES[kind](args) as url:
                    results.append(await load_database(kind, url, args, scratch))
            except Unreachable as error:
                log(f"{kind}: not reachable at {make_url(args.pg_url).render_as_string()}: skipped ({error})")
                results.append({"database": kind, "skipped": str(error)})
    finally:
        if args.keep_logs:
            log(f"server logs kept in {scratch}")
        else:
            shutil.rmtree(scratch, ignore_errors=True)
    return results


# --- output ---------------------------------------------------------------------------------------


def failed_checks(results: list[dict[str, Any]]) -> list[str]:
    """Every check that did not hold, named by database and scenario; a traceback in a server log is one."""
    found = []
    for result in results:
        for key, value in result.items():
            if isinstance(value, dict) and "checks" in value:
                found.extend(
                    f"{result['database']} {key}: {check}" for check, held in value["checks"].items() if not held
                )
        if result.get("server_log", {}).get("tracebacks"):
            found.append(
                f"{result['database']}: the server log holds {result['server_log']['tracebacks']} traceback(s)"
            )
    return found


def _counts(by_label: dict[str, int]) -> str:
    return ", ".join(f"{label} x{n}" for label, n in sorted(by_label.items())) or "-"


def _latency(p: dict[str, Any]) -> str:
    return f"{p['p50_ms']:.0f} / {p['p95_ms']:.0f} / {p['max_ms']:.0f} ms (n={p['n']})"


def _verdict(checks: dict[str, bool]) -> str:
    return "ok" if all(checks.values()) else "FAILED: " + "; ".join(c for c, held in checks.items() if not held)


def _write_rows(name: str, r: dict[str, Any]) -> list[str]:
    """The line of a write scenario (1 or 2), and a second one with what needs saying."""
    lines = [
        f"  {name:<26} {r['requests']:>4} {r['ok']:>4}  {_counts(r['retryable']):<24} {_counts(r['other']):<16} "
        f"{r['orders_acknowledged']:>5} {r['orders_stored']:>6}  {r['p50_ms']:>6.0f} {r['max_ms']:>6.0f}  {_verdict(r['checks'])}"
    ]
    extra = [f"{r['seconds']} s"]
    if "failure_share_pct" in r:
        extra.append(f"failures {r['failure_share_pct']}%; a write alone {_latency(r['lone_write'])}")
    if r.get("partly_done"):
        extra.append(f"{r['partly_done']} request(s) stored one of their two orders")
    for what in ("lost", "doubled", "stored_but_reported_failed"):
        if r[what]:
            extra.append(f"{what}: {', '.join(r[what][:5])}")
    if r["retry_after_missing_on_503"]:
        extra.append(f"{r['retry_after_missing_on_503']} 503 without Retry-After")
    lines.append(f"  {'':<26} {'; '.join(extra)}")
    lines.extend(f"  {'':<26} {n} x {message!r}" for message, n in sorted(r["error_messages"].items()))
    return lines


def table(result: dict[str, Any]) -> str:
    """The compact table of one database."""
    if "skipped" in result:
        return f"{result['database']}: skipped, {result['skipped']}\n"
    pool = result["pool"]
    lines = [
        f"{result['database']}: {result['accounts']} accounts, `crmgraph serve --workers {result['workers']}`, "
        f"pool {pool['size']}+{pool['overflow']} per worker, pool timeout {pool['timeout_ms']} ms, "
        f"request deadline {pool['request_timeout_ms']} ms",
        f"  {'scenario':<26} {'req':>4} {'ok':>4}  {'retryable':<24} {'other':<16} {'acked':>5} {'stored':>6}  "
        f"{'p50 ms':>6} {'max ms':>6}  check",
    ]
    lines += _write_rows("1 two orders per request", result["two_orders_per_request"])
    lines += _write_rows(f"2 {WRITERS} concurrent writers", result["concurrent_writers"])
    r = result["cheap_among_expensive"]
    lines.append(
        f"  3 cheap among expensive   cheap p50/p95/max, kept-alive connection: idle {_latency(r['cheap_idle'])}, "
        f"with {EXPENSIVE_CLIENTS} expensive {_latency(r['cheap_loaded'])}  {_verdict(r['checks'])}"
    )
    lines.append(
        f"  {'':<26} new connection each: idle {_latency(r['cheap_idle_new_connection'])}, "
        f"with {EXPENSIVE_CLIENTS} expensive {_latency(r['cheap_loaded_new_connection'])}"
    )
    cpu = r["worker_cpu_s_during_load"]
    lines.append(
        f"  {'':<26} expensive alone {_latency(r['expensive_alone'])}; under load {_latency(r['expensive'])}; "
        f"workers' CPU during the load {' / '.join(f'{c} s' for c in cpu) or 'unknown'}"
    )
    notes = []
    if r["expensive"]["failures"] or r["cheap_failures"]:
        notes.append(f"failures: expensive {_counts(r['expensive']['failures'])}, cheap {_counts(r['cheap_failures'])}")
    if r["cheap_idle"]["p50_ms"] > r["cheap_idle_new_connection"]["p50_ms"] + 30:
        notes.append("idle, a kept-alive answer waits for a delayed ACK (uvicorn #3149: no TCP_NODELAY with --workers)")
    if r["load_started_late_s"] > 0.3:
        notes.append(f"the load started {r['load_started_late_s']} s late")
    lines.extend(f"  {'':<26} {note}" for note in notes)
    r = result["idempotent_retries"]
    lines.append(
        f"  4 idempotent retries      {r['pairs']} pairs: {r['same_id_both']} same id twice, {r['conflict_409']} x 409, "
        f"{r['replayed']} replayed; stored {r['orders_stored']}  {_verdict(r['checks'])}"
    )
    lines.append(f"  {'':<26} answers per pair: {_counts(r['outcomes'])}")
    lines.extend(f"  {'':<26} {b}" for b in r["broken"][:5])
    s = result["server_log"]
    lines.append(f"  server log: {s['tracebacks']} traceback(s), {s['error_lines']} ERROR line(s)")
    lines.extend(f"    {line[:200]}" for line in s["first_error_lines"])
    return "\n".join(lines) + "\n"


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
    if not re.fullmatch(r"[a-z_][a-z0-9_]{0,62}", args.pg_database):
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
