"""The measurements of bench/peer.py, each one a harness run whose figures land in Figures: same data,
latency, big vs small, throughput, one worker vs two, and SQL statements per request."""

from __future__ import annotations

import argparse
import json
from dataclasses import dataclass, field, replace
from typing import Any

import asyncpg

from bench.common import BenchError
from bench.peer_compare import Comparison, compare
from bench.peer_database import run_sql
from bench.peer_harness import Harness, Target, pair
from bench.peer_shapes import INVOICE_TABS, QUERIES, Shape
from bench.server import Server, post_graphql


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
    """`mine / theirs` to two decimals; None when either is missing or zero."""
    return round(mine / theirs, 2) if mine and theirs else None


def check_same_data(shapes: list[Shape], crm: Server, pgl: Server, figures: Figures) -> None:
    """One request of each pair, compared value by value, before anything is timed."""
    for shape in shapes:
        answers = []
        for server, query, variables in ((crm, shape.crm, shape.crm_vars), (pgl, shape.pgl, shape.pgl_vars)):
            answer = post_graphql(server.url, query.read_text(), variables, server.token)
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
