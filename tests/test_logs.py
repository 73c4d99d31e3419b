"""The server log: one JSON line per request (or one for people), its token's name but never the token;
one traceback per distinct error a minute, however many requests fail, under its request's id; no query strings."""

from __future__ import annotations

import io
import json
import logging
import os
import re
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest
import sqlalchemy as sa

from models import Account, Contact, Scope
from service.app import GraphQLView, create_app
from service.auth import create_token, token_hash
from service.logs import (
    ERRORS,
    REQUESTS,
    JsonFormatter,
    PathWithoutQuery,
    TextFormatter,
    ThrottledTracebacks,
    uvicorn_log_config,
)
from service.settings import Settings
from tests.broken_database import BROKEN_QUERY, database_without_vendors
from tests.client import gid

ROOT = Path(__file__).resolve().parent.parent


def _unmigrated_database(tmp_path: Path) -> str:
    """A database without our tables (a botched deploy): every request fails the same way, and not
    as an outage, which the app answers with SERVICE_UNAVAILABLE and a line without a traceback."""
    return f"sqlite+aiosqlite:///{tmp_path / 'empty.db'}"


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def throttled(monkeypatch: pytest.MonkeyPatch) -> tuple[logging.Logger, Clock]:
    """The real error logger with only a throttle on a clock the test moves."""
    clock = Clock()
    logger = logging.getLogger(ERRORS)
    monkeypatch.setattr(logger, "filters", [ThrottledTracebacks(60.0, clock=clock)])
    return logger, clock


def _database_failure(table: str, value: object) -> sa.exc.DBAPIError:
    """A real driver error, raised by SQLite for a statement with this parameter."""
    engine = sa.create_engine("sqlite://")
    try:
        with engine.connect() as connection:
            connection.execute(sa.text(f"SELECT * FROM {table} WHERE id = :id"), {"id": value})
    except sa.exc.DBAPIError as error:
        return error
    finally:
        engine.dispose()
    raise AssertionError("the statement should have failed")


def _log_failure(logger: logging.Logger, error: BaseException, request: int) -> None:
    try:
        raise error
    except BaseException:
        logger.exception("request %s: token check failed", request)


def _tracebacks(records: list[logging.LogRecord]) -> int:
    return sum(record.exc_info is not None for record in records)


def test_fifty_identical_failures_log_one_traceback_and_fifty_lines(throttled, caplog) -> None:
    logger, clock = throttled
    with caplog.at_level(logging.ERROR, logger=ERRORS):
        for request in range(50):
            clock.now += 0.5  # 25 s in all: inside one window
            _log_failure(logger, _database_failure("api_token", f"hash-{request}"), request)
    records = [record for record in caplog.records if record.name == ERRORS]
    assert len(records) == 50 and _tracebacks(records) == 1 and records[0].exc_info is not None
    for request, record in enumerate(records[1:], start=1):
        assert record.getMessage() == (f"request {request}: token check failed "
                                       "[OperationalError (sqlite3.OperationalError); traceback already logged in the last minute]")
    assert "Traceback" not in caplog.text.split("request 1:")[1]


def test_another_error_gets_its_own_traceback_and_a_minute_later_again(throttled, caplog) -> None:
    logger, clock = throttled
    with caplog.at_level(logging.ERROR, logger=ERRORS):
        _log_failure(logger, _database_failure("api_token", 1), 1)
        _log_failure(logger, ConnectionRefusedError(111, "Connect call failed ('127.0.0.1', 5432)"), 2)
        _log_failure(logger, ConnectionRefusedError(111, "Connect call failed ('127.0.0.1', 5433)"), 3)
        _log_failure(logger, _database_failure("vendor", 1), 4)
        clock.now += 59.9
        _log_failure(logger, _database_failure("api_token", 2), 5)
        clock.now += 0.2
        _log_failure(logger, _database_failure("api_token", 3), 6)
        _log_failure(logger, ConnectionRefusedError(111, "Connect call failed ('127.0.0.1', 5432)"), 7)
    shown = [record.args[0] for record in caplog.records if record.exc_info is not None]
    # 3 is 2 again but for a number; 4 is another table; after 60 s both come back, once.
    assert shown == [1, 2, 4, 6, 7]
    assert "ConnectionRefusedError; traceback already" in caplog.records[2].getMessage()


def test_a_storm_of_distinct_errors_is_capped(caplog, monkeypatch) -> None:
    logger = logging.getLogger(ERRORS)
    monkeypatch.setattr(logger, "filters", [ThrottledTracebacks(60.0, max_signatures=10)])
    with caplog.at_level(logging.ERROR, logger=logger.name):
        for request in range(30):
            _log_failure(logger, RuntimeError(f"failure kind {'abcdefghijklmnopqrstuvwxyzABCD'[request]}"), request)
    assert len(caplog.records) == 30 and _tracebacks(caplog.records) == 10


async def test_the_app_logs_one_traceback_for_twenty_identical_failures(caplog, tmp_path) -> None:
    """Through the real app (service/app.py installs the throttle): 20 requests, one traceback."""
    from service.app import create_app
    from service.settings import Settings

    app = create_app(Settings(database_url=_unmigrated_database(tmp_path)))
    transport = httpx.ASGITransport(app=app)
    with caplog.at_level(logging.ERROR, logger=ERRORS):
        async with httpx.AsyncClient(transport=transport, base_url="http://crmgraph.test") as http:
            for _ in range(20):
                reply = await http.post("/graphql", json={"query": "{ accounts { totalCount } }"},
                                        headers={"authorization": "Bearer crm_x"})
                assert reply.status_code == 500
    await app.state.engine.dispose()
    records = [record for record in caplog.records if record.name == ERRORS]
    assert len(records) == 20 and all("token check failed" in record.getMessage() for record in records)
    assert _tracebacks(records) <= 1  # none when an earlier test already logged this error this minute


def _access_record(full_path: str) -> logging.LogRecord:
    """The record uvicorn's HTTP protocols log for each response."""
    return logging.getLogger("uvicorn.access").makeRecord(
        "uvicorn.access", logging.INFO, __file__, 0, '%s - "%s %s HTTP/%s" %d',
        ("127.0.0.1:51234", "GET", full_path, "1.1", 200), None,
    )


def test_the_access_log_config_writes_paths_without_query_strings() -> None:
    from uvicorn.logging import AccessFormatter

    config = uvicorn_log_config("info")
    (name,) = config["loggers"]["uvicorn.access"]["filters"]
    assert config["filters"][name]["()"] is PathWithoutQuery
    formatter = AccessFormatter(config["formatters"]["access"]["fmt"], use_colors=False)
    record = _access_record("/graphql?query=%7Bsearch(text%3A%22Ana%22)%7D&token=crm_secret")
    assert PathWithoutQuery().filter(record)
    line = formatter.format(record)
    assert line.endswith('127.0.0.1:51234 - "GET /graphql HTTP/1.1" 200 OK') and "secret" not in line
    assert formatter.format(_access_record("/a%3Fb")).endswith('"GET /a%3Fb HTTP/1.1" 200 OK')


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_serve_logs_json_lines_one_traceback_for_repeated_failures_and_no_query_string(tmp_path) -> None:
    """`crmgraph serve` as run in production, for a few seconds, on 127.0.0.1 only: every line is a
    JSON object; each request to /graphql has its line (uvicorn's access log is off), and the 30
    identical failures one traceback, under the id of the request it happened in."""
    port = _free_port()
    env = {**os.environ, "CRMGRAPH_DATABASE_URL": _unmigrated_database(tmp_path)}
    env.pop("CRMGRAPH_LOG_FORMAT", None)
    server = subprocess.Popen(
        [sys.executable, "-m", "service.cli", "serve", "--host", "127.0.0.1", "--port", str(port)],
        cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )
    try:
        base = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 30
        with httpx.Client(base_url=base, timeout=5) as http:
            while True:
                try:
                    health = http.get("/health", params={"token": "crm_secret"})
                    break
                except httpx.TransportError:
                    assert time.monotonic() < deadline and server.poll() is None, "the server did not start"
                    time.sleep(0.1)
            assert health.status_code == 200
            ids = []
            for _ in range(30):
                reply = http.post("/graphql", params={"search": "secret-term"},
                                  json={"query": "{ accounts { totalCount } }"},
                                  headers={"authorization": "Bearer crm_secret"})
                assert reply.status_code == 500
                ids.append(reply.headers["x-request-id"])
                assert reply.json()["errors"][0]["extensions"] == {"code": "INTERNAL_SERVER_ERROR", "requestId": ids[-1]}
    finally:
        server.send_signal(signal.SIGINT)
        try:
            output, _ = server.communicate(timeout=15)
        except subprocess.TimeoutExpired:
            server.kill()
            output, _ = server.communicate()
    assert "secret" not in output
    entries = [json.loads(line) for line in output.splitlines() if line.strip()]  # every line parses
    requests = [entry for entry in entries if entry["logger"] == REQUESTS]
    assert [entry["request_id"] for entry in requests] == ids and not any(e["logger"] == "uvicorn.access" for e in entries)
    assert all((e["status"], e["outcome"], e["error_codes"], e["path"], e["token"]) ==
               (500, "internal_error", ["INTERNAL_SERVER_ERROR"], "/graphql", None) for e in requests)
    failures = [entry for entry in entries if entry["logger"] == ERRORS]
    assert [entry["request_id"] for entry in failures] == ids
    assert all(f"request {entry['request_id']}: token check failed" in entry["message"] for entry in failures)
    (traceback,) = [entry for entry in failures if "traceback" in entry]
    assert traceback["request_id"] == ids[0] and traceback["traceback"].startswith("Traceback")


# --- one line per request ------------------------------------------------------------------------------

LINE_FIELDS = {"time", "level", "logger", "message", "request_id", "method", "path", "status", "outcome", "duration_ms",
               "token", "operation", "operation_type", "statements", "rows", "cost", "error_codes"}


class Written:
    """What our loggers write while the block runs, through a handler with `formatter`, as the server's
    handlers write it: formatted while the request runs, so the request's id is known."""

    def __init__(self, formatter: logging.Formatter) -> None:
        self.stream = io.StringIO()
        self.handler = logging.StreamHandler(self.stream)
        self.handler.setFormatter(formatter)
        self.handler.addFilter(ThrottledTracebacks())  # as uvicorn_log_config sets it
        self.levels: dict[str, int] = {}

    def __enter__(self) -> Written:
        for name in (REQUESTS, ERRORS):
            logger = logging.getLogger(name)
            self.levels[name] = logger.level
            logger.setLevel(logging.INFO)
            logger.addHandler(self.handler)
        return self

    def __exit__(self, *_: object) -> None:
        for name, level in self.levels.items():
            logging.getLogger(name).removeHandler(self.handler)
            logging.getLogger(name).setLevel(level)

    @property
    def text(self) -> str:
        return self.stream.getvalue()

    def entries(self, logger: str = REQUESTS) -> list[dict]:
        """The JSON objects written by `logger`."""
        return [entry for entry in map(json.loads, self.text.splitlines()) if entry["logger"] == logger]


async def _post(gql, body: object, token: str | None, **headers: str) -> httpx.Response:  # noqa: ANN001
    if token is not None:
        headers["authorization"] = f"Bearer {token}"
    return await gql.http.post("/graphql", json=body, headers=headers)


async def test_a_request_logs_one_json_line_with_every_field(gql, factory) -> None:
    account = await factory.insert(Account)
    for _ in range(2):
        await factory.insert(Contact, account_id=account)
    query = "query LogAccount($id: ID!) { account(id: $id) { name contacts(first: 5) { nodes { id } } } }"
    ran: list[str] = []

    def count(_conn, _cursor, statement, *_args) -> None:  # noqa: ANN001
        ran.append(statement)

    sa.event.listen(gql.engine.sync_engine, "before_cursor_execute", count)
    try:
        with Written(JsonFormatter()) as log:
            reply = await _post(gql, {"query": query, "variables": {"id": gid("Account", account)}}, gql.tokens["read"],
                                **{"x-request-id": "trace-4f2a"})
    finally:
        sa.event.remove(gql.engine.sync_engine, "before_cursor_execute", count)
    assert reply.status_code == 200 and reply.headers["x-request-id"] == "trace-4f2a"
    (line,) = log.entries()
    assert log.text.count("\n") == 1
    assert set(line) == LINE_FIELDS
    assert {key: line[key] for key in LINE_FIELDS - {"time", "duration_ms", "message"}} == {
        "level": "info", "logger": REQUESTS, "request_id": "trace-4f2a", "method": "POST", "path": "/graphql",
        "status": 200, "outcome": "ok", "token": "test-read", "operation": "LogAccount", "operation_type": "query",
        "statements": len(ran), "rows": 1 + 2, "cost": reply.json()["extensions"]["cost"]["requestedNodes"], "error_codes": [],
    }
    assert line["duration_ms"] > 0 and line["message"].startswith("POST /graphql 200 ok ")
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z", line["time"])


async def test_errors_refusals_and_batches_are_in_their_line(gql) -> None:
    level = "contacts(first: 1) { nodes { account { %s } } }"
    too_deep = "query LogTooDeep { accounts(first: 1) { nodes { " + level % (level % (level % (level % "id"))) + " } } }"
    bad = 'mutation LogBad { createAccount(input: {name: " ", rfc: "EKU9003173C9", taxRegime: "601", cfdiUse: "G03"}) ' \
          '{ errors { code } account { id } } }'
    with Written(JsonFormatter()) as log:
        user_error = await _post(gql, {"query": bad}, gql.tokens["write"])
        refused = await _post(gql, {"query": too_deep}, gql.tokens["read"])
        anonymous = await _post(gql, {"query": "{ __typename }"}, None)
        batch = await _post(gql, [{"query": "query LogA { __typename }"}, {"query": "{ __typename }"}], gql.tokens["read"])
    lines = log.entries()
    assert [line["request_id"] for line in lines] == [
        reply.headers["x-request-id"] for reply in (user_error, refused, anonymous, batch)]
    assert all(re.fullmatch(r"[0-9a-f]{32}", line["request_id"]) for line in lines)  # none was sent: made up
    summary = [(line["status"], line["outcome"], line["token"], line["operation"], line["operation_type"], line["error_codes"])
               for line in lines]
    assert summary == [
        (200, "user_error", "test-write", "LogBad", "mutation", ["REQUIRED"]),
        (200, "refused", "test-read", "LogTooDeep", "query", ["GRAPHQL_VALIDATION_FAILED"]),
        (401, "refused", None, None, None, ["UNAUTHENTICATED"]),
        (200, "ok", "test-read", "LogA,(anonymous)", "query,query", []),
    ]
    assert lines[-1]["batch"] == 2 and "batch" not in lines[0]


async def test_no_token_reaches_the_log_only_its_name(gql, caplog) -> None:
    secret = "crm_" + "s3cr3t" * 7  # shaped like a token, known to nobody
    with caplog.at_level(logging.DEBUG), Written(JsonFormatter()) as log, Written(TextFormatter()) as text:
        for token in (*gql.tokens.values(), secret):
            await _post(gql, {"query": "query LogTokens { accounts(first: 1) { totalCount } }"}, token,
                        **{"x-request-id": "tokens"})
        await gql.http.get("/metrics", headers={"authorization": f"Bearer {secret}"})
    written = "\n".join([log.text, text.text, caplog.text])
    assert [line["token"] for line in log.entries()] == ["test-read", "test-write", "test-admin", None]
    for token in (*gql.tokens.values(), secret):
        assert token not in written and token_hash(token) not in written and token[4:20] not in written


async def test_the_text_format_is_one_line_for_people(gql) -> None:
    with Written(TextFormatter()) as log:
        await _post(gql, {"query": "query LogText { accounts(first: 1) { totalCount } }"}, gql.tokens["read"],
                    **{"x-request-id": "trace-text"})
    (line,) = log.text.splitlines()
    assert re.fullmatch(r"\d\d:\d\d:\d\d INFO    POST /graphql 200 ok \d+\.\d ms query LogText  token=test-read "
                        r"statements=\d+ rows=\d+ cost=1 errors=- id=trace-text", line), line
    assert uvicorn_log_config("info", "text")["handlers"]["requests"]["formatter"] == "text"
    config = uvicorn_log_config("info")
    assert config["handlers"]["requests"]["formatter"] == config["handlers"]["default"]["formatter"] == "json"
    assert config["formatters"]["json"]["()"] is JsonFormatter and config["loggers"][REQUESTS]["propagate"] is False


@pytest.fixture(scope="module")
def broken_database(tmp_path_factory: pytest.TempPathFactory):  # noqa: ANN201
    with database_without_vendors(tmp_path_factory.mktemp("broken")) as url:
        yield url


async def test_an_unexpected_error_logs_its_traceback_once_under_the_request_id(broken_database) -> None:
    app = create_app(Settings(database_url=broken_database))
    try:
        token = await create_token(app.state.engine, "log-broken", {Scope.READ})
        with Written(JsonFormatter()) as log:
            async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://crmgraph.test") as http:
                answers = [(await http.post("/graphql", json={"query": BROKEN_QUERY},
                                            headers={"authorization": f"Bearer {token}", "x-request-id": request_id})).json()
                           for request_id in ("broken-1", "broken-2")]
    finally:
        await app.state.engine.dispose()
    assert [answer["errors"][0]["extensions"] for answer in answers] == [
        {"code": "INTERNAL_SERVER_ERROR", "requestId": "broken-1"}, {"code": "INTERNAL_SERVER_ERROR", "requestId": "broken-2"}]
    failures = log.entries(ERRORS)
    assert [failure["request_id"] for failure in failures] == ["broken-1", "broken-2"]
    assert "no such table: vendor" in failures[0]["traceback"] and "traceback" not in failures[1]
    assert "traceback already logged in the last minute" in failures[1]["message"]
    lines = log.entries()
    assert [(line["request_id"], line["operation"], line["outcome"], line["error_codes"]) for line in lines] == [
        (request_id, "Broken", "internal_error", ["INTERNAL_SERVER_ERROR"]) for request_id in ("broken-1", "broken-2")]
    assert not any("traceback" in line for line in lines)


async def test_a_failure_outside_any_resolver_is_a_json_500_with_one_traceback(gql, monkeypatch) -> None:
    def broken(*_args: object) -> bool:
        raise RuntimeError("a bug in the view")

    monkeypatch.setattr(GraphQLView, "_is_ide_page", broken)
    with Written(JsonFormatter()) as log:
        reply = await _post(gql, {"query": "{ __typename }"}, gql.tokens["read"], **{"x-request-id": "view-bug"})
    assert reply.status_code == 500
    assert reply.json()["errors"][0]["extensions"] == {"code": "INTERNAL_SERVER_ERROR", "requestId": "view-bug"}
    (failure,) = log.entries(ERRORS)
    assert (failure["message"], failure["request_id"]) == ("request view-bug: unexpected error", "view-bug")
    assert failure["traceback"].endswith("RuntimeError: a bug in the view")
    (line,) = log.entries()
    assert (line["status"], line["outcome"], line["request_id"]) == (500, "internal_error", "view-bug")
