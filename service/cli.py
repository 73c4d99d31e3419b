"""`crmgraph`: serve, migrate, seed, token, schema, settings."""

from __future__ import annotations

import argparse
import asyncio
import re
import socket
import sys
from collections.abc import Sequence

from service.settings import Settings, SettingsError, expected_form, hide_password, unknown_variables

#: Seconds a command waits for the database to answer before it says it cannot reach it.
PROBE_SECONDS = 5.0


def _serve(args: argparse.Namespace, settings: Settings) -> int:
    import uvicorn
    from uvicorn.supervisors import Multiprocess

    from service.logs import uvicorn_log_config
    from service.metrics import prepare_multiprocess

    prepare_multiprocess(args.workers)  # the workers' metrics in one directory: a scrape of any reads all
    # access_log=False: each request's line is ours (service/observation.py), with its operation and figures.
    options = dict(factory=True, host=args.host, port=args.port, workers=args.workers, log_level=args.log_level,
                   log_config=uvicorn_log_config(args.log_level, settings.log_format), access_log=False)
    if args.workers <= 1:
        uvicorn.run("service.app:create_app", **options)
        return 0
    # With workers, uvicorn binds the socket itself as protocol 0, so asyncio never sets TCP_NODELAY
    # on accepted connections and every keep-alive answer waits ~40 ms for a delayed ACK (uvicorn
    # issue #3149). Bind it, then re-wrap the same descriptor as TCP.
    config = uvicorn.Config("service.app:create_app", **options)
    bound = config.bind_socket()
    sock = socket.socket(bound.family, bound.type, socket.IPPROTO_TCP, fileno=bound.detach())
    sock.set_inheritable(True)
    Multiprocess(config, sockets=[sock]).run()
    return 0


def _migrate(_args: argparse.Namespace, settings: Settings) -> int:
    from service.migrate import migrate

    migrate(settings.database_url)
    print(f"database is at the newest schema: {_safe_url(settings.database_url)}")
    return 0


def _seed(args: argparse.Namespace, settings: Settings) -> int:
    from service.db import engine_for
    from service.seed import database_is_empty, seed_demo

    async def run() -> int:
        async with engine_for(settings.database_url) as engine:
            if args.if_empty and not await database_is_empty(engine):
                print("database already holds data: demo data not loaded")
                return 0
            report = await seed_demo(engine, accounts=args.accounts, seed=args.seed)
        print(report)
        return 0

    return asyncio.run(run())


def _token(args: argparse.Namespace, settings: Settings) -> int:
    import datetime as dt

    from models import Scope
    from service.auth import TokenRefused, create_token, lifetime, list_tokens, revoke_tokens
    from service.db import engine_for

    async def run() -> int:
        async with engine_for(settings.database_url) as engine:
            if args.action == "create":
                expires = None if args.expires_in_days is None else lifetime(args.expires_in_days)
                scopes = {Scope(scope.upper()) for scope in args.scope}
                token = await create_token(engine, args.name, scopes, expires_in=expires)
                print(token)
                print(f"token {args.name!r} ({', '.join(sorted(s.value for s in scopes))}): shown once, stored only as a hash",
                      file=sys.stderr)
            elif args.action == "demo":
                await revoke_tokens(engine, "demo")
                token = await create_token(engine, "demo", {Scope.WRITE})
                print(f"\nDemo token (READ and WRITE), for the Authorization header:\n  Bearer {token}\n")
            elif args.action == "list":
                now = dt.datetime.now(dt.UTC)
                for row in await list_tokens(engine):
                    state = ("revoked" if row.revoked_at else "expired" if row.expires_at and row.expires_at <= now else "live")
                    held = ",".join(scope.value for scope in row.scopes)
                    until = row.expires_at.isoformat() if row.expires_at else "never"
                    print(f"{row.prefix}...  {row.name:<24} {held:<16} {state:<8} expires {until}")
            else:
                revoked = await revoke_tokens(engine, args.name)
                print(f"revoked {revoked} token(s) named or starting {args.name!r}")
                return 0 if revoked else 1
        return 0

    try:
        return asyncio.run(run())
    except TokenRefused as refused:  # the user's input, not our failure: one line, no traceback
        print(f"crmgraph token {args.action}: {refused}", file=sys.stderr)
        return 1


def _whole_number(text: str) -> int:
    """An integer written with ASCII digits (int() would also take "١٠" or "1_0")."""
    if not re.fullmatch(r"-?[0-9]+", text):
        raise argparse.ArgumentTypeError(f"not a whole number: {text[:40]!r}")
    if len(text) > 18:
        raise argparse.ArgumentTypeError(f"out of range: {text[:20]}...")
    return int(text)


def _schema(_args: argparse.Namespace, _settings: Settings) -> int:
    from service.schema import schema

    sys.stdout.write(schema.as_str() + "\n")
    return 0


def _safe_url(url: str) -> str:
    return hide_password(url)


def _settings(args: argparse.Namespace, settings: Settings) -> int:
    rows = {name: (Settings.env_name(name), settings.shown(name), settings.source(name)) for name in Settings.model_fields}
    header = ("SETTING", "VALUE", "FROM")
    name_width, value_width = (max(len(row[column]) for row in [header, *rows.values()]) for column in (0, 1))
    for name, (variable, value, source) in {"": header, **rows}.items():
        print(f"{variable:<{name_width}}  {value:<{value_width}}  {source}")
        if args.describe and name:
            print(f"    {Settings.model_fields[name].description}; {expected_form(name)}")
    for name in unknown_variables():
        print(f"crmgraph settings: {name} is not a setting: ignored", file=sys.stderr)
    return 0


def _database_problem(url: str) -> str | None:
    """Why the database at `url` cannot be reached, or None: asked before a command that needs it."""
    from service.db import create_engine
    from service.health import database_problem, unreachable_reason

    async def probe() -> str | None:
        try:
            engine = create_engine(url, pool_size=1, pool_overflow=0)
        except Exception as error:  # noqa: BLE001 - e.g. a SQLite file whose folder cannot be made
            return unreachable_reason(error, PROBE_SECONDS)
        try:
            return await database_problem(engine, PROBE_SECONDS)
        finally:
            await engine.dispose()

    return asyncio.run(probe())


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="crmgraph", description="GraphQL service over a Mexican ERP/CRM.")
    parser.set_defaults(handler=None, database=None)
    commands = parser.add_subparsers(title="commands")

    serve = commands.add_parser("serve", help="serve GraphQL (and GraphiQL) over HTTP")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=8000)
    serve.add_argument("--workers", type=int, default=1, help="worker processes (stateless; PostgreSQL for >1)")
    # Not uvicorn's "trace": it logs every ASGI scope, query string included.
    serve.add_argument("--log-level", default="info", choices=["critical", "error", "warning", "info", "debug"])
    # serve starts without its database (/health/ready answers 503 until it is back): it only says so.
    serve.set_defaults(handler=_serve, database="warn")

    migrate = commands.add_parser("migrate", help="upgrade the database (CRMGRAPH_DATABASE_URL) to the newest schema")
    migrate.set_defaults(handler=_migrate, database="required")

    seed = commands.add_parser("seed", help="load deterministic demo data (Faker es_MX)")
    seed.add_argument("--accounts", type=int, default=200, help="number of accounts (default 200)")
    seed.add_argument("--seed", type=int, default=1, help="random seed: the same seed gives the same data")
    seed.add_argument("--if-empty", action="store_true", help="do nothing when the database already has accounts")
    seed.set_defaults(handler=_seed, database="required")

    token = commands.add_parser("token", help="API tokens: create, list, revoke")
    token_commands = token.add_subparsers(dest="action", required=True)
    create = token_commands.add_parser("create", help="make a token and print it (once)")
    create.add_argument("--name", required=True, help="who or what uses it, e.g. bi-tool")
    create.add_argument("--scope", action="append", choices=["read", "write", "admin"], required=True,
                        help="read: queries; write: also mutations; admin: everything (repeatable)")
    create.add_argument("--expires-in-days", type=_whole_number, default=None,
                        help="stop working after this many days (default: never)")
    token_commands.add_parser("list", help="every token: prefix, name, scopes, state (never the token)")
    revoke = token_commands.add_parser("revoke", help="revoke the tokens with this name or prefix")
    revoke.add_argument("name", help="a token's name, or the prefix `list` shows")
    token_commands.add_parser("demo", help="replace the 'demo' token (read and write) and print it")
    token.set_defaults(handler=_token, database="required")

    from service.persisted_cli import add_documents_command  # `documents add|list`, with the persisted queries

    add_documents_command(commands)

    schema = commands.add_parser("schema", help="print the GraphQL schema (SDL)")
    schema.set_defaults(handler=_schema)

    settings_command = commands.add_parser(
        "settings", help="every setting: its variable, value and where it came from (secrets hidden)")
    settings_command.add_argument("--describe", action="store_true", help="also each setting's meaning and form")
    settings_command.set_defaults(handler=_settings)

    args = parser.parse_args(argv)
    if args.handler is None:
        parser.print_help()
        return 2
    try:
        settings = Settings.from_env()
    except SettingsError as error:  # the operator's input, not our failure: a line per variable, no traceback
        for problem in error.problems:
            print(f"crmgraph: {problem}", file=sys.stderr)
        return 2
    if args.database and (unreachable := _database_problem(settings.database_url)):
        line = f"crmgraph: cannot reach the database at {_safe_url(settings.database_url)}: {unreachable}"
        if args.database == "required":
            print(line, file=sys.stderr)
            return 1
        print(f"{line} (serving anyway: /health and /health/ready answer 503 until it is back)", file=sys.stderr)
    return args.handler(args, settings)


if __name__ == "__main__":
    sys.exit(main())
