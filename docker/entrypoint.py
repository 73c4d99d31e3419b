"""The container's entrypoint: what `docker run crmgraph [MODE ARGS...]` does, PostgreSQL's readiness included.

    serve [ARGS]       (the default) crmgraph serve --host 0.0.0.0 --port 8000 [ARGS]. It does not wait for the
                       database: /health/ready answers 503 until it can be reached. With CRMGRAPH_MIGRATE_ON_START=true
                       it waits, migrates, then serves (for a single container: several at once would race on the schema).
    migrate            waits for the database, then crmgraph migrate (run it once per release, as a job).
    seed [ARGS]        waits for the database, then crmgraph seed [ARGS] (e.g. --if-empty --accounts 300).
    healthcheck [URL]  exits 0 when URL (http://127.0.0.1:8000/health/live) answers 200, else 1 with the reason.
    anything else      a program on PATH runs as given (`bash`); any other word is a crmgraph command (`token demo`).

The wait for the database is bounded: CRMGRAPH_DB_WAIT_SECONDS (60) of retries with a growing pause, for the errors that
heal by themselves (connection refused, unknown host while the network comes up, "the database system is starting up");
then one line on stderr and exit 69 (EX_UNAVAILABLE). An error that waiting cannot heal (a wrong password, a missing
database) stops at once with exit 1. Every mode ends in exec: the server replaces this process, so it is the process the
signals of `docker stop` reach, not a child behind a shell.

It runs with the project's packages importable (`python /app/docker/entrypoint.py`) but imports them only to wait.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Sequence

DEFAULT_WAIT_SECONDS = 60
#: sysexits.h: a service this command needs is not available
EX_UNAVAILABLE = 69
HEALTH_URL = "http://127.0.0.1:8000/health/live"
SERVE = ["serve", "--host", "0.0.0.0", "--port", "8000"]
#: asyncpg's errors of a server that is up but not yet (or not now) taking this connection
_TRANSIENT_SERVER_ERRORS = {"CannotConnectNowError", "TooManyConnectionsError"}
_TRUE, _FALSE = {"1", "true", "yes", "on"}, {"0", "false", "no", "off", ""}


class Refused(Exception):
    """The entrypoint cannot go on: its message is the one line to print, `code` the exit status."""

    def __init__(self, message: str, code: int = 1) -> None:
        super().__init__(message)
        self.code = code


def _say(message: str) -> None:
    print(f"crmgraph entrypoint: {message}", file=sys.stderr, flush=True)


def _flag(name: str) -> bool:
    value = os.environ.get(name, "").strip().lower()
    if value not in _TRUE | _FALSE:
        raise Refused(f"{name} must be true or false, got {value[:40]!r}", code=2)
    return value in _TRUE


def _wait_seconds() -> int:
    value = os.environ.get("CRMGRAPH_DB_WAIT_SECONDS", "").strip()
    if not value:
        return DEFAULT_WAIT_SECONDS
    if not (value.isascii() and value.isdigit()) or len(value) > 6:
        raise Refused(f"CRMGRAPH_DB_WAIT_SECONDS must be a whole number of seconds, got {value[:40]!r}", code=2)
    return int(value)


def _causes(error: BaseException) -> list[BaseException]:
    """`error` and what it wraps: SQLAlchemy keeps the driver's error in `.orig`, Python in `__cause__`."""
    seen: list[BaseException] = []
    pending: list[BaseException | None] = [error]
    while pending and len(seen) < 20:
        current = pending.pop()
        if current is None or any(current is known for known in seen):
            continue
        seen.append(current)
        pending += [getattr(current, "orig", None), current.__cause__, current.__context__]
    return seen


def is_transient(error: BaseException) -> bool:
    """Whether waiting may heal `error`: the server is not there yet, or is starting up."""
    return any(isinstance(cause, OSError) or type(cause).__name__ in _TRANSIENT_SERVER_ERRORS for cause in _causes(error))


def wait_for_database(url: str, seconds: int) -> None:
    """Return once `url` answers SELECT 1; raise Refused after `seconds` of transient failures, or at once otherwise."""
    import asyncio

    import sqlalchemy as sa
    from sqlalchemy.engine import make_url

    from service.db import create_engine
    from service.health import unreachable_reason

    shown = make_url(url).render_as_string(hide_password=True)

    async def attempt(timeout: float) -> None:
        try:
            engine = create_engine(url, pool_size=1, pool_overflow=0)
        except Exception as error:  # e.g. a SQLite file whose directory cannot be made: waiting will not help
            raise Refused(f"database {shown} cannot be opened: {unreachable_reason(error, timeout)}") from None
        try:
            # asyncpg would wait 60 s for a host that drops packets: each attempt gets at most the time left.
            async with asyncio.timeout(timeout):
                async with engine.connect() as connection:
                    await connection.execute(sa.text("SELECT 1"))
        finally:
            await engine.dispose()

    deadline = time.monotonic() + seconds
    pause, attempts = 0.5, 0
    while True:
        attempts += 1
        timeout = max(1.0, min(5.0, deadline - time.monotonic()))
        try:
            asyncio.run(attempt(timeout))
        except Refused:
            raise
        except Exception as error:  # noqa: BLE001 - sorted below: transient or not
            reason = unreachable_reason(error, timeout)
            if not is_transient(error):
                raise Refused(f"database {shown} refused the connection: {reason}") from None
            left = deadline - time.monotonic()
            if left <= 0:
                raise Refused(f"database {shown} unreachable after {seconds} s ({attempts} attempts): {reason}",
                              code=EX_UNAVAILABLE) from None
            _say(f"waiting for the database {shown} (attempt {attempts}): {reason}")
            time.sleep(min(pause, left))
            pause = min(pause * 2, 5.0)
            continue
        if attempts > 1:
            _say(f"database {shown} reachable after {attempts} attempts")
        return


def healthcheck(url: str = HEALTH_URL, timeout: float = 3.0) -> int:
    """0 when `url` answers 200, else 1 with the reason: Docker keeps the output of its last probes."""
    import urllib.error
    import urllib.request

    # No proxy: an HTTP_PROXY set for the container must not carry a probe of 127.0.0.1 elsewhere.
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    try:
        with opener.open(url, timeout=timeout) as response:
            status = response.status
    except urllib.error.HTTPError as error:
        status = error.code
    except (OSError, ValueError) as error:
        print(f"unhealthy: {url}: {error}", flush=True)
        return 1
    print(f"{'healthy' if status == 200 else 'unhealthy'}: {url} answered {status}", flush=True)
    return 0 if status == 200 else 1


def _database_url() -> str:
    from service.settings import DEFAULT_DATABASE_URL

    return os.environ.get("CRMGRAPH_DATABASE_URL") or DEFAULT_DATABASE_URL


def _crmgraph() -> str:
    found = shutil.which("crmgraph")
    if found is None:
        raise Refused("the crmgraph command is not on PATH (is the virtualenv's bin/ on it?)", code=127)
    return found


def _exec(argv: list[str]) -> None:
    sys.stdout.flush()
    sys.stderr.flush()
    try:
        os.execvp(argv[0], argv)
    except OSError as error:
        raise Refused(f"cannot run {argv[0]!r}: {error.strerror}", code=127) from None


def run(argv: Sequence[str]) -> int:
    """Carry out one mode (see the module's docstring); returns only on failure, or from `healthcheck`."""
    mode, args = (argv[0], list(argv[1:])) if argv else ("serve", [])
    if mode == "healthcheck":
        return healthcheck(*args[:1])
    if mode == "serve":
        if _flag("CRMGRAPH_MIGRATE_ON_START"):
            wait_for_database(_database_url(), _wait_seconds())
            migrated = subprocess.run([_crmgraph(), "migrate"], check=False)
            if migrated.returncode:
                raise Refused(f"crmgraph migrate failed (exit {migrated.returncode}): not serving", migrated.returncode)
        _exec([_crmgraph(), *SERVE, *args])
    elif mode in {"migrate", "seed"}:
        wait_for_database(_database_url(), _wait_seconds())
        _exec([_crmgraph(), mode, *args])
    elif shutil.which(mode):
        _exec([mode, *args])
    else:
        _exec([_crmgraph(), mode, *args])
    raise AssertionError("unreachable: exec returned")


def _stop(signum: int, _frame: object) -> None:
    # PID 1 gets no default action for SIGTERM: without this, `docker stop` during the wait would take 10 s and a SIGKILL.
    raise SystemExit(128 + signum)


def main(argv: Sequence[str] | None = None) -> int:
    for signum in (signal.SIGTERM, signal.SIGINT):
        signal.signal(signum, _stop)
    try:
        return run(sys.argv[1:] if argv is None else argv)
    except Refused as refused:
        _say(str(refused))
        return refused.code


if __name__ == "__main__":
    sys.exit(main())
