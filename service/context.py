"""What every resolver of one request sees as `info.context`."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

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
    #: times a write retries a locked SQLite database (CRMGRAPH_BUSY_RETRIES)
    busy_retries: int = 4
    #: run inside every write transaction of the request, just before its commit (the idempotency mark)
    before_commit: list[Callable[[AsyncConnection], Awaitable[None]]] = field(default_factory=list)
    #: rows the operations of this request may read, by the node budget: a batch shares one budget
    requested_nodes: int = 0

    def note_commit(self) -> None:
        """A write of this request has committed: its answer must never say "nothing was written"."""
        self.response.committed_write = True

    @property
    def actor(self) -> str:
        return self.principal.name
