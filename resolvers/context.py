"""What resolvers use of a request's `info.context`, as a protocol: resolvers never import the app.

`service/context.py` `Context` is the one the app makes (mypy checks it against this there).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Protocol, TypeAlias

import strawberry
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from loaders.context import Loaders
from models import Scope


class Permissions(Protocol):
    """What a request's token may do."""

    def may(self, scope: Scope) -> bool:
        """Whether the token holds `scope` (or a scope that includes it)."""
        ...


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
    def principal(self) -> Permissions:
        """Who acts, as far as what they may do: mutations need the WRITE scope."""
        ...

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


#: The `info` a resolver gets: its context is a RequestContext (the root value is unused).
RequestInfo: TypeAlias = strawberry.Info[RequestContext, None]
