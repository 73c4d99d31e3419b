"""The summary bench/peer.py ends with: crm over pgl per shape with its target, throughput, one worker
vs two, and the big account vs the small one."""

from __future__ import annotations

from typing import Any

from bench.common import aligned
from bench.peer_measure import Figures
from bench.peer_shapes import BIG_INVOICES, SMALL_INVOICES, Shape

LATENCY_TARGET, THROUGHPUT_TARGET, BIG_SMALL_TARGET = 1.5, 0.7, 2.0


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


# Column widths of the summary's tables (negative: aligned left); a width 0 with an empty cell widens a gap.
SHAPE_WIDTHS = (-10, -52, 8, 8, 7, 7, 4, 14)
THROUGHPUT_WIDTHS = (-24, 10, 10, 8, 7, 4)
WORKER_WIDTHS = (-24, 10, 10, 8, 0, 0)
BIG_SMALL_WIDTHS = (-34, 10, 12, 10, 7, 4)


def line(values: tuple[object, ...], widths: tuple[int, ...]) -> str:
    """One indented line of a summary table."""
    return "  " + aligned(zip(values, widths, strict=True))


def shape_lines(figures: Figures, compared: list[Shape], invoices: list[Shape]) -> list[str]:
    """p50 of crm and pgl per shape, their ratio against its target, and statements per request."""
    lines = [line(("shape", "what", "crm p50", "pgl p50", "ratio", "target", "met", "stmts crm/pgl"), SHAPE_WIDTHS)]
    for shape in compared + invoices:
        row = figures.shapes.get(shape.name, {})
        statements = f"{counts(row.get('crm_statements'))}/{counts(row.get('pgl_statements'))}"
        timed = shape in compared
        lines.append(line((shape.name, shape.what, fmt(row.get("crm_p50_ms")), fmt(row.get("pgl_p50_ms")),
                           fmt(row.get("ratio"), "x"), "<=1.5x" if timed else "",
                           met(row.get("ratio"), LATENCY_TARGET) if timed else "", statements), SHAPE_WIDTHS))
    return lines


def throughput_lines(figures: Figures) -> list[str]:
    """crm req/s over pgl's at the same number of clients."""
    clients = figures.database["clients"]
    lines = [line((f"throughput, {clients} clients", "crm req/s", "pgl req/s", "crm/pgl", "target", "met"),
                  THROUGHPUT_WIDTHS)]
    for name, row in figures.throughput.items():
        lines.append(line((name, fmt(row["crm_rps"]), fmt(row["pgl_rps"]), fmt(row["ratio"]), ">=0.7",
                           met(row["ratio"], THROUGHPUT_TARGET, at_most=False)), THROUGHPUT_WIDTHS))
    return lines


def worker_lines(figures: Figures) -> list[str]:
    """The one-worker server against the two-worker one."""
    wanted = {"typename_p50_ms": "about 1", "tab_p50_ms": "about 1", "tab_rps": "close to 2"}
    names = {"typename_p50_ms": "{ __typename } p50 ms", "tab_p50_ms": "tab page p50 ms",
             "tab_rps": f"tab page req/s ({figures.database['clients']} cl.)"}
    lines = [line(("crmgraph workers", "1 worker", "2 workers", "2w/1w", "", "wanted"), WORKER_WIDTHS)]
    for key, row in figures.workers.items():
        lines.append(line((names[key], fmt(row["1w"]), fmt(row["2w"]), fmt(row["2w/1w"]), "", wanted[key]),
                          WORKER_WIDTHS))
    return lines


def big_small_lines(figures: Figures) -> list[str]:
    """The invoices tab of the big account over the small one's, PostGraphile's for reference."""
    lines = [line(("big vs small, p50 ms", f"{SMALL_INVOICES} inv.", f"{BIG_INVOICES:,} inv.", "big/small", "target",
                   "met"), BIG_SMALL_WIDTHS)]
    for system, row in figures.big_small.items():
        mine = system.startswith("crm")
        target, verdict = ("<=2x", met(row["ratio"], BIG_SMALL_TARGET)) if mine else ("(ref.)", "")
        lines.append(line((f"{system[:3]} {row['what']}", fmt(row["small_p50_ms"]), fmt(row["big_p50_ms"]),
                           fmt(row["ratio"], "x"), target, verdict), BIG_SMALL_WIDTHS))
    return lines


def print_summary(figures: Figures, compared: list[Shape], invoices: list[Shape]) -> None:
    """The summary's tables, one after the other, and the problems found on the way."""
    db = figures.database
    print(f"\n== summary: crmgraph ({db['crm']}) vs PostGraphile 5, PostgreSQL {db['name']}, {db['accounts']} accounts;"
          f" p50 in ms, interleaved")
    print("\n".join(shape_lines(figures, compared, invoices)))
    print(f"  statements: {figures.statements_note}")
    for lines in (throughput_lines(figures), worker_lines(figures), big_small_lines(figures)):
        print("\n" + "\n".join(lines))
    if figures.errors:
        print(f"\n  {len(figures.errors)} problem(s):")
        for error in figures.errors:
            print(f"    {error}")
