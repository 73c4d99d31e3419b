"""The PostgreSQL database of bench/peer.py, on 127.0.0.1: made, migrated, seeded and analyzed (or
reused), with an account of 100,000 invoices and one of 10 added."""

from __future__ import annotations

import argparse
import asyncio
import time

import asyncpg

from bench.common import BenchError
from bench.peer_shapes import BIG_INVOICES, SMALL_INVOICES
from bench.server import run_crmgraph

PG_HOST, PG_PORT, PG_USER = "127.0.0.1", 5432, "postgres"


def database_url(name: str) -> str:
    """crmgraph's URL of the database `name`."""
    return f"postgresql+asyncpg://{PG_USER}@{PG_HOST}/{name}"


async def _connect(database: str) -> asyncpg.Connection:
    return await asyncpg.connect(host=PG_HOST, port=PG_PORT, user=PG_USER, database=database, timeout=10)


def run_sql(database: str, *statements: str) -> None:
    """Run statements one by one outside any transaction (CREATE DATABASE and VACUUM need that)."""

    async def run() -> None:
        connection = await _connect(database)
        try:
            for statement in statements:
                await connection.execute(statement)
        finally:
            await connection.close()

    asyncio.run(run())


def database_exists(name: str) -> bool:
    async def exists() -> bool:
        connection = await _connect("postgres")
        try:
            return bool(await connection.fetchval("SELECT 1 FROM pg_database WHERE datname = $1", name))
        finally:
            await connection.close()

    return asyncio.run(exists())


def prepare_database(args: argparse.Namespace) -> None:
    """A migrated, seeded, analyzed database; kept as it is with --reuse when it exists."""
    name = args.pg_database
    url = database_url(name)
    if args.reuse and database_exists(name):
        print(f"reusing database {name} (not seeded again)")
        run_crmgraph(url, "migrate")
        return
    run_sql("postgres", f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)', f'CREATE DATABASE "{name}"')
    run_crmgraph(url, "migrate")
    started = time.perf_counter()
    run_crmgraph(url, "seed", "--accounts", str(args.accounts), "--seed", str(args.seed))
    run_sql(name, "VACUUM ANALYZE")
    print(f"database {name}: migrated, seeded ({args.accounts} accounts, seed {args.seed}) and analyzed "
          f"in {time.perf_counter() - started:.0f} s")


def add_invoiced_accounts(database: str) -> tuple[int, int]:
    """The ids of an account with 100,000 invoices and one with 10, made once (copies of existing rows)."""

    async def add() -> tuple[int, int]:
        connection = await _connect(database)
        try:
            big = await _invoiced_account(connection, "PEER-BIG", BIG_INVOICES)
            small = await _invoiced_account(connection, "PEER-SMALL", SMALL_INVOICES)
            await connection.execute("ANALYZE account; ANALYZE invoice")
            return big, small
        finally:
            await connection.close()

    return asyncio.run(add())


async def _invoiced_account(connection: asyncpg.Connection, account_no: str, invoices: int) -> int:
    """A copy of the first account, under its own number and name, with `invoices` copies of the first invoice
    spread over 1,500 days: every column copied, so the row passes whatever constraints the schema has."""
    pk = await connection.fetchval("SELECT id FROM account WHERE account_no = $1", account_no)
    if pk is not None:
        have = await connection.fetchval("SELECT count(*) FROM invoice WHERE account_id = $1", pk)
        if have != invoices:
            raise BenchError(f"account {account_no} has {have} invoices, not {invoices}: drop the database")
        return pk
    columns = await _columns(connection, "account")
    values = {"account_no": "$1::text", "name": "$2::text"}
    pk = await connection.fetchval(
        f"INSERT INTO account ({', '.join(columns)}) "
        f"SELECT {', '.join(values.get(c.strip(chr(34)), c) for c in columns)} FROM account "
        f"WHERE id = (SELECT min(id) FROM account) RETURNING id",
        account_no, f"ZZ {account_no} {invoices} FACTURAS")
    columns = await _columns(connection, "invoice")
    values = {"account_id": "$1", "contact_id": "NULL", "uuid": "NULL", "folio": "'P' || g",
              "date": 'template."date" - (g % 1500)'}
    await connection.execute(
        f"INSERT INTO invoice ({', '.join(columns)}) "
        f"SELECT {', '.join(values.get(c.strip(chr(34)), f'template.{c}') for c in columns)} "
        f"FROM (SELECT * FROM invoice ORDER BY id LIMIT 1) AS template, generate_series(1, $2::int) AS g",
        pk, invoices)
    return pk


async def _columns(connection: asyncpg.Connection, table: str) -> list[str]:
    """The quoted columns of a table but its id."""
    rows = await connection.fetch(
        "SELECT column_name FROM information_schema.columns WHERE table_schema = 'public' AND table_name = $1 "
        "AND column_name <> 'id' ORDER BY ordinal_position", table)
    return [f'"{row["column_name"]}"' for row in rows]
