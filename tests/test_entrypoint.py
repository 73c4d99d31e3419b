"""docker/entrypoint.py, run for real: waiting for a database, migrating SQLite and PostgreSQL, exec'ing
`crmgraph` (a fake one on PATH, and the real server, stopped by SIGTERM), and the image's health check."""

from __future__ import annotations

import asyncio
import os
import re
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa
from alembic.script import ScriptDirectory

from service.db import create_engine
from service.migrate import migrate
from tests.conftest import scratch_database
from tests.containers import ROOT, VENV_BIN, free_port

ENTRYPOINT = ROOT / "docker" / "entrypoint.py"


FAKE_CRMGRAPH = """#!/bin/sh
# Stands in for crmgraph: says which process it runs in and with what arguments.
echo "$$ $*" >> "$FAKE_LOG"
case "$1" in migrate) exit "${FAKE_MIGRATE_EXIT:-0}" ;; esac
exit 0
"""


@pytest.fixture
def fake_crmgraph(tmp_path: Path) -> Path:
    """A directory holding a fake `crmgraph` that writes "PID ARGS" lines to tmp_path/calls."""
    directory = tmp_path / "bin"
    directory.mkdir()
    script = directory / "crmgraph"
    script.write_text(FAKE_CRMGRAPH)
    script.chmod(0o755)
    return directory


def _environment(path_first: Path | None = None, **variables: str) -> dict[str, str]:
    environ = {key: value for key, value in os.environ.items()
               if not key.startswith("CRMGRAPH_") and key != "PROMETHEUS_MULTIPROC_DIR"}
    path = [str(path_first)] if path_first else []
    return {**environ, "PATH": os.pathsep.join([*path, str(VENV_BIN), environ.get("PATH", "")]), **variables}


def _entrypoint(*args: str, env: dict[str, str], timeout: float = 60) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, str(ENTRYPOINT), *args], env=env, capture_output=True, text=True,
                          timeout=timeout, cwd=ROOT)


def _calls(tmp_path: Path) -> list[tuple[int, str]]:
    lines = (tmp_path / "calls").read_text().splitlines() if (tmp_path / "calls").exists() else []
    return [(int(line.split(" ", 1)[0]), line.split(" ", 1)[1]) for line in lines]


def test_serve_execs_crmgraph_in_the_same_process(tmp_path: Path, fake_crmgraph: Path) -> None:
    env = _environment(fake_crmgraph, FAKE_LOG=str(tmp_path / "calls"))
    process = subprocess.Popen([sys.executable, str(ENTRYPOINT), "serve", "--workers", "2"], env=env)
    assert process.wait(timeout=30) == 0
    # exec: the process the entrypoint started in is the one crmgraph ran in, so signals reach it.
    assert _calls(tmp_path) == [(process.pid, "serve --host 0.0.0.0 --port 8000 --workers 2")]


def test_no_argument_serves_and_other_words_are_crmgraph_commands_or_programs(tmp_path: Path, fake_crmgraph: Path) -> None:
    env = _environment(fake_crmgraph, FAKE_LOG=str(tmp_path / "calls"))
    assert _entrypoint(env=env).returncode == 0
    assert _entrypoint("token", "demo", env=env).returncode == 0
    echoed = _entrypoint("echo", "a program on PATH runs as given", env=env)
    assert echoed.stdout == "a program on PATH runs as given\n"
    assert [args for _, args in _calls(tmp_path)] == ["serve --host 0.0.0.0 --port 8000", "token demo"]


def test_migrate_on_start_waits_migrates_then_serves_and_stops_if_migration_fails(tmp_path: Path, fake_crmgraph: Path) -> None:
    env = _environment(fake_crmgraph, FAKE_LOG=str(tmp_path / "calls"), CRMGRAPH_MIGRATE_ON_START="true",
                       CRMGRAPH_DATABASE_URL=f"sqlite+aiosqlite:///{tmp_path / 'start.db'}")
    process = subprocess.Popen([sys.executable, str(ENTRYPOINT)], env=env)
    assert process.wait(timeout=30) == 0
    (migrated_in, migrated), (served_in, served) = _calls(tmp_path)
    assert (migrated, served) == ("migrate", "serve --host 0.0.0.0 --port 8000")
    assert served_in == process.pid != migrated_in  # the migration is a child; the server replaces the entrypoint

    (tmp_path / "calls").unlink()
    failed = _entrypoint(env={**env, "FAKE_MIGRATE_EXIT": "3"})
    assert failed.returncode == 3 and [args for _, args in _calls(tmp_path)] == ["migrate"]
    assert failed.stderr.strip().splitlines()[-1] == "crmgraph entrypoint: crmgraph migrate failed (exit 3): not serving"


@pytest.mark.parametrize(("variable", "value", "says"), [
    ("CRMGRAPH_MIGRATE_ON_START", "flase", "CRMGRAPH_MIGRATE_ON_START must be true or false, got 'flase'"),
    ("CRMGRAPH_DB_WAIT_SECONDS", "1m", "CRMGRAPH_DB_WAIT_SECONDS must be a whole number of seconds, got '1m'"),
])
def test_a_bad_entrypoint_variable_stops_with_one_line(tmp_path: Path, fake_crmgraph: Path, variable: str, value: str,
                                                      says: str) -> None:
    env = _environment(fake_crmgraph, FAKE_LOG=str(tmp_path / "calls"), **{"CRMGRAPH_MIGRATE_ON_START": "true", variable: value})
    result = _entrypoint("serve", env=env)
    assert (result.returncode, result.stderr) == (2, f"crmgraph entrypoint: {says}\n")
    assert _calls(tmp_path) == []


def test_an_unreachable_database_is_retried_for_the_wait_then_exits_69(tmp_path: Path, fake_crmgraph: Path) -> None:
    port = free_port()
    env = _environment(fake_crmgraph, FAKE_LOG=str(tmp_path / "calls"), CRMGRAPH_DB_WAIT_SECONDS="2",
                       CRMGRAPH_DATABASE_URL=f"postgresql+asyncpg://crmgraph:s3cret@127.0.0.1:{port}/crmgraph")
    started = time.monotonic()
    result = _entrypoint("migrate", env=env)
    elapsed = time.monotonic() - started
    assert result.returncode == 69 and 2 <= elapsed < 10
    lines = result.stderr.strip().splitlines()
    shown = f"postgresql+asyncpg://crmgraph:***@127.0.0.1:{port}/crmgraph"
    assert all(line.startswith(f"crmgraph entrypoint: waiting for the database {shown} (attempt ") for line in lines[:-1])
    assert len(lines) >= 3 and re.fullmatch(
        rf"crmgraph entrypoint: database {re.escape(shown)} unreachable after 2 s \({len(lines)} attempts\): connection refused",
        lines[-1])
    assert "Traceback" not in result.stderr and "s3cret" not in result.stderr
    assert _calls(tmp_path) == []  # crmgraph migrate never ran


def test_sigterm_during_the_wait_stops_the_entrypoint_at_once(tmp_path: Path, fake_crmgraph: Path) -> None:
    env = _environment(fake_crmgraph, FAKE_LOG=str(tmp_path / "calls"), CRMGRAPH_DB_WAIT_SECONDS="60",
                       CRMGRAPH_DATABASE_URL=f"postgresql+asyncpg://crmgraph@127.0.0.1:{free_port()}/crmgraph")
    process = subprocess.Popen([sys.executable, str(ENTRYPOINT), "migrate"], env=env, stderr=subprocess.PIPE, text=True)
    try:
        assert "waiting for the database" in process.stderr.readline()
        process.send_signal(signal.SIGTERM)
        assert process.wait(timeout=5) == 128 + signal.SIGTERM
    finally:
        process.kill()
        process.communicate()


@pytest.fixture(params=["sqlite", "postgresql"])
def empty_database(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A database of each kind with no tables yet: what the migrate job finds on a first start."""
    with scratch_database(request.param, tmp_path, "crmgraph_entrypoint", prepare=lambda _url: None) as url:
        yield url


def _schema_revision(url: str) -> str | None:
    async def read() -> str | None:
        engine = create_engine(url)
        try:
            async with engine.connect() as connection:
                return (await connection.execute(sa.text("SELECT version_num FROM alembic_version"))).scalar()
        finally:
            await engine.dispose()

    return asyncio.run(read())


def test_migrate_waits_for_the_database_then_brings_it_to_the_newest_schema(empty_database: str) -> None:
    result = _entrypoint("migrate", env=_environment(CRMGRAPH_DATABASE_URL=empty_database))
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("database is at the newest schema: ")
    assert _schema_revision(empty_database) == ScriptDirectory(str(ROOT / "migrations")).get_current_head()


def test_a_database_that_refuses_the_connection_stops_at_once(empty_database: str) -> None:
    if empty_database.startswith("sqlite"):
        url, says = "sqlite+aiosqlite:////proc/crmgraph/no.db", "cannot be opened: "
    else:
        url, says = sa.make_url(empty_database).set(username="no_such_role_h6").render_as_string(False), "refused the connection: "
    started = time.monotonic()
    result = _entrypoint("migrate", env=_environment(CRMGRAPH_DATABASE_URL=url, CRMGRAPH_DB_WAIT_SECONDS="30"))
    assert result.returncode == 1 and time.monotonic() - started < 15  # waiting would not heal it: no retries
    (line,) = result.stderr.splitlines()
    assert line.startswith("crmgraph entrypoint: database ") and says in line


def test_the_real_server_answers_the_healthcheck_and_stops_on_sigterm(tmp_path: Path) -> None:
    url = f"sqlite+aiosqlite:///{tmp_path / 'served.db'}"
    migrate(url)
    port = free_port()
    env = _environment(CRMGRAPH_DATABASE_URL=url)
    server = subprocess.Popen([sys.executable, str(ENTRYPOINT), "serve", "--host", "127.0.0.1", "--port", str(port)],
                              env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while (probe := _entrypoint("healthcheck", f"{base}/health/live", env=env)).returncode != 0:
            assert time.monotonic() < deadline and server.poll() is None, "the server did not start"
            time.sleep(0.2)
        assert probe.stdout == f"healthy: {base}/health/live answered 200\n"
        ready = _entrypoint("healthcheck", f"{base}/health/ready", env=env)
        assert (ready.returncode, ready.stdout) == (0, f"healthy: {base}/health/ready answered 200\n")
        missing = _entrypoint("healthcheck", f"{base}/health/nowhere", env=env)
        assert (missing.returncode, missing.stdout) == (1, f"unhealthy: {base}/health/nowhere answered 404\n")
        # exec: the process the entrypoint started as is now the server itself.
        command = Path(f"/proc/{server.pid}/cmdline").read_bytes().decode().split("\0")
        assert Path(command[1]).name == "crmgraph" and command[2:6] == ["serve", "--host", "0.0.0.0", "--port"]
        assert not any("entrypoint.py" in part for part in command)
        server.send_signal(signal.SIGTERM)
        # uvicorn shuts down gracefully, then raises the signal again so that its exit status tells why it ended.
        assert server.wait(timeout=15) == -signal.SIGTERM
    finally:
        server.kill()
        output, _ = server.communicate()
    assert "Shutting down" in output and "Finished server process" in output, output[-2000:]
    closed = _entrypoint("healthcheck", f"{base}/health/live", env=env)
    assert closed.returncode == 1 and closed.stdout.startswith(f"unhealthy: {base}/health/live: ")
    assert "Traceback" not in output
