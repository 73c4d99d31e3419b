"""The demo's Spanish word lists, read from `data/<area>.json` (shipped as package data).

Lists come back as tuples, objects as tuples of the fields asked for, in that order: the shapes
the seeder draws from with `random.Random` (the same pools in the same order give the same rows).
"""

from __future__ import annotations

import json
from functools import cache
from importlib.resources import files
from typing import Any


@cache
def _area(area: str) -> dict[str, Any]:
    return json.loads((files(__package__) / "data" / f"{area}.json").read_text(encoding="utf-8"))


def _frozen(value: Any) -> Any:
    if isinstance(value, list):
        return tuple(_frozen(item) for item in value)
    if isinstance(value, dict):
        return {key: _frozen(item) for key, item in value.items()}
    return value


def pool(area: str, name: str) -> Any:
    """The list (as a tuple) or object (as a dict of tuples) `name` of `data/<area>.json`."""
    return _frozen(_area(area)[name])


def records(area: str, name: str, *fields: str) -> tuple[tuple[Any, ...], ...]:
    """The list of objects `name` of `data/<area>.json`, each as the tuple of its `fields`."""
    return tuple(tuple(row[field] for field in fields) for row in _area(area)[name])
