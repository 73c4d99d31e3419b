"""The server log: one traceback per distinct error a minute, however many requests fail; no query strings."""

from __future__ import annotations

import logging
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest
import sqlalchemy as sa

from service.logs import ERRORS, PathWithoutQuery, ThrottledTracebacks, uvicorn_log_config

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


def test_serve_logs_one_traceback_for_repeated_failures_and_no_query_string(tmp_path) -> None:
    """`crmgraph serve` as run in production, for a few seconds, on 127.0.0.1 only."""
    port = _free_port()
    env = {**os.environ, "CRMGRAPH_DATABASE_URL": _unmigrated_database(tmp_path)}
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
            for _ in range(30):
                reply = http.post("/graphql", params={"search": "secret-term"},
                                  json={"query": "{ accounts { totalCount } }"},
                                  headers={"authorization": "Bearer crm_secret"})
                assert reply.status_code == 500
    finally:
        server.send_signal(signal.SIGINT)
        try:
            output, _ = server.communicate(timeout=15)
        except subprocess.TimeoutExpired:
            server.kill()
            output, _ = server.communicate()
    assert "secret" not in output
    assert output.count('"GET /health HTTP/1.1" 200') >= 1 and output.count('"POST /graphql HTTP/1.1" 500') == 30
    assert output.count("token check failed") == 30, output[-3000:]
    first, _, rest = output.partition("token check failed\n")
    assert "Traceback" in rest.partition("INFO:")[0] and "Traceback" not in rest.partition("ERROR:")[2], output[-3000:]
