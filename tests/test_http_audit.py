"""graphql-http's server audits (the GraphQL-over-HTTP spec, as npm's `graphql-http` checks it)
against a real `crmgraph serve`: no MUST (error) and no SHOULD (warn) may fail.

Node and npm come from the machine; the audit package is installed by `npm ci` from the committed
lock file into tests/http_audit/node_modules (gitignored), once. Without Node the test is skipped,
except under CI=true, where that is a failure."""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from service.migrate import migrate
from tests.conftest import IN_CI

ROOT = Path(__file__).resolve().parent.parent
AUDIT = Path(__file__).resolve().parent / "http_audit"


def _node_or_skip() -> str:
    node, npm = shutil.which("node"), shutil.which("npm")
    if node is None or npm is None:
        message = "Node.js and npm are needed for graphql-http's audits"
        if IN_CI:
            pytest.fail(f"{message}: CI requires them", pytrace=False)
        pytest.skip(message)
    installed = AUDIT / "node_modules" / ".package-lock.json"
    if not installed.exists() or installed.stat().st_mtime < (AUDIT / "package-lock.json").stat().st_mtime:
        subprocess.run([npm, "ci", "--no-audit", "--no-fund"], cwd=AUDIT, check=True, capture_output=True, timeout=300)
    return node


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _wait_for(url: str, server: subprocess.Popen) -> None:
    for _ in range(200):  # 20 s at most
        if server.poll() is not None:
            raise AssertionError(f"the server exited: {server.stdout.read() if server.stdout else ''}")
        try:
            urllib.request.urlopen(url, timeout=1)
            return
        except OSError:
            time.sleep(0.1)
    raise AssertionError("the server did not answer /health within 20 s")


def test_graphql_http_audits_find_no_must_or_should_failure(tmp_path) -> None:
    node = _node_or_skip()
    url = f"sqlite+aiosqlite:///{tmp_path / 'audit.db'}"
    migrate(url)
    env = {**os.environ, "CRMGRAPH_DATABASE_URL": url}
    created = subprocess.run([sys.executable, "-m", "service.cli", "token", "create", "--name", "audit", "--scope", "write"],
                             cwd=ROOT, env=env, capture_output=True, text=True, timeout=60, check=True)
    token = created.stdout.strip().splitlines()[-1]
    port = _free_port()
    server = subprocess.Popen([sys.executable, "-m", "service.cli", "serve", "--host", "127.0.0.1", "--port", str(port)],
                              cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        _wait_for(f"http://127.0.0.1:{port}/health", server)
        audit = subprocess.run([node, "audit.mjs", f"http://127.0.0.1:{port}/graphql", token], cwd=AUDIT,
                               capture_output=True, text=True, timeout=120, check=True)
    finally:
        server.terminate()
        server.wait(timeout=20)
    results = [json.loads(line) for line in audit.stdout.splitlines() if line.strip()]
    assert len(results) >= 50, audit.stdout + audit.stderr
    failed = [f"{r['status']} {r['id']} {r['name']}: {r['reason']}" for r in results if r["status"] in ("error", "warn")]
    assert failed == [], "\n".join(failed)
