"""What the server log holds: one line per request (JSON, or a human format), one traceback per
distinct error a minute, and no query strings.

During a database outage every request fails the same way; a traceback for each one buried the
log (17.6 MB in 20 s). A URL's query string can carry a token or a search term, which the log has no
business keeping: a request's line holds its path only, and its token's name, never the token.
"""

from __future__ import annotations

import copy
import datetime as dt
import logging
import re
import threading
import time
from collections.abc import Callable
from contextvars import ContextVar
from typing import Any

import orjson

#: The logger of our unexpected errors (service/view.py, schema/errors.py).
ERRORS = "crmgraph.errors"
#: The logger of the one line per request to /graphql (service/observation.py).
REQUESTS = "crmgraph.requests"
#: The id of the request being served: every record logged while it runs carries it, so a traceback
#: and its request's line are found together.
REQUEST_ID: ContextVar[str | None] = ContextVar("crmgraph_request_id", default=None)

_requests = logging.getLogger(REQUESTS)


def log_request(summary: str, fields: dict[str, Any]) -> None:
    """Write a request's line: `summary` for people, `fields` for machines (see the formatters)."""
    if _requests.isEnabledFor(logging.INFO):
        # The record made directly: Logger.info would first walk the stack for a caller nobody reads.
        record = _requests.makeRecord(REQUESTS, logging.INFO, __file__, 0, "%s", (summary,), None, extra={"fields": fields})
        _requests.handle(record)


def _timestamp(record: logging.LogRecord) -> str:
    return dt.datetime.fromtimestamp(record.created, dt.UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


class JsonFormatter(logging.Formatter):
    """One JSON object per line: time, level, logger, message, the request's id when a request is
    being served, a request line's fields, and a traceback (once: see ThrottledTracebacks)."""

    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, Any] = {"time": _timestamp(record), "level": record.levelname.lower(),
                                 "logger": record.name, "message": record.getMessage()}
        request_id = getattr(record, "request_id", None) or REQUEST_ID.get()
        if request_id is not None:
            entry["request_id"] = request_id
        fields = getattr(record, "fields", None)
        if isinstance(fields, dict):
            entry.update(fields)
        if record.exc_info:
            record.exc_text = record.exc_text or self.formatException(record.exc_info)
        if record.exc_text:
            entry["traceback"] = record.exc_text
        if record.stack_info:
            entry["stack"] = self.formatStack(record.stack_info)
        return orjson.dumps(entry, default=str).decode()


class TextFormatter(logging.Formatter):
    """One line for people (`make run`): a request's summary, then its figures as key=value."""

    def format(self, record: logging.LogRecord) -> str:
        fields = getattr(record, "fields", None)
        time_ = dt.datetime.fromtimestamp(record.created).strftime("%H:%M:%S")
        line = f"{time_} {record.levelname:<7} {record.getMessage()}"
        if isinstance(fields, dict):
            codes = ",".join(fields.get("error_codes") or ()) or "-"
            line += (f"  token={fields.get('token') or '-'} statements={fields.get('statements')} rows={fields.get('rows')}"
                     f" cost={fields.get('cost')} errors={codes} id={fields.get('request_id')}")
        if record.exc_info:
            record.exc_text = record.exc_text or self.formatException(record.exc_info)
        if record.exc_text:
            line += "\n" + record.exc_text
        return line

# What varies between two occurrences of one error: addresses, ids, numbers, quoted values.
_VARIABLE = re.compile(
    r"0x[0-9a-fA-F]+|[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}"
    r"|\b(?=[0-9a-fA-F]*[0-9])[0-9a-fA-F]{8,}\b|[0-9]+|'[^']*'|\"[^\"]*\""
)


def error_kind(error: BaseException) -> str:
    """The error's type, with the driver's for a database error:
    `OperationalError (sqlite3.OperationalError)`, `InterfaceError (asyncpg.exceptions.ConnectionDoesNotExistError)`."""
    orig = getattr(error, "orig", None)  # SQLAlchemy keeps the driver's exception here
    if not isinstance(orig, BaseException):
        return type(error).__name__
    # SQLAlchemy's asyncpg adapter wraps asyncpg's own exception, which names the failure.
    driver = orig.__cause__ if isinstance(orig.__cause__, BaseException) else orig
    return f"{type(error).__name__} ({type(driver).__module__}.{type(driver).__qualname__})"


def error_signature(error: BaseException) -> tuple[str, str]:
    """What makes two errors "the same": their kind, and the message without its numbers, ids and values.

    A database error's own message holds the statement (and, unless the engine hides them, its
    parameters): one outage would give a signature per statement. The driver's message does not.
    """
    orig = getattr(error, "orig", None)
    message = str(orig if isinstance(orig, BaseException) else error)
    return error_kind(error), _VARIABLE.sub("#", message)[:500]


class ThrottledTracebacks(logging.Filter):
    """Keeps a record's traceback the first time its error's signature is seen in `window` seconds;
    a later record of the same error loses it, and its one line names the error's kind instead.

    Attach it to a logger (its own records) or to a handler (every record the handler writes).
    """

    def __init__(self, window: float = 60.0, *, clock: Callable[[], float] = time.monotonic,
                 max_signatures: int = 1000) -> None:
        super().__init__()
        self.window, self.clock, self.max_signatures = window, clock, max_signatures
        self._shown: dict[tuple[str, str], float] = {}  # signature -> when its traceback was last written
        self._lock = threading.Lock()

    def filter(self, record: logging.LogRecord) -> bool:
        error = record.exc_info[1] if isinstance(record.exc_info, tuple) else None
        if error is None:
            return True
        try:
            if self._first_in_window(error_signature(error)):
                return True
            kind = error_kind(error)
        except Exception:  # noqa: BLE001 - an error whose str() fails: better a traceback than a lost record
            return True
        # getMessage() first: the appended text may hold a "%" that the record's args would meet.
        record.msg = f"{record.getMessage()} [{kind}; traceback already logged in the last minute]"
        record.args = None
        record.exc_info, record.exc_text = None, None
        return True

    def forget(self) -> None:
        """Start afresh, as if no traceback had been written (a test that expects one calls this)."""
        with self._lock:
            self._shown.clear()

    def _first_in_window(self, signature: tuple[str, str]) -> bool:
        now = self.clock()
        with self._lock:
            shown = self._shown.get(signature)
            if shown is not None and now - shown < self.window:
                return False
            if shown is None and len(self._shown) >= self.max_signatures:
                self._shown = {key: at for key, at in self._shown.items() if now - at < self.window}
                if len(self._shown) >= self.max_signatures:  # a storm of distinct errors: lines only
                    return False
            self._shown[signature] = now
            return True


def throttle_tracebacks(logger_name: str = ERRORS, *, window: float = 60.0) -> ThrottledTracebacks:
    """Attach a `ThrottledTracebacks` to the logger, once: calling it again (a second app) changes nothing."""
    logger = logging.getLogger(logger_name)
    for existing in logger.filters:
        if isinstance(existing, ThrottledTracebacks):
            return existing
    throttle = ThrottledTracebacks(window)
    logger.addFilter(throttle)
    return throttle


class PathWithoutQuery(logging.Filter):
    """Drops the query string from uvicorn's access-log records, whose args are
    (client_addr, method, full_path, http_version, status_code)."""

    def filter(self, record: logging.LogRecord) -> bool:
        args = record.args
        if isinstance(args, tuple) and len(args) == 5 and isinstance(args[2], str):
            # uvicorn percent-quotes the path, so its first "?" begins the query string.
            record.args = (*args[:2], args[2].partition("?")[0], *args[3:])
        return True


def uvicorn_log_config(level: str = "info", log_format: str = "json") -> dict[str, Any]:
    """uvicorn's own logging, plus: one line per request to /graphql on stdout (where uvicorn's access
    log went: `serve` turns that off), in JSON or, with `log_format` "text", for people; in JSON
    uvicorn's and our other records are JSON lines too (on stderr); our errors are written at `level`
    beside uvicorn's, and every traceback on that stream is throttled. The access log, if turned
    back on, writes no query string."""
    from uvicorn.config import LOG_LEVELS, LOGGING_CONFIG

    config = copy.deepcopy(LOGGING_CONFIG)
    config["filters"] = {
        "path_without_query": {"()": PathWithoutQuery},
        "throttled_tracebacks": {"()": ThrottledTracebacks},
    }
    formatter = "text" if log_format == "text" else "json"
    config["formatters"]["json"] = {"()": JsonFormatter}
    config["formatters"]["text"] = {"()": TextFormatter}
    config["handlers"]["default"]["filters"] = ["throttled_tracebacks"]
    if formatter == "json":
        config["handlers"]["default"]["formatter"] = "json"
    config["handlers"]["requests"] = {"class": "logging.StreamHandler", "stream": "ext://sys.stdout", "formatter": formatter}
    config["loggers"]["uvicorn.access"]["filters"] = ["path_without_query"]
    config["loggers"]["crmgraph"] = {"handlers": ["default"], "level": LOG_LEVELS[level.lower()], "propagate": False}
    config["loggers"][REQUESTS] = {"handlers": ["requests"], "level": LOG_LEVELS[level.lower()], "propagate": False}
    return config
