"""The ASGI middleware that caps a request's body (CRMGRAPH_MAX_BODY_BYTES) before anything reads it."""

from __future__ import annotations

from starlette.responses import JSONResponse
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from loaders.errors import RequestErrorCode
from service.responses import error_body


class BodyTooLarge(Exception):
    """Raised from `receive` once a streamed body passes the limit; `BodySizeLimit` answers it with a 413."""


class BodySizeLimit:
    """413 for a request body over the limit, declared or streamed, before anything reads it."""

    def __init__(self, app: ASGIApp, max_bytes: int) -> None:
        self.app, self.max_bytes = app, max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = dict(scope["headers"]).get(b"content-length", b"0")
        if not declared.isdigit() or int(declared) > self.max_bytes:
            await self._refuse(scope, receive, send)
            return
        received = 0

        async def counted() -> Message:
            nonlocal received
            message = await receive()
            received += len(message.get("body", b""))
            if received > self.max_bytes:
                raise BodyTooLarge
            return message

        try:
            await self.app(scope, counted, send)
        except BodyTooLarge:
            await self._refuse(scope, receive, send)

    async def _refuse(self, scope: Scope, receive: Receive, send: Send) -> None:
        message = f"request body over {self.max_bytes} bytes (CRMGRAPH_MAX_BODY_BYTES)"
        response = JSONResponse(error_body(message, RequestErrorCode.PAYLOAD_TOO_LARGE), 413)
        await response(scope, receive, send)
