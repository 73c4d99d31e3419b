"""What every benchmark script shares: the project's place, the error that stops a run, progress on
stderr, a check of scratch database names, percentiles and the alignment of table columns."""

from __future__ import annotations

import math
import re
import sys
from collections.abc import Iterable, Sequence
from pathlib import Path

PROJECT_DIR = Path(__file__).resolve().parent.parent
DATABASE_NAME = re.compile(r"[a-z_][a-z0-9_]{0,62}")  # quoted into DROP/CREATE DATABASE: nothing else allowed
GAP = ("", 0)  # an empty cell between two columns: a gap of two separators


class BenchError(Exception):
    """The run cannot go on: a response with errors, data that is not what the scenario needs, a server
    that does not start, a harness that is missing or fails."""


def log(message: str) -> None:
    """Progress on stderr, so that stdout holds only the report."""
    print(message, file=sys.stderr, flush=True)


def is_database_name(name: str) -> bool:
    """Whether `name` is a plain lower-case identifier, safe to use as a scratch database's name."""
    return DATABASE_NAME.fullmatch(name) is not None


def percentile(ordered: Sequence[float], fraction: float) -> float:
    """The nearest-rank percentile of values sorted ascending (`fraction` 0.95 for p95)."""
    return ordered[max(0, math.ceil(fraction * len(ordered)) - 1)]


def aligned(cells: Iterable[tuple[object, int]], sep: str = " ") -> str:
    """Cells padded to their widths, right-aligned (a negative width aligns left), joined by `sep`."""
    return sep.join(f"{value!s:>{width}}" if width >= 0 else f"{value!s:<{-width}}" for value, width in cells)
