"""A cache keyed by the identity of objects that are handed out again (parsed documents, statements)."""

from __future__ import annotations

from collections import OrderedDict
from typing import Any


class IdentityCache:
    """Values by the identity of one or more objects, least recently used first out. An entry holds
    its objects, so an id cannot name another object while the entry lives."""

    def __init__(self, size: int) -> None:
        self.size = size
        self._entries: OrderedDict[tuple[int, ...], tuple[tuple[Any, ...], Any]] = OrderedDict()

    def get(self, *objects: Any) -> tuple[bool, Any]:
        key = tuple(map(id, objects))
        entry = self._entries.get(key)
        if entry is None or any(a is not b for a, b in zip(entry[0], objects, strict=True)):
            return False, None
        self._entries.move_to_end(key)
        return True, entry[1]

    def put(self, value: Any, *objects: Any) -> Any:
        self._entries[tuple(map(id, objects))] = (objects, value)
        if len(self._entries) > self.size:
            self._entries.popitem(last=False)
        return value
