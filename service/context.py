"""What every resolver of one request sees as `info.context`: a `resolvers.context.RequestContext`."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from loaders.context import Loaders
from service.auth import Principal
from service.db import begin_write


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

    async def begin_write(self) -> AsyncConnection:
        """A connection in a write transaction, retried while SQLite is locked, within the request's deadline."""
        return await begin_write(self.engine, self.busy_retries, self.loaders.reader.deadline)

    def note_commit(self) -> None:
        """A write of this request has committed: its answer must never say "nothing was written"."""
        self.response.committed_write = True

    @property
    def actor(self) -> str:
        return self.principal.name


if TYPE_CHECKING:  # mypy checks here that this is what resolvers expect of a context
    from resolvers.context import RequestContext

    _conforms: type[RequestContext] = Context
