"""What resolvers use of a request's `info.context`, as a protocol: resolvers never import the app.

`service/context.py` `Context` is the one the app makes (`service/app.py` checks it against this).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Protocol

from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from loaders.context import Loaders


class RequestContext(Protocol):
    #: the request's loaders; a mutation gives their connection back before it writes
    loaders: Loaders
    #: where a preview's rolled-back session connects (`read_session`)
    engine: AsyncEngine
    #: names the request in the log
    request_id: str
    #: run inside every write transaction of the request, just before its commit
    before_commit: list[Callable[[AsyncConnection], Awaitable[None]]]

    @property
    def actor(self) -> str:
        """Who acts: the token's name, the activity log's actor."""
        ...

    async def begin_write(self) -> AsyncConnection:
        """A connection in a write transaction, with the request's retries and deadline."""
        ...

    def note_commit(self) -> None:
        """A write of this request has committed."""
        ...
