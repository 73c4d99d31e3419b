"""Whether crmgraph and PostGraphile answered the same data: both answers walked side by side, their
differences of form mapped (ids, `{ nodes }`, link tables, numbers, timestamps, tab counts)."""

from __future__ import annotations

import datetime as dt
import json
import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from bench.peer_shapes import pk_of


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
