"""The scenarios of bench/run.py (a tab page, a BI pull, the tab bar), repeated and summed up per
request or per pull, and the statements of one query shape for 1, 10 and 100 parents."""

from __future__ import annotations

import argparse
import gc
import math
import statistics
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from bench.common import BenchError, log, percentile
from bench.run_client import Client, Sample
from bench.run_queries import BI_PULL_QUERY, PAGE, PICK_QUERY, PICK_SCAN, TAB_PAGE_QUERY, TAB_PAGE_TABS, TABS_QUERY


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
        p95_ms=round(percentile(ms, 0.95), 2),
        kb=round(statistics.mean(sum(s.size for s in u) for u in units) / 1024, 1),
    )


async def repeat(run_once: Callable[[], Awaitable[list[Sample]]], warmup: int, times: int) -> list[list[Sample]]:
    """`times` units measured after `warmup` unmeasured ones."""
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
    """Every scenario, in order: its rows of the table, and the statement scaling."""
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
