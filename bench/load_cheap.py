"""Scenario 3 of bench/load.py: a cheap request, one at a time, idle and while expensive queries
run in a loop from a process of their own; and how the load fell on the server's workers."""

from __future__ import annotations

import asyncio
import concurrent.futures
import itertools
import multiprocessing
import os
import time
from collections import Counter
from pathlib import Path
from typing import Any

import httpx

from bench.load_http import HTTP_TIMEOUT, Answer, no_internal, percentiles, post
from bench.load_orders import World
from bench.load_queries import CHEAP_QUERY, EXPENSIVE_QUERY, EXPENSIVE_TEXTS

EXPENSIVE_CLIENTS = 16  # scenario 3
LONE_EXPENSIVE = 3  # one at a time before scenario 3's load: the expensive query's own latency


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
