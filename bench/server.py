"""GraphQL servers the benchmarks start and stop: `crmgraph` commands of this virtualenv, and a server
process (crmgraph or PostGraphile) in a process group of its own on a free port of 127.0.0.1."""

from __future__ import annotations

import contextlib
import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bench.common import PROJECT_DIR, BenchError, log

CRMGRAPH = Path(sys.executable).parent / "crmgraph"  # the command of the Python that runs the bench
STOP_PATIENCE = 15  # seconds a server has to stop after SIGTERM before its process group is killed
# 127.0.0.1 only: never through a proxy the environment may name.
_DIRECT = urllib.request.build_opener(urllib.request.ProxyHandler({}))


def free_port() -> int:
    """A TCP port of 127.0.0.1 that nobody listens on now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def crmgraph_env(database_url: str) -> dict[str, str]:
    """The bench's environment (so CRMGRAPH_* settings given to it apply) on `database_url`."""
    return {**os.environ, "CRMGRAPH_DATABASE_URL": database_url}


def run_crmgraph(database_url: str, *arguments: str, timeout: float | None = None, check: bool = True) -> str:
    """Run a `crmgraph` command on `database_url` and give its stdout; BenchError when it fails and `check`."""
    done = subprocess.run([str(CRMGRAPH), *arguments], env=crmgraph_env(database_url), capture_output=True,
                          text=True, timeout=timeout, cwd=PROJECT_DIR)
    if check and done.returncode != 0:
        output = done.stderr.strip() or done.stdout.strip()
        raise BenchError(f"crmgraph {' '.join(arguments)} failed ({done.returncode}): {output[-1000:]}")
    return done.stdout


def create_token(database_url: str, name: str, scope: str) -> str:
    """A new API token (`crmgraph token create`); BenchError when none is printed."""
    output = run_crmgraph(database_url, "token", "create", "--name", name, "--scope", scope, timeout=120).strip()
    if not output:
        raise BenchError("crmgraph token create printed no token")
    return output.splitlines()[-1]


def post_graphql(url: str, query: str, variables: dict[str, Any] | None = None,
                 token: str | None = None) -> dict[str, Any]:
    """POST one GraphQL request and give the JSON body, also the body of a 4xx (it says which error)."""
    headers = {"content-type": "application/json"}
    if token:
        headers["authorization"] = f"Bearer {token}"
    body = json.dumps({"query": query, "variables": variables}).encode()
    try:
        with _DIRECT.open(urllib.request.Request(url, data=body, headers=headers), timeout=60) as response:
            return json.load(response)
    except urllib.error.HTTPError as error:
        text = error.read()
        try:
            return json.loads(text)
        except ValueError:
            return {"errors": [{"message": f"HTTP {error.code}: {text[:200]!r}"}]}


@dataclass
class Server:
    """A GraphQL server in its own process group, so that stopping it stops every worker it forked.
    Its output is appended to `<logs>/<name>.log`."""

    name: str
    argv: list[str]
    env: dict[str, str]
    port: int
    logs: Path
    token: str | None = None
    process: subprocess.Popen[bytes] | None = None

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def url(self) -> str:
        return f"{self.base}/graphql"

    @property
    def pid(self) -> int:
        """The server's process id, which is also its process group's (0 before it started)."""
        return self.process.pid if self.process else 0

    @property
    def log_path(self) -> Path:
        return self.logs / f"{self.name}.log"

    def start(self) -> None:
        with open(self.log_path, "ab") as output:
            self.process = subprocess.Popen(self.argv, env=self.env, cwd=PROJECT_DIR, stdout=output,
                                            stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                                            start_new_session=True)

    def wait_ready(self, seconds: float = 120) -> None:
        """Until `{ __typename }` answers data; BenchError (with the server's last output) if it exits first
        or takes too long."""
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            if self.process is None or self.process.poll() is not None:
                code = None if self.process is None else self.process.returncode
                raise BenchError(f"{self.name} exited at start ({code}):\n{self.log_tail()}")
            with contextlib.suppress(OSError, ValueError):
                if post_graphql(self.url, "{ __typename }", token=self.token).get("data"):
                    return
            time.sleep(0.3)
        raise BenchError(f"{self.name} did not answer within {seconds:.0f} s:\n{self.log_tail()}")

    def stop(self) -> None:
        """SIGTERM to the server (it stops its workers), SIGKILL to its process group if it lingers, and to
        any worker that outlived it."""
        if self.process is None:
            return
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=STOP_PATIENCE)
            except subprocess.TimeoutExpired:
                log(f"  {self.name} (pid {self.process.pid}) ignored SIGTERM for {STOP_PATIENCE} s: killed")
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait(timeout=5)
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.process.pid, signal.SIGKILL)

    def restart(self) -> None:
        self.stop()
        self.start()
        self.wait_ready()

    def log_tail(self, lines: int = 15) -> str:
        text = self.log_path.read_text(errors="replace").splitlines()
        return "\n".join("    " + line for line in text[-lines:])


def crmgraph_server(name: str, database_url: str, workers: int, logs: Path, token: str) -> Server:
    """`crmgraph serve --workers N` on a free port at `--log-level warning` (no access log, every error line)."""
    port = free_port()
    argv = [str(CRMGRAPH), "serve", "--host", "127.0.0.1", "--port", str(port), "--workers", str(workers),
            "--log-level", "warning"]
    return Server(name, argv, crmgraph_env(database_url), port, logs, token)
