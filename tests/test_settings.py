"""Settings: one definition each (pydantic-settings), read from CRMGRAPH_*; a bad value stops every command
with one line naming the variable; `crmgraph settings` shows each value and where it came from, secrets hidden."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from pydantic import ValidationError

from service.settings import DEFAULT_DATABASE_URL, Settings, SettingsError

ROOT = Path(__file__).resolve().parent.parent

#: Every setting and its default, as the hand-written settings had them: callers rely on both.
DEFAULTS = {
    "database_url": DEFAULT_DATABASE_URL, "graphiql": True, "introspection": True, "echo_sql": False,
    "max_depth": 10, "max_aliases": 30, "max_tokens": 5000, "node_budget": 50_000, "heavy_cost": 2_000,
    "heavy_concurrency": 2, "max_batch": 10, "max_body_bytes": 1_000_000, "statement_timeout_ms": 10_000,
    "request_timeout_ms": 30_000, "pool_size": 10, "pool_overflow": 10, "pool_timeout_ms": 5_000, "busy_retries": 4,
    "sqlite_busy_timeout_ms": 5_000, "compiled_executor": True, "token_cache_seconds": 5, "cors_origins": (),
    "log_format": "json", "metrics_public": False, "rate_limit": 1_000_000, "redis_url": None,
    "trusted_documents_only": False, "read_database_urls": (), "max_replica_lag_ms": 5_000,
}


@pytest.fixture
def environ(monkeypatch: pytest.MonkeyPatch) -> pytest.MonkeyPatch:
    """The environment without the shell's CRMGRAPH_* variables: each test sets its own."""
    for name in list(os.environ):
        if name.upper().startswith("CRMGRAPH_"):
            monkeypatch.delenv(name)
    return monkeypatch


def _crmgraph(*args: str, **variables: str) -> subprocess.CompletedProcess[str]:
    """`crmgraph ARGS` with only these CRMGRAPH_* variables (names without the prefix)."""
    env = {name: value for name, value in os.environ.items() if not name.upper().startswith("CRMGRAPH_")}
    env.update({f"CRMGRAPH_{name}": value for name, value in variables.items()})
    return subprocess.run([sys.executable, "-m", "service.cli", *args], cwd=ROOT, env=env, capture_output=True,
                          text=True, timeout=60)


def test_every_setting_keeps_its_name_and_default(environ) -> None:
    assert Settings().model_dump() == DEFAULTS
    assert Settings.from_env().model_dump() == DEFAULTS


def test_keyword_settings_do_not_read_the_shell_but_from_env_does(environ) -> None:
    environ.setenv("CRMGRAPH_MAX_DEPTH", "3")
    assert Settings().max_depth == 10 and Settings(node_budget=7).max_depth == 10
    assert Settings.from_env().max_depth == 3


def test_settings_are_immutable() -> None:
    settings = Settings()
    with pytest.raises(ValidationError):
        settings.max_depth = 99
    assert settings.max_depth == 10


@pytest.mark.parametrize(("word", "value"), [
    ("true", True), ("TRUE", True), ("1", True), ("yes", True), ("On", True), (" on ", True),
    ("false", False), ("False", False), ("0", False), ("no", False), ("OFF", False),
])
def test_booleans_take_the_usual_words(environ, word, value) -> None:
    environ.setenv("CRMGRAPH_GRAPHIQL", word)
    environ.setenv("CRMGRAPH_ECHO_SQL", word)
    settings = Settings.from_env()
    assert settings.graphiql is value and settings.echo_sql is value


def test_lists_are_comma_separated_and_numbers_plain_digits(environ) -> None:
    environ.setenv("CRMGRAPH_CORS_ORIGINS", " https://crm.example.mx, ,http://localhost:5173 ")
    environ.setenv("CRMGRAPH_READ_DATABASE_URL", "postgresql+asyncpg://r:pw@10.0.0.2/crm,postgresql+asyncpg://10.0.0.3/crm")
    environ.setenv("CRMGRAPH_POOL_OVERFLOW", " 0 ")
    environ.setenv("CRMGRAPH_LOG_FORMAT", "Text")
    settings = Settings.from_env()
    assert settings.cors_origins == ("https://crm.example.mx", "http://localhost:5173")
    assert settings.read_database_urls == ("postgresql+asyncpg://r:pw@10.0.0.2/crm", "postgresql+asyncpg://10.0.0.3/crm")
    assert settings.pool_overflow == 0 and settings.log_format == "text"
    assert Settings(read_database_urls=("postgresql+asyncpg://h/db",)).read_database_urls == ("postgresql+asyncpg://h/db",)


def test_an_empty_variable_is_unset(environ) -> None:
    environ.setenv("CRMGRAPH_MAX_DEPTH", "")
    environ.setenv("CRMGRAPH_REDIS_URL", "")
    settings = Settings.from_env()
    assert settings.max_depth == 10 and settings.redis_url is None
    assert settings.source("max_depth") == "default" and settings.source("redis_url") == "default"


def test_a_printed_settings_hides_passwords() -> None:
    settings = Settings(database_url="postgresql+asyncpg://crm:s3cret@db/crm", redis_url="redis://:r3dis@cache:6379/0",
                        read_database_urls=("postgresql+asyncpg://crm:r3plica@replica/crm?password=q",))
    for shown in (repr(settings), str(settings)):
        assert "s3cret" not in shown and "r3dis" not in shown and "r3plica" not in shown and "=q" not in shown
        assert "crm:***@db/crm" in shown and "redis://:***@cache:6379/0" in shown
    assert settings.database_url == "postgresql+asyncpg://crm:s3cret@db/crm"  # the value itself is intact


# Each bad value, the variable its line must name, and the form it must state.
BAD = [
    ("MAX_DEPTH", "abc", "a whole number from 1 to 2147483647"),
    ("MAX_DEPTH", "-3", "a whole number from 1 to 2147483647"),
    ("MAX_DEPTH", "0", "a whole number from 1 to 2147483647"),
    ("MAX_DEPTH", "1_0", "a whole number"),
    ("MAX_DEPTH", "10.0", "a whole number"),
    ("MAX_DEPTH", "٣", "a whole number"),
    ("NODE_BUDGET", "9" * 40, "a whole number from 1 to 2147483647"),
    ("RATE_LIMIT", "-1", "a whole number from 0 to 2147483647"),
    ("POOL_OVERFLOW", "-1", "a whole number from 0 to 2147483647"),
    ("GRAPHIQL", "flase", "true or false"),
    ("INTROSPECTION", "t", "true or false"),
    ("METRICS_PUBLIC", "maybe", "true or false"),
    ("LOG_FORMAT", "xml", "one of json, text"),
    ("DATABASE_URL", "not a url", "a database URL"),
    ("DATABASE_URL", "postgresql://crm:s3cret@db/crm", "a database URL such as postgresql+asyncpg://"),
    ("READ_DATABASE_URL", "postgresql+asyncpg://r:s3cret@replica/crm,mysql://replica/crm", "comma-separated database URLs"),
    ("REDIS_URL", "http://cache:6379", "a Redis URL"),
    ("CORS_ORIGINS", "https://crm.example.mx/", "comma-separated origins"),
]


@pytest.mark.parametrize(("variable", "value", "form"), BAD)
def test_a_bad_value_is_named_with_the_form_it_must_have(environ, variable, value, form) -> None:
    environ.setenv(f"CRMGRAPH_{variable}", value)
    with pytest.raises(SettingsError) as refused:
        Settings.from_env()
    (problem,) = refused.value.problems
    assert problem.startswith(f"CRMGRAPH_{variable} must be {form}") and "s3cret" not in problem, problem


@pytest.mark.parametrize(("variable", "value", "form"), BAD)
def test_a_bad_value_stops_serve_at_once_in_one_line(variable, value, form) -> None:
    # A serve that did not stop would run until the timeout: the test then fails, it does not hang.
    result = _crmgraph("serve", "--port", "0", **{variable: value})
    assert result.returncode == 2 and result.stdout == ""
    assert result.stderr.count("\n") == 1 and "Traceback" not in result.stderr
    assert result.stderr.startswith(f"crmgraph: CRMGRAPH_{variable} must be {form}") and "s3cret" not in result.stderr


@pytest.mark.parametrize("command", [
    ["migrate"], ["seed", "--accounts", "1"], ["token", "list"], ["token", "create", "--name", "x", "--scope", "read"],
    ["schema"], ["settings"], ["serve", "--port", "0"],
])
def test_a_bad_value_stops_every_command_before_it_does_anything(command) -> None:
    # The database is unreachable too: the bad setting is what the one line must be about.
    result = _crmgraph(*command, GRAPHIQL="flase", DATABASE_URL="postgresql+asyncpg://postgres@127.0.0.1:1/x")
    assert (result.returncode, result.stdout) == (2, "")
    assert result.stderr == "crmgraph: CRMGRAPH_GRAPHIQL must be true or false (or 1/0, yes/no, on/off), got 'flase'\n"


def test_two_bad_values_give_a_line_each() -> None:
    result = _crmgraph("serve", MAX_DEPTH="abc", LOG_FORMAT="xml")
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert result.stderr.splitlines() == [
        "crmgraph: CRMGRAPH_MAX_DEPTH must be a whole number from 1 to 2147483647, got 'abc'",
        "crmgraph: CRMGRAPH_LOG_FORMAT must be one of json, text, got 'xml'",
    ]


def test_settings_prints_every_setting_its_value_and_source_with_secrets_hidden() -> None:
    result = _crmgraph(
        "settings",
        DATABASE_URL="postgresql+asyncpg://crm:s3cret@db.internal:5432/crm",
        READ_DATABASE_URL="postgresql+asyncpg://crm:r3plica@replica-1/crm, postgresql+asyncpg://crm:r3plica@replica-2/crm",
        REDIS_URL="redis://:r3dis@cache:6379/0",
        GRAPHIQL="off",
        MAX_DEPTH="",  # empty: unset, the default
        POOL_OVERFLOW="0",
        MAXDEPTH="3",  # a typo: no setting
    )
    assert result.returncode == 0, result.stderr
    for secret in ("s3cret", "r3plica", "r3dis"):
        assert secret not in result.stdout + result.stderr
    header, *lines = result.stdout.splitlines()
    assert header.split() == ["SETTING", "VALUE", "FROM"]
    rows = {line.split()[0]: (line.split()[1], line.split()[2]) for line in lines}
    assert len(lines) == len(rows) == len(Settings.model_fields)
    assert set(rows) == {Settings.env_name(name) for name in Settings.model_fields}
    assert rows["CRMGRAPH_DATABASE_URL"] == ("postgresql+asyncpg://crm:***@db.internal:5432/crm", "environment")
    assert rows["CRMGRAPH_READ_DATABASE_URL"] == (
        "postgresql+asyncpg://crm:***@replica-1/crm,postgresql+asyncpg://crm:***@replica-2/crm", "environment")
    assert rows["CRMGRAPH_REDIS_URL"] == ("redis://:***@cache:6379/0", "environment")
    assert rows["CRMGRAPH_GRAPHIQL"] == ("false", "environment")
    assert rows["CRMGRAPH_POOL_OVERFLOW"] == ("0", "environment")
    assert rows["CRMGRAPH_MAX_DEPTH"] == ("10", "default")
    assert rows["CRMGRAPH_INTROSPECTION"] == ("true", "default")
    assert rows["CRMGRAPH_CORS_ORIGINS"] == ("(none)", "default")
    assert rows["CRMGRAPH_RATE_LIMIT"] == ("1000000", "default")
    assert result.stderr == "crmgraph settings: CRMGRAPH_MAXDEPTH is not a setting: ignored\n"


def test_settings_describe_gives_each_meaning_and_form() -> None:
    result = _crmgraph("settings", "--describe")
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    graphiql = next(index for index, line in enumerate(lines) if line.startswith("CRMGRAPH_GRAPHIQL "))
    assert lines[graphiql + 1] == "    serve GraphiQL to browsers on GET /graphql; true or false (or 1/0, yes/no, on/off)"
    assert sum(line.startswith("    ") for line in lines) == len(Settings.model_fields)
