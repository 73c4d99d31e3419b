"""What every resolver of one request sees as `info.context`."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy.ext.asyncio import AsyncEngine

from loaders.context import Loaders


@dataclass
class Context:
    request: Any
    response: Any
    engine: AsyncEngine
    loaders: Loaders
    #: names this request in the log and in masked errors (X-Request-ID, given or made)
    request_id: str
    #: who is acting, as the activity log records it
    actor: str = "api"
