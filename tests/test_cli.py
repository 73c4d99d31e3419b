"""The `crmgraph` command as a user runs it."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

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
