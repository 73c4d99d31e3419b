"""What every resolver of one request sees as `info.context`."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from loaders.context import Loaders


@dataclass
class Context:
    request: Any
    response: Any
    loaders: Loaders
