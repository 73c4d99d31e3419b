"""The report of bench/load.py: the compact table of each database, and the checks that failed."""

from __future__ import annotations

from typing import Any

from bench.common import GAP, aligned
from bench.load_cheap import EXPENSIVE_CLIENTS
from bench.load_writes import WRITERS

# The columns of the write scenarios (1 and 2): header and width (negative: aligned left).
WRITE_COLUMNS = (("scenario", -26), ("req", 4), ("ok", 4), GAP, ("retryable", -24), ("other", -16), ("acked", 5),
                 ("stored", 6), GAP, ("p50 ms", 6), ("max ms", 6), GAP, ("check", 0))


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


def _write_line(values: list[object]) -> str:
    """One line of WRITE_COLUMNS: a value for each column but the gaps."""
    given = iter(values)
    return "  " + aligned(GAP if column is GAP else (next(given), column[1]) for column in WRITE_COLUMNS)


def _write_rows(name: str, r: dict[str, Any]) -> list[str]:
    """The line of a write scenario (1 or 2), and a second one with what needs saying."""
    lines = [
        _write_line([name, r["requests"], r["ok"], _counts(r["retryable"]), _counts(r["other"]),
                     r["orders_acknowledged"], r["orders_stored"], f"{r['p50_ms']:.0f}", f"{r['max_ms']:.0f}",
                     _verdict(r["checks"])])
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
        "  " + aligned(WRITE_COLUMNS),
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
