"""Settings, read once from the environment (CRMGRAPH_*): one definition per setting, with its variable,
type, default, bounds and description (`crmgraph settings` prints them; the README's Configuration lists them)."""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any, Literal, get_args
from urllib.parse import urlsplit

import annotated_types
from pydantic import BeforeValidator, Field, PrivateAttr, ValidationError
from pydantic_settings import BaseSettings, EnvSettingsSource, NoDecode, PydanticBaseSettingsSource, SettingsConfigDict

PROJECT_DIR = Path(__file__).resolve().parent.parent
DEFAULT_DATABASE_URL = f"sqlite+aiosqlite:///{PROJECT_DIR / 'var' / 'crmgraph.db'}"
ENV_PREFIX = "CRMGRAPH_"

#: The largest number any setting takes: PostgreSQL's statement_timeout and SQLite's busy_timeout are 32-bit.
LARGEST = 2_147_483_647
#: The drivers crmgraph runs on (create_async_engine needs an async one).
DRIVERS = ("postgresql+asyncpg", "sqlite+aiosqlite")
TRUE_WORDS = frozenset({"true", "1", "yes", "on"})
FALSE_WORDS = frozenset({"false", "0", "no", "off"})


@dataclass(frozen=True)
class Form:
    """How a setting is written in the environment (for error messages), when its type does not say it;
    `secret`: the passwords in its URLs are hidden wherever it is shown."""

    text: str
    secret: bool = False


def _flag(value: Any) -> Any:
    # Stricter than pydantic's own bool: "flase" or "t" must be an error, not a guess.
    if isinstance(value, str):
        word = value.strip().lower()
        if word in TRUE_WORDS:
            return True
        if word in FALSE_WORDS:
            return False
        raise ValueError("not a boolean")
    return value


def _digits(value: Any) -> Any:
    # pydantic would also take "1_0", "10.0" and "+5"; the environment gets plain ASCII digits only.
    if isinstance(value, str):
        text = value.strip()
        if not re.fullmatch(r"[0-9]{1,19}", text):
            raise ValueError("not a whole number")
        return int(text)
    return value


def _lowercase(value: Any) -> Any:
    return value.strip().lower() if isinstance(value, str) else value


def _comma_separated(value: Any) -> Any:
    if isinstance(value, str):
        return tuple(part.strip() for part in value.split(",") if part.strip())
    return value


def _database_url(value: Any) -> Any:
    from sqlalchemy.engine import make_url
    from sqlalchemy.exc import ArgumentError

    if not isinstance(value, str):
        return value
    value = value.strip()
    try:
        driver = make_url(value).drivername
    except ArgumentError:
        raise ValueError("not a URL") from None
    if driver not in DRIVERS:
        raise ValueError(f"driver {driver} is not one of {', '.join(DRIVERS)}")
    return value


def _database_urls(value: Any) -> Any:
    return tuple(_database_url(url) for url in _comma_separated(value))


def _redis_url(value: Any) -> Any:
    if isinstance(value, str):
        value = value.strip()
        if not value:
            return None
        if urlsplit(value).scheme not in ("redis", "rediss", "unix"):
            raise ValueError("not a Redis URL")
    return value


def _origins(value: Any) -> Any:
    origins = _comma_separated(value)
    # A browser's Origin header has no path, not even "/": "https://crm.example.mx/" would never match.
    for origin in origins:
        if origin != "*" and not re.fullmatch(r"https?://[^/\s?#]+", origin):
            raise ValueError("not an origin")
    return origins


def _whole(default: int, description: str, *, minimum: int = 1) -> Any:
    return Field(default, ge=minimum, le=LARGEST, description=description)


Flag = Annotated[bool, BeforeValidator(_flag)]
Whole = Annotated[int, BeforeValidator(_digits)]
DatabaseUrl = Annotated[
    str, BeforeValidator(_database_url),
    Form("a database URL such as postgresql+asyncpg://user:password@host:5432/db or sqlite+aiosqlite:///path/to.db",
         secret=True),
]
DatabaseUrls = Annotated[
    tuple[str, ...], NoDecode, BeforeValidator(_database_urls),
    Form("comma-separated database URLs such as postgresql+asyncpg://user:password@replica:5432/db", secret=True),
]
RedisUrl = Annotated[
    str | None, BeforeValidator(_redis_url), Form("a Redis URL such as redis://:password@host:6379/0", secret=True)
]
Origins = Annotated[
    tuple[str, ...], NoDecode, BeforeValidator(_origins),
    Form("comma-separated origins such as https://crm.example.mx,http://localhost:5173 (no path, no trailing /)"),
]


class SettingsError(ValueError):
    """Settings the environment gives wrong: one line per variable, naming it and the form it expects."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("\n".join(problems))
        self.problems = problems


class Settings(BaseSettings):
    """Every setting of a worker. `Settings(name=value, ...)` is the defaults with those values (tests, the
    bench); `Settings.from_env()` reads CRMGRAPH_* from the environment. Immutable."""

    model_config = SettingsConfigDict(
        env_prefix=ENV_PREFIX, frozen=True, populate_by_name=True, env_ignore_empty=True, extra="forbid"
    )

    database_url: DatabaseUrl = Field(DEFAULT_DATABASE_URL, description="the database (PostgreSQL in production)")
    graphiql: Flag = Field(True, description="serve GraphiQL to browsers on GET /graphql")
    introspection: Flag = Field(True, description="answer introspection queries (the schema's self-description)")
    echo_sql: Flag = Field(False, description="echo every SQL statement to the log (debugging)")
    max_depth: Whole = _whole(10, "deepest selection nesting a query may have")
    max_aliases: Whole = _whole(30, "aliases one document may use")
    max_tokens: Whole = _whole(5000, "tokens (names, braces, values...) one document may have")
    node_budget: Whole = _whole(
        50_000, "rows a query may ask for, before it runs: the sum over connections of the product of the `first`s on their path"
    )
    heavy_cost: Whole = _whole(
        2_000, "a query whose node-budget cost is over this is heavy: only `heavy_concurrency` of them run at once per worker"
    )
    heavy_concurrency: Whole = _whole(2, "heavy queries running at once per worker")
    max_batch: Whole = _whole(10, "operations in one batched request (a JSON array)")
    max_body_bytes: Whole = _whole(1_000_000, "bytes of a request body")
    statement_timeout_ms: Whole = _whole(10_000, "milliseconds one SQL statement may run")
    request_timeout_ms: Whole = _whole(
        30_000, "milliseconds a whole request may spend on the database; pending statements are cancelled after it"
    )
    pool_size: Whole = _whole(10, "connections each worker keeps open to the database")
    pool_overflow: Whole = _whole(10, "connections a worker may open beyond pool_size under load", minimum=0)
    pool_timeout_ms: Whole = _whole(5_000, "milliseconds a request waits for a free connection before SERVICE_BUSY")
    busy_retries: Whole = _whole(
        4, "times a write that finds SQLite locked by another writer is retried (with a short backoff)", minimum=0
    )
    sqlite_busy_timeout_ms: Whole = _whole(
        5_000, "milliseconds SQLite waits for another process's write lock before a retry (PRAGMA busy_timeout)"
    )
    compiled_executor: Flag = Field(
        True, description="run read-only queries through the compiled executor (schema/compiled); false: graphql-core's"
    )
    token_cache_seconds: Whole = _whole(
        5, "seconds a token's check is remembered (0: every request asks the database); a revoked token may work this long",
        minimum=0,
    )
    cors_origins: Origins = Field((), description="origins a browser may call the API from (CORS); none by default")
    log_format: Annotated[Literal["json", "text"], BeforeValidator(_lowercase)] = Field(
        "json", description="json: one JSON line per request (production); text: a human format (`make run`)"
    )
    metrics_public: Flag = Field(False, description="serve GET /metrics to anyone (true) or only to an admin token (false)")
    rate_limit: Whole = _whole(
        1_000_000, "cost points each token may spend per minute (a request costs its node-budget figure, at least 1); 0: no limit",
        minimum=0,
    )
    redis_url: RedisUrl = Field(
        None, description="Redis holding the rate-limit buckets shared by every worker and host; none: each worker keeps its own"
    )
    trusted_documents_only: Flag = Field(
        False, description="run only documents registered with `crmgraph documents add` (a public frontend's fixed queries)"
    )
    read_database_urls: DatabaseUrls = Field(
        (), validation_alias="CRMGRAPH_READ_DATABASE_URL",
        description="streaming replicas that serve queries' read snapshots; none: the primary serves every read",
    )
    max_replica_lag_ms: Whole = _whole(
        5_000, "a replica further behind the primary than this (milliseconds) is skipped for the primary", minimum=0
    )

    _from_environment: bool = PrivateAttr(False)

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        # `Settings(...)` is only what its caller says: a test's or the bench's settings must not change
        # with the shell they run in. from_env() reads the environment itself.
        return (init_settings,)

    @classmethod
    def from_env(cls) -> Settings:
        """The settings the environment gives (empty variables count as unset); SettingsError names each bad one."""
        given = EnvSettingsSource(cls)()
        try:
            settings = cls(**given)
        except ValidationError as error:
            raise SettingsError(_problems(error, given)) from None
        settings._from_environment = True
        return settings

    @classmethod
    def env_name(cls, name: str) -> str:
        """The environment variable of setting `name`."""
        alias = cls.model_fields[name].validation_alias
        return alias if isinstance(alias, str) else f"{ENV_PREFIX}{name.upper()}"

    def source(self, name: str) -> str:
        """Where setting `name` came from: "environment", "default", or "argument" (Settings(name=...))."""
        if name not in self.model_fields_set:
            return "default"
        return "environment" if self._from_environment else "argument"

    def shown(self, name: str) -> str:
        """Setting `name` as the environment writes it, passwords hidden."""
        value = getattr(self, name)
        secret = _secret(name)
        if value is None or value == ():
            return "(none)"
        if isinstance(value, bool):
            return "true" if value else "false"
        if isinstance(value, tuple):
            return ",".join(hide_password(item) if secret else item for item in value)
        return hide_password(value) if secret else str(value)

    def __repr_args__(self) -> Any:
        # A logged or printed Settings never shows a password.
        for name, value in super().__repr_args__():
            yield name, (self.shown(name) if name in type(self).model_fields and _secret(name) and value else value)


def hide_password(url: str) -> str:
    """`url` with its password (in the user part or a `password=` parameter) shown as ***."""
    from sqlalchemy.engine import make_url
    from sqlalchemy.exc import ArgumentError

    try:
        parsed = make_url(url)
    except ArgumentError:
        return re.sub(r"(://[^:/@]*:)[^@/]*@", r"\1***@", url)
    if "password" in parsed.query:
        parsed = parsed.update_query_dict({"password": "***"})
    return parsed.render_as_string(hide_password=True)


#: CRMGRAPH_* variables read by something else than the server: the container's entrypoint
#: (docker/entrypoint.py) and the tests.
OTHER_VARIABLES = frozenset({"CRMGRAPH_MIGRATE_ON_START", "CRMGRAPH_DB_WAIT_SECONDS", "CRMGRAPH_TEST_PG"})


def unknown_variables(environ: Mapping[str, str] | None = None) -> list[str]:
    """CRMGRAPH_* variables that are no setting (a typo such as CRMGRAPH_MAXDEPTH is otherwise silently ignored)."""
    variables = os.environ if environ is None else environ
    known = {Settings.env_name(name) for name in Settings.model_fields} | OTHER_VARIABLES
    return sorted(name for name in variables if name.upper().startswith(ENV_PREFIX) and name.upper() not in known)


def expected_form(name: str) -> str:
    """How setting `name` must be written, e.g. "a whole number from 1 to 2147483647"."""
    field = Settings.model_fields[name]
    if (form := _form(name)) is not None:
        return form.text
    if field.annotation is bool:
        return "true or false (or 1/0, yes/no, on/off)"
    if field.annotation is int:
        low = next(item.ge for item in field.metadata if isinstance(item, annotated_types.Ge))
        high = next(item.le for item in field.metadata if isinstance(item, annotated_types.Le))
        return f"a whole number from {low} to {high}"
    return "one of " + ", ".join(str(choice) for choice in get_args(field.annotation))


def _form(name: str) -> Form | None:
    return next((item for item in Settings.model_fields[name].metadata if isinstance(item, Form)), None)


def _secret(name: str) -> bool:
    form = _form(name)
    return form is not None and form.secret


def _problems(error: ValidationError, given: dict[str, Any]) -> list[str]:
    """One line per bad variable: its name, what it must be, and what it was (passwords hidden, at most 60 characters)."""
    by_key = {name: name for name in Settings.model_fields}
    by_key.update({Settings.env_name(name): name for name in Settings.model_fields})
    problems: dict[str, str] = {}
    for item in error.errors():
        name = by_key.get(str(item["loc"][0]) if item["loc"] else "")
        if name is None or name in problems:
            continue
        raw = str(given.get(name, given.get(Settings.env_name(name), "")))
        shown = ",".join(hide_password(part) for part in raw.split(",")) if _secret(name) else raw
        if len(shown) > 60:
            shown = shown[:57] + "..."
        problems[name] = f"{Settings.env_name(name)} must be {expected_form(name)}, got {shown!r}"
    return list(problems.values()) or [str(error).splitlines()[0]]
