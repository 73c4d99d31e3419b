"""The report of bench/run.py: its table, its JSON, and the statement counts that were not constant."""

from __future__ import annotations

import argparse
import json
from dataclasses import asdict
from typing import Any

from bench.common import aligned

COLUMNS = (  # header, width (negative: aligned left), how to show a Row
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
    """The table of one database, with its statement scaling underneath."""
    if "skipped" in result:
        return f"{result['database']}: skipped, {result['skipped']}\n"
    lines = [
        f"{result['database']}: {result['accounts']} accounts (seed {result['seed']}), migrate {result['migrate_s']:.1f} s,"
        f" seed {result['seed_s']:.1f} s; {args.requests} measured after {args.warmup} warm-up per scenario",
        aligned(((header, width) for header, width, _ in COLUMNS), sep="  "),
    ]
    for row in result["rows"]:
        lines.append(aligned(((show(row), width) for _, width, show in COLUMNS), sep="  "))
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
