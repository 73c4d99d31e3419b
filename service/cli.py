"""`crmgraph`: serve, migrate, seed, schema."""

from __future__ import annotations

import argparse
import asyncio
import re
import socket
import sys
from collections.abc import Sequence

from service.settings import Settings


def _serve(args: argparse.Namespace, settings: Settings) -> int:
    import uvicorn
    from uvicorn.supervisors import Multiprocess

    from service.logs import uvicorn_log_config

    options = dict(factory=True, host=args.host, port=args.port, workers=args.workers, log_level=args.log_level,
                   log_config=uvicorn_log_config(args.log_level))
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
    from service.db import create_engine
    from service.seed import database_is_empty, seed_demo

    async def run() -> int:
        engine = create_engine(settings.database_url)
        try:
            if args.if_empty and not await database_is_empty(engine):
                print("database already holds data: demo data not loaded")
                return 0
            report = await seed_demo(engine, accounts=args.accounts, seed=args.seed)
        finally:
            await engine.dispose()
        print(report)
        return 0

    return asyncio.run(run())


def _token(args: argparse.Namespace, settings: Settings) -> int:
    import datetime as dt

    from models import Scope
    from service.auth import TokenRefused, create_token, lifetime, list_tokens, revoke_tokens
    from service.db import create_engine

    async def run() -> int:
        engine = create_engine(settings.database_url)
        try:
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
                    scopes = ",".join(scope.value for scope in row.scopes)
                    expires = row.expires_at.isoformat() if row.expires_at else "never"
                    print(f"{row.prefix}...  {row.name:<24} {scopes:<16} {state:<8} expires {expires}")
            else:
                revoked = await revoke_tokens(engine, args.name)
                print(f"revoked {revoked} token(s) named or starting {args.name!r}")
                return 0 if revoked else 1
        finally:
            await engine.dispose()
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
    from schema import schema

    sys.stdout.write(schema.as_str() + "\n")
    return 0


def _safe_url(url: str) -> str:
    from sqlalchemy.engine import make_url

    return make_url(url).render_as_string(hide_password=True)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="crmgraph", description="GraphQL service over a Mexican ERP/CRM.")
    parser.set_defaults(handler=None)
    commands = parser.add_subparsers(title="commands")

    serve = commands.add_parser("serve", help="serve GraphQL (and GraphiQL) over HTTP")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=8000)
    serve.add_argument("--workers", type=int, default=1, help="worker processes (stateless; PostgreSQL for >1)")
    # Not uvicorn's "trace": it logs every ASGI scope, query string included.
    serve.add_argument("--log-level", default="info", choices=["critical", "error", "warning", "info", "debug"])
    serve.set_defaults(handler=_serve)

    migrate = commands.add_parser("migrate", help="upgrade the database (CRMGRAPH_DATABASE_URL) to the newest schema")
    migrate.set_defaults(handler=_migrate)

    seed = commands.add_parser("seed", help="load deterministic demo data (Faker es_MX)")
    seed.add_argument("--accounts", type=int, default=200, help="number of accounts (default 200)")
    seed.add_argument("--seed", type=int, default=1, help="random seed: the same seed gives the same data")
    seed.add_argument("--if-empty", action="store_true", help="do nothing when the database already has accounts")
    seed.set_defaults(handler=_seed)

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
    token.set_defaults(handler=_token)

    schema = commands.add_parser("schema", help="print the GraphQL schema (SDL)")
    schema.set_defaults(handler=_schema)

    args = parser.parse_args(argv)
    if args.handler is None:
        parser.print_help()
        return 2
    return args.handler(args, Settings.from_env())


if __name__ == "__main__":
    sys.exit(main())
