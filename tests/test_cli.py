"""The `crmgraph` command as a user runs it."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
import uuid
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def _crmgraph(*args: str, database: Path | None = None) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ)
    if database is not None:
        env["CRMGRAPH_DATABASE_URL"] = f"sqlite+aiosqlite:///{database}"
    return subprocess.run(
        [sys.executable, "-m", "service.cli", *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=300
    )


def test_schema_prints_the_committed_sdl() -> None:
    result = _crmgraph("schema")
    assert result.returncode == 0, result.stderr
    assert result.stdout == (ROOT / "schema.graphql").read_text()


def test_migrate_then_seed_once_then_skip_when_not_empty(tmp_path) -> None:
    database = tmp_path / "cli.db"
    migrated = _crmgraph("migrate", database=database)
    assert migrated.returncode == 0, migrated.stderr
    seeded = _crmgraph("seed", "--accounts", "5", "--seed", "3", "--if-empty", database=database)
    assert seeded.returncode == 0, seeded.stderr
    assert "5 accounts" in seeded.stdout
    again = _crmgraph("seed", "--accounts", "5", "--if-empty", database=database)
    assert again.returncode == 0 and "already holds data" in again.stdout


def test_no_command_prints_help_and_fails() -> None:
    result = _crmgraph()
    assert result.returncode == 2 and "serve" in result.stdout


# `crmgraph token create` refuses what it cannot store as asked: one line on stderr, a non-zero
# exit, no traceback, and nothing written. Run in-process, on SQLite and on PostgreSQL.

def _token_cli(database_url: str, *args: str) -> tuple[int, str, str]:
    """Exit code, stdout and stderr of `crmgraph token ...` against `database_url`."""
    import contextlib
    import io

    from service.cli import main

    out, err = io.StringIO(), io.StringIO()
    with pytest.MonkeyPatch.context() as patch, contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        patch.setenv("CRMGRAPH_DATABASE_URL", database_url)
        code = main(["token", *args])
    return code, out.getvalue(), err.getvalue()


def _token_rows(database_url: str) -> list[tuple]:
    """Every token row, as (name, revoked, expires_at), to see that a refusal wrote nothing."""
    from service.auth import list_tokens
    from service.db import create_engine

    async def rows() -> list[tuple]:
        engine = create_engine(database_url)
        try:
            return [(row.name, row.revoked_at, row.expires_at) for row in await list_tokens(engine)]
        finally:
            await engine.dispose()

    return asyncio.run(rows())


def _unique(stem: str) -> str:
    return f"{stem}-{uuid.uuid4().hex[:8]}"


@pytest.mark.parametrize(("name", "days", "says"), [
    ("bi\x1b[31mtool", None, "without control characters"),
    ("bi\ntool", None, "without control characters"),
    ("bi\u202etool", None, "without control characters"),  # a bidi override: the list would show another name
    ("bi\udcfftool", None, "without control characters"),  # how Python passes on an argument that is not UTF-8
    ("", None, "needs a name"),
    ("   ", None, "needs a name"),
    (" bi-tool", None, "start or end with a space"),
    ("x" * 81, None, "at most 80 characters, not 81"),
    ("crm_AbCdEfGh", None, "must not start with 'crm_'"),
    ("bi-tool", "0", "1 to 3650 days, not 0"),
    ("bi-tool", "-1", "1 to 3650 days, not -1"),
    ("bi-tool", str(10**9), "1 to 3650 days, not 1000000000"),
])
def test_token_create_refuses_bad_input_in_one_line_and_writes_nothing(database_url, name, days, says) -> None:
    before = _token_rows(database_url)
    expiry = ["--expires-in-days", days] if days is not None else []
    code, out, err = _token_cli(database_url, "create", "--name", name, "--scope", "read", *expiry)
    assert code == 1 and out == ""
    assert err.count("\n") == 1 and err.startswith("crmgraph token create: ") and says in err, err
    assert "Traceback" not in err and "SQL" not in err
    assert _token_rows(database_url) == before


def test_a_live_name_is_refused_until_its_token_is_revoked_or_expired(database_url) -> None:
    import datetime as dt

    from models import Scope
    from service.auth import create_token
    from service.db import create_engine

    name = _unique("bi-tool")
    code, out, _ = _token_cli(database_url, "create", "--name", name, "--scope", "read")
    assert code == 0 and out.startswith("crm_")
    before = _token_rows(database_url)
    code, out, err = _token_cli(database_url, "create", "--name", name, "--scope", "write")
    assert code == 1 and out == "" and err == f"crmgraph token create: a live token is already named {name!r}: revoke it first, or choose another name\n"
    assert _token_rows(database_url) == before

    assert _token_cli(database_url, "revoke", name)[0] == 0
    assert _token_cli(database_url, "create", "--name", name, "--scope", "write")[0] == 0

    expired = _unique("expired")

    async def make_expired() -> None:
        engine = create_engine(database_url)
        try:
            await create_token(engine, expired, {Scope.READ}, expires_in=dt.timedelta(microseconds=1))
        finally:
            await engine.dispose()

    asyncio.run(make_expired())
    assert _token_cli(database_url, "create", "--name", expired, "--scope", "read")[0] == 0


def test_a_name_of_80_characters_and_an_expiry_in_days_are_stored(database_url) -> None:
    import datetime as dt

    name = _unique("n").ljust(80, "é")
    code, _, err = _token_cli(database_url, "create", "--name", name, "--scope", "read", "--expires-in-days", "3650")
    assert code == 0, err
    (stored,) = [row for row in _token_rows(database_url) if row[0] == name]
    expected = dt.datetime.now(dt.UTC) + dt.timedelta(days=3650)
    assert abs(stored[2] - expected) < dt.timedelta(minutes=1)


def test_token_demo_replaces_the_demo_token_every_time(database_url) -> None:
    for _ in range(3):
        code, out, err = _token_cli(database_url, "demo")
        assert code == 0 and "Bearer crm_" in out, err
    demos = [row for row in _token_rows(database_url) if row[0] == "demo"]
    assert len(demos) >= 3 and sum(revoked is None for _, revoked, _ in demos) == 1


def test_expires_in_days_takes_ascii_digits_only(database_url, capsys) -> None:
    from service.cli import main

    before = _token_rows(database_url)
    for days in ("٣", "1_0", "1e3", "9" * 40):
        with pytest.raises(SystemExit) as exited:
            main(["token", "create", "--name", _unique("x"), "--scope", "read", "--expires-in-days", days])
        assert exited.value.code == 2
        assert "argument --expires-in-days" in capsys.readouterr().err
    assert _token_rows(database_url) == before


def test_two_creators_of_one_name_at_once_make_one_token(database_url) -> None:
    from models import Scope
    from service.auth import TokenRefused, create_token
    from service.db import create_engine

    name = _unique("race")

    async def race() -> list[object]:
        engine = create_engine(database_url)
        try:
            return await asyncio.gather(*(create_token(engine, name, {Scope.READ}) for _ in range(8)),
                                        return_exceptions=True)
        finally:
            await engine.dispose()

    results = asyncio.run(race())
    assert sum(isinstance(result, str) for result in results) == 1
    assert all(isinstance(result, (str, TokenRefused)) for result in results), results
    assert [row[0] for row in _token_rows(database_url)].count(name) == 1


# A database that cannot be reached: the commands that need it say so in one line, with the URL's
# password hidden, and exit non-zero; serve starts anyway and its readiness says 503 until it is back.

UNREACHABLE = "postgresql+asyncpg://postgres:s3cret@127.0.0.1:1/x"  # nothing listens on port 1


def _without_settings() -> dict[str, str]:
    """This process's environment without the shell's CRMGRAPH_* variables."""
    return {name: value for name, value in os.environ.items() if not name.upper().startswith("CRMGRAPH_")}


@pytest.mark.parametrize("command", [
    ["migrate"],
    ["seed", "--accounts", "1"],
    ["token", "create", "--name", "bi-tool", "--scope", "read"],
    ["token", "list"],
    ["token", "demo"],
])
def test_a_command_that_needs_an_unreachable_database_says_so_in_one_line(command) -> None:
    env = {**_without_settings(), "CRMGRAPH_DATABASE_URL": UNREACHABLE}
    result = subprocess.run([sys.executable, "-m", "service.cli", *command], cwd=ROOT, env=env, capture_output=True,
                            text=True, timeout=60)
    assert result.returncode == 1 and result.stdout == ""
    assert result.stderr == "crmgraph: cannot reach the database at postgresql+asyncpg://postgres:***@127.0.0.1:1/x: connection refused\n"


def _free_port() -> int:
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_serve_starts_without_its_database_and_is_live_but_not_ready(tmp_path) -> None:
    import time

    import httpx

    port = _free_port()
    env = {**_without_settings(), "CRMGRAPH_DATABASE_URL": UNREACHABLE}
    log = tmp_path / "serve.log"
    with log.open("w") as output:
        server = subprocess.Popen([sys.executable, "-m", "service.cli", "serve", "--port", str(port)], cwd=ROOT, env=env,
                                  stdout=output, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + 30
        live = None
        while live is None and time.monotonic() < deadline and server.poll() is None:
            try:
                live = httpx.get(f"http://127.0.0.1:{port}/health/live", timeout=2)
            except httpx.TransportError:
                time.sleep(0.1)
        assert live is not None, f"serve did not answer within 30 s (exit {server.poll()}): {log.read_text()}"
        assert live.status_code == 200 and live.json() == {"status": "ok"}
        ready = httpx.get(f"http://127.0.0.1:{port}/health/ready", timeout=10)
        assert ready.status_code == 503 and ready.json() == {"status": "error", "database": "unreachable"}
        health = httpx.get(f"http://127.0.0.1:{port}/health", timeout=10)
        assert health.status_code == 503 and health.json() == {"status": "error", "database": "unreachable"}
        assert server.poll() is None  # still serving
    finally:
        server.terminate()
        try:
            server.wait(timeout=15)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait(timeout=15)
    output = log.read_text()
    assert output.startswith("crmgraph: cannot reach the database at postgresql+asyncpg://postgres:***@127.0.0.1:1/x: "
                             "connection refused (serving anyway: /health and /health/ready answer 503 until it is back)\n")
    assert "s3cret" not in output and "Traceback" not in output
