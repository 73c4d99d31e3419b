"""A small GraphQL client over the ASGI app that also counts the SQL statements of each request, and what
tests of requests share: ids as the API writes them, the token header, and the database's row counts."""

from __future__ import annotations

import base64
from dataclasses import dataclass, field
from typing import Any

import httpx
import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.ext.asyncio import AsyncEngine
from sqlmodel import SQLModel


@dataclass
class Response:
    status: int
    body: dict[str, Any]
    statements: list[str] = field(default_factory=list)

    @property
    def data(self) -> dict[str, Any]:
        assert "errors" not in self.body, self.body["errors"]
        return self.body["data"]

    @property
    def errors(self) -> list[dict[str, Any]]:
        assert self.body.get("errors"), f"expected errors, got {self.body}"
        return self.body["errors"]


class GraphQLClient:
    def __init__(self, http: httpx.AsyncClient, engine: AsyncEngine, tokens: dict[str, str]) -> None:
        self.http = http
        self.engine = engine
        self.tokens = tokens  # scope name -> a live token with that scope

    async def __call__(
        self, query: str, variables: dict[str, Any] | None = None, *, scope: str = "write", **headers: str
    ) -> Response:
        """POST as a holder of a `scope` token; count the statements (but the token check)."""
        statements: list[str] = []
        headers = {"authorization": f"Bearer {self.tokens[scope]}", **headers}

        def count(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
            if "FROM api_token" not in statement:
                statements.append(statement)

        event.listen(self.engine.sync_engine, "before_cursor_execute", count)
        try:
            reply = await self.http.post("/graphql", json={"query": query, "variables": variables or {}}, headers=headers)
        finally:
            event.remove(self.engine.sync_engine, "before_cursor_execute", count)
        return Response(reply.status_code, reply.json(), statements)


def bearer(token: str) -> dict[str, str]:
    """The authorization header of a request made with `token`."""
    return {"authorization": f"Bearer {token}"}


def gid(type_name: str, pk: int) -> str:
    """The global id of a row, as a client never computes it but a test may."""
    return base64.b64encode(f"{type_name}:{pk}".encode()).decode()


def pk(global_id: str) -> int:
    """The primary key in a global id."""
    return int(base64.b64decode(global_id).decode().split(":")[1])


async def row_counts(engine: AsyncEngine, *models: type) -> tuple[int, ...]:
    """How many rows each table has: equal before and after, nothing was written."""
    async with engine.connect() as connection:
        return tuple([
            (await connection.execute(sa.select(sa.func.count()).select_from(model.__table__))).scalar_one()
            for model in models
        ])


async def fingerprint(engine: AsyncEngine) -> dict[str, tuple[int, int]]:
    """Rows and the largest id of every table: a write anywhere changes it."""
    out = {}
    async with engine.connect() as connection:
        for table in SQLModel.metadata.sorted_tables:
            if table.name == "api_token":
                continue
            biggest = sa.func.max(table.c.id) if "id" in table.c else sa.literal(0)
            out[table.name] = tuple((await connection.execute(sa.select(sa.func.count(), biggest).select_from(table))).one())
    return out
