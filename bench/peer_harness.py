"""The PostGraphile harness (`../shared/peers/postgraphile`), run as it is: its `start-postgraphile.sh`,
`latency.py` and `count_sql.py`, with targets made of a server and a shape's query."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bench.common import BenchError
from bench.peer_database import PG_HOST, PG_PORT, PG_USER
from bench.peer_shapes import Shape
from bench.server import Server, free_port


def pgl_server(harness: Path, database: str, logs: Path) -> Server:
    """PostGraphile on `database` (schema public) through the harness's start script, on a free port."""
    port = free_port()
    env = {**os.environ, "DATABASE_URL": f"postgres://{PG_USER}@{PG_HOST}:{PG_PORT}/{database}",
           "PGL_SCHEMAS": "public", "PGL_HOST": "127.0.0.1", "PGL_PORT": str(port)}
    return Server("pgl", [str(harness / "start-postgraphile.sh")], env, port, logs)


@dataclass(frozen=True)
class Target:
    """One of latency.py's targets: a label, a server and one query with its variables."""

    label: str
    server: Server
    query: Path
    variables: dict[str, Any] | None

    def spec(self) -> list[str]:
        items = ["-t", self.label, self.server.url, str(self.query)]
        if self.server.token:
            items.append(f"Authorization: Bearer {self.server.token}")
        if self.variables is not None:
            items.append("vars=" + json.dumps(self.variables))
        return items


def pair(shape: Shape, crm: Server, pgl: Server) -> list[Target]:
    return [Target(f"pgl_{shape.name}", pgl, shape.pgl, shape.pgl_vars),
            Target(f"crm_{shape.name}", crm, shape.crm, shape.crm_vars)]


@dataclass
class Harness:
    """latency.py and count_sql.py of the PostGraphile harness, run as they are."""

    directory: Path
    errors: list[str] = field(default_factory=list)

    def latency(self, targets: list[Target], requests: int, warmup: int) -> dict[str, dict[str, Any]]:
        return self._run(targets, ["-n", str(requests), "-w", str(warmup)])

    def throughput(self, targets: list[Target], clients: int, seconds: float, rounds: int) -> dict[str, dict[str, Any]]:
        return self._run(targets, ["-c", str(clients), "-d", str(seconds), "--rounds", str(rounds), "-w", "3"])

    def statements(self, database: str, targets: list[Target], warmup: int) -> dict[str, int]:
        arguments = ["--db", database, "--warmup", str(warmup)]
        done = self._call("count_sql.py", arguments + [item for t in targets for item in t.spec()])
        counted = dict(re.findall(r"^(\S+): (\d+) SQL statements", done.stdout, re.MULTILINE))
        if not counted:
            raise BenchError(f"count_sql.py counted nothing: {done.stderr.strip() or done.stdout.strip()}")
        return {label: int(n) for label, n in counted.items()}

    def _run(self, targets: list[Target], arguments: list[str]) -> dict[str, dict[str, Any]]:
        with tempfile.NamedTemporaryFile(suffix=".json") as results:
            self._call("latency.py", arguments + ["--json", results.name] + [i for t in targets for i in t.spec()])
            return {row["label"]: row for row in json.load(open(results.name))}

    def _call(self, script: str, arguments: list[str]) -> subprocess.CompletedProcess[str]:
        done = subprocess.run([sys.executable, str(self.directory / script), *arguments], cwd=self.directory,
                              capture_output=True, text=True, env={**os.environ, "PGHOST": PG_HOST, "PGUSER": PG_USER})
        print("\n".join("    " + line for line in done.stdout.rstrip().splitlines()))
        problems = [line for line in done.stderr.splitlines() if line.startswith("ERROR")]
        self.errors.extend(problems)
        for line in problems:
            print(f"    {line}")
        if done.returncode not in (0, 1) or (done.returncode == 1 and not problems):
            raise BenchError(f"{script} failed ({done.returncode}): {done.stderr.strip()[-800:]}")
        return done
