"""One HTTP answer of the real server, reduced to what the checks of bench/load.py need, and the
counts and latencies of many answers."""

from __future__ import annotations

import statistics
import time
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

import httpx

from bench.common import percentile

RETRYABLE = {"SERVICE_BUSY", "SERVICE_UNAVAILABLE"}
HTTP_TIMEOUT = 90.0  # seconds: above the server's own request deadline (30 s by default)


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


def no_internal(answers: list[Answer]) -> bool:
    """No answer is a masked failure: no 5xx but 503, no INTERNAL_SERVER_ERROR."""
    return not any(a.status >= 500 and a.status != 503 or "INTERNAL_SERVER_ERROR" in a.codes for a in answers)


def percentiles(ms: list[float]) -> dict[str, float | int]:
    """n, p50, p95 and max of latencies in milliseconds (zeros when there are none)."""
    if not ms:
        return {"n": 0, "p50_ms": 0.0, "p95_ms": 0.0, "max_ms": 0.0}
    ordered = sorted(ms)
    return {
        "n": len(ordered),
        "p50_ms": round(statistics.median(ordered), 1),
        "p95_ms": round(percentile(ordered, 0.95), 1),
        "max_ms": round(ordered[-1], 1),
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
