"""The write scenarios of bench/load.py: two orders per request (1), concurrent writers (2) and
idempotent retries (4). Orders acknowledged must be the orders stored, once each."""

from __future__ import annotations

import asyncio
import time
import uuid
from collections import Counter
from typing import Any

import httpx

from bench.load_http import Answer, acknowledged, no_internal, payload_errors, percentiles, post, tally
from bench.load_orders import OrderCount, World, reconcile
from bench.load_queries import ONE_ORDER, TWO_ORDERS

PAIR_REQUESTS = 80  # scenario 1
WRITERS = 50  # scenario 2
IDEMPOTENT_PAIRS = 20  # scenario 4
LONE_WRITES = 5  # one at a time before scenario 2: a write's latency without concurrency


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
