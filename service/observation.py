"""What one request to /graphql did, gathered while it runs: its operations, its SQL statements, the
rows it read, its node-budget cost, its status, outcome and error codes. When it is answered this
becomes one log line (service.logs) and the metrics (service.metrics)."""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextvars import ContextVar, Token
from dataclasses import dataclass
from typing import Any

import orjson
from sqlalchemy import event
from sqlalchemy.engine import Engine
from starlette.requests import Request
from starlette.responses import Response
from strawberry.extensions import SchemaExtension

from loaders.errors import RETRYABLE_CODES, RequestErrorCode
from service import logs, metrics

#: The request being served. Tasks a request starts (graphql-core's, the dataloaders') copy it, and
#: SQLAlchemy carries it into the greenlet that runs each statement.
CURRENT: ContextVar[Observation | None] = ContextVar("crmgraph_observation", default=None)

OK, USER_ERROR, REFUSED, INTERNAL_ERROR = metrics.OUTCOMES
_WORST = {OK: 0, USER_ERROR: 1, REFUSED: 2, INTERNAL_ERROR: 3}
#: Codes of an operation the service turned away, whatever its document: limits, tokens, the database's state.
REFUSAL_CODES = frozenset({
    RequestErrorCode.UNAUTHENTICATED, RequestErrorCode.FORBIDDEN, RequestErrorCode.RATE_LIMITED, RequestErrorCode.QUERY_TOO_COSTLY, RequestErrorCode.QUERY_TOO_COMPLEX, RequestErrorCode.PAYLOAD_TOO_LARGE,
    RequestErrorCode.PERSISTED_QUERY_NOT_FOUND, *RETRYABLE_CODES,
})
#: A refusal's body is a few hundred bytes; a longer one not made by the view is not read back.
_READ_BACK_LIMIT = 65_536


@dataclass(slots=True)
class Operation:
    """One operation of the request, as Strawberry parsed it."""

    name: str | None  # None: an anonymous operation
    type: str  # query, mutation, subscription; "unknown" when the document did not parse
    seconds: float


class Observation:
    """The figures of one request, filled in while it runs; `answered` writes them out."""

    __slots__ = ("request", "request_id", "started", "operations", "statements", "context", "status",
                 "seconds", "outcomes", "error_codes", "_token", "_log_token")

    def __init__(self, request: Request, request_id: str) -> None:
        self.request, self.request_id = request, request_id
        self.started = time.perf_counter()
        self.operations: list[Operation] = []
        self.statements = 0
        self.context: Any = None  # the request's Context, once an operation has begun
        self.status = 0
        self.seconds = 0.0
        self.outcomes: list[str] = []  # one per answer (a batch has several)
        self.error_codes: list[str] = []
        self._token: Token[Observation | None] | None = None
        self._log_token: Token[str | None] | None = None

    def __enter__(self) -> Observation:
        self._token = CURRENT.set(self)
        self._log_token = logs.REQUEST_ID.set(self.request_id)
        return self

    def __exit__(self, error_type: type[BaseException] | None, *_: Any) -> None:
        try:
            if error_type is not None and not self.status:  # cancelled: the client went away
                self.seconds = time.perf_counter() - self.started
                self.status = 499
                logs.log_request(self.summary(), self.fields())
        finally:
            CURRENT.reset(self._token)  # type: ignore[arg-type]
            logs.REQUEST_ID.reset(self._log_token)  # type: ignore[arg-type]

    # Filled in while the request runs.

    @property
    def rows(self) -> int:
        reader = getattr(getattr(self.context, "loaders", None), "reader", None)
        return getattr(reader, "rows_read", 0)

    @property
    def cost(self) -> int:
        return getattr(self.context, "requested_nodes", 0)

    @property
    def token_name(self) -> str | None:
        principal = getattr(self.request.state, "principal", None)
        return getattr(principal, "name", None)

    @property
    def outcome(self) -> str:
        return max(self.outcomes, key=_WORST.__getitem__, default=OK)

    # Written out once the answer is made.

    def answered(self, response: Response) -> None:
        """Read the answer (its status, and the errors in it), then log it and count it."""
        self.seconds = time.perf_counter() - self.started
        self.status = response.status_code
        answers = getattr(response, "graphql_answers", None)
        if answers is None:
            answers = _read_back(response)
        for answer in answers if isinstance(answers, list) else [answers]:
            codes = error_codes(answer)
            self.error_codes.extend(codes)
            self.outcomes.append(outcome(answer, codes, self.status))
        if not self.outcomes:
            self.outcomes.append(INTERNAL_ERROR if self.status >= 500 else REFUSED if self.status >= 400 else OK)
        metrics.record(self)
        logs.log_request(self.summary(), self.fields())

    def refused(self, status: int, code: str) -> None:
        """A request that a middleware answers (a body over the limit), not the view."""
        self.seconds = time.perf_counter() - self.started
        self.status = status
        self.error_codes.append(code)
        self.outcomes.append(REFUSED)
        metrics.record(self)
        logs.log_request(self.summary(), self.fields())

    def answered_operations(self) -> Iterator[tuple[Operation | None, str, float]]:
        """(operation, its outcome, its seconds) for each answer; the operation is None for a request
        refused before any was read. A lone operation takes the request's time (what its client waited)."""
        single = len(self.outcomes) == 1
        for index, result in enumerate(self.outcomes):
            operation = self.operations[index] if index < len(self.operations) else None
            seconds = self.seconds if single or operation is None else operation.seconds
            yield operation, result, seconds

    def summary(self) -> str:
        line = f"{self.request.method} {self.request.scope['path']} {self.status} {self.outcome} {self.seconds * 1000:.1f} ms"
        names = ", ".join(f"{o.type} {_shown(o.name) or metrics.ANONYMOUS}" for o in self.operations)
        return f"{line} {names}" if names else line

    def fields(self) -> dict[str, Any]:
        """The request's log line: never the token, only its name."""
        operations = self.operations
        fields: dict[str, Any] = {
            "request_id": self.request_id,
            "method": self.request.method,
            "path": self.request.scope["path"],  # never the query string: it may hold a token or a search
            "status": self.status,
            "outcome": self.outcome,
            "duration_ms": round(self.seconds * 1000, 2),
            "token": self.token_name,
            "operation": ",".join(_shown(o.name) or metrics.ANONYMOUS for o in operations) if operations else None,
            "operation_type": ",".join(o.type for o in operations) if operations else None,
            "statements": self.statements,
            "rows": self.rows,
            "cost": self.cost,
            "error_codes": self.error_codes,
        }
        if len(operations) > 1:
            fields["batch"] = len(operations)
        return fields


def _shown(name: str | None) -> str | None:
    """An operation name as the log shows it: the client chose it, so it is cut short."""
    if name is None or len(name) <= metrics.MAX_LABEL_LENGTH:
        return name
    return name[: metrics.MAX_LABEL_LENGTH] + "..."


def _read_back(response: Response) -> Any:
    """The answer in a response the view did not build from a result (a refusal, a stored answer)."""
    body = getattr(response, "body", b"")
    if not body or len(body) > _READ_BACK_LIMIT or "json" not in response.headers.get("content-type", ""):
        return []
    try:
        return orjson.loads(body)
    except orjson.JSONDecodeError:
        return []


def error_codes(answer: Any) -> list[str]:
    """The codes of an answer's errors, and of the user errors in its mutations' payloads. An error
    without a code is named as Apollo names it: a document that did not parse or validate."""
    if not isinstance(answer, dict):
        return []
    codes = []
    for error in answer.get("errors") or ():
        if not isinstance(error, dict):
            continue
        code = (error.get("extensions") or {}).get("code")
        if not isinstance(code, str):
            if "path" in error:
                code = "UNCODED"
            elif str(error.get("message", "")).startswith("Syntax Error"):
                code = "GRAPHQL_PARSE_FAILED"
            else:
                code = "GRAPHQL_VALIDATION_FAILED"
        codes.append(code)
    data = answer.get("data")
    if isinstance(data, dict):
        for payload in data.values():  # a mutation's payload: `errors: [UserError]` beside its node
            problems = payload.get("errors") if isinstance(payload, dict) else None
            if isinstance(problems, list):
                codes.extend(p["code"] for p in problems if isinstance(p, dict) and isinstance(p.get("code"), str))
    return codes


def outcome(answer: Any, codes: list[str], status: int) -> str:
    """ok, user_error (the client's input), refused (turned away before or instead of running), or
    internal_error (ours: masked, with a request id in the log)."""
    if RequestErrorCode.INTERNAL_SERVER_ERROR in codes or status == 500:
        return INTERNAL_ERROR
    errors = (answer.get("errors") if isinstance(answer, dict) else None) or []
    before_execution = bool(errors) and answer.get("data") is None and all(
        not isinstance(e, dict) or "path" not in e for e in errors
    )
    if before_execution or REFUSAL_CODES.intersection(codes) or (status >= 400 and not codes):
        return REFUSED
    return USER_ERROR if codes else OK


class OperationFacts(SchemaExtension):
    """Notes each operation's name, type and time on the request's observation."""

    def on_operation(self) -> Iterator[None]:
        observation = CURRENT.get()
        started = time.perf_counter()
        try:
            yield
        finally:
            if observation is not None:
                context = self.execution_context
                try:
                    kind = context.operation_type.value
                except Exception:  # noqa: BLE001 - no document, or no operation of that name in it
                    kind = "unknown"
                observation.operations.append(Operation(context.operation_name, kind, time.perf_counter() - started))
                observation.context = context.context


def _count_statement(*_: Any) -> None:
    observation = CURRENT.get()
    if observation is not None:
        observation.statements += 1


# Every statement of every engine, read or write, Core, ORM or the Reader's asyncpg path (which tells
# these listeners as SQLAlchemy does): each reaches this listener once.
if not event.contains(Engine, "before_cursor_execute", _count_statement):
    event.listen(Engine, "before_cursor_execute", _count_statement)
