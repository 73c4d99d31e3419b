"""The in-process client of bench/run.py: GraphQL POSTed to the ASGI app one request at a time, and
what each request cost (latency, SQL statements counted on the app's engine) and returned."""

from __future__ import annotations

import json
import time
from dataclasses import dataclass
from typing import Any

import httpx
from sqlalchemy import event
from sqlalchemy.ext.asyncio import AsyncEngine

from bench.common import BenchError


@dataclass
class Sample:
    """One request: what it cost and how much it returned (numbers only: responses are not kept,
    so the measured process does not grow with the number of requests)."""

    ms: float
    statements: int
    size: int  # bytes of the response body
    rows: int  # objects inside lists of the response
    fields: int  # scalar leaves of the response


class StatementCounter:
    """Counts the statements the engine sends to the database (`before_cursor_execute`), except
    the token check every request makes (one indexed lookup, whatever the query)."""

    def __init__(self, engine: AsyncEngine) -> None:
        self.count = 0
        event.listen(engine.sync_engine, "before_cursor_execute", self._count)

    def _count(self, _connection: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        if "FROM api_token" not in statement:
            self.count += 1

    def take(self) -> int:
        count, self.count = self.count, 0
        return count


class Client:
    """POSTs GraphQL to the in-process app, one request at a time, and checks every response."""

    def __init__(self, http: httpx.AsyncClient, counter: StatementCounter) -> None:
        self.http, self.counter = http, counter

    async def post(self, name: str, query: str, variables: dict[str, Any]) -> tuple[Sample, dict[str, Any]]:
        """The request's figures and the response's `data`."""
        self.counter.take()
        start = time.perf_counter()
        response = await self.http.post("/graphql", json={"query": query, "variables": variables})
        ms = (time.perf_counter() - start) * 1000
        statements = self.counter.take()
        data = checked_data(name, variables, response)
        return Sample(ms, statements, len(response.content), count_rows(data), count_fields(data)), data


def checked_data(name: str, variables: dict[str, Any], response: httpx.Response) -> dict[str, Any]:
    """The `data` of a response, or BenchError when it has errors or is not GraphQL at all."""
    try:
        body = response.json()
    except ValueError:
        raise BenchError(f"{name}: HTTP {response.status_code}, not JSON: {response.text[:500]}") from None
    errors = body.get("errors") if isinstance(body, dict) else None
    if response.status_code != 200 or errors or not isinstance(body.get("data"), dict):
        detail = json.dumps(errors if errors else body, ensure_ascii=False)[:2000]
        raise BenchError(f"{name} {json.dumps(variables)}: HTTP {response.status_code}, errors: {detail}")
    return body["data"]


def count_rows(value: Any) -> int:
    """Objects that are elements of lists (accounts, tab rows, edges, tabs), at any depth."""
    if isinstance(value, dict):
        return sum(count_rows(v) for v in value.values())
    if isinstance(value, list):
        return sum((1 if isinstance(v, dict) else 0) + count_rows(v) for v in value)
    return 0


def count_fields(value: Any) -> int:
    """Scalar values (nulls included) anywhere in the response."""
    if isinstance(value, dict):
        return sum(count_fields(v) for v in value.values())
    if isinstance(value, list):
        return sum(count_fields(v) for v in value)
    return 1
