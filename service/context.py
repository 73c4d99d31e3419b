"""What every resolver of one request sees as `info.context`."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy.ext.asyncio import AsyncEngine

from loaders.context import Loaders
from service.auth import Principal


@dataclass
class Context:
    request: Any
    response: Any
    engine: AsyncEngine
    loaders: Loaders
    #: names this request in the log and in masked errors (X-Request-ID, given or made)
    request_id: str
    #: the token's holder: what it may do, and its name as the activity log's actor
    principal: Principal

    @property
    def actor(self) -> str:
        return self.principal.name
