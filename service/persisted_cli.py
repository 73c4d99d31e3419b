"""`crmgraph documents add FILE...` and `crmgraph documents list`: the trusted documents an operator
registers from the Relay compiler's persisted output (service/persisted.py serves them)."""

from __future__ import annotations

import argparse
import asyncio
import sys
from pathlib import Path
from typing import Any


def add_documents_command(commands: Any) -> None:
    """The `documents` command and its two actions, on the `crmgraph` command's subparsers."""
    documents = commands.add_parser(
        "documents", help="persisted documents: register the Relay compiler's persisted output as trusted, list them")
    actions = documents.add_subparsers(dest="action", required=True)
    add = actions.add_parser(
        "add", help="register every document of these files as trusted (Relay persistConfig output, SHA256)")
    add.add_argument("files", nargs="+", metavar="FILE", type=Path,
                     help='a JSON object of sha256 -> document text (persistConfig {"file", "algorithm": "SHA256"})')
    actions.add_parser("list", help="every stored document: hash, source (apq or trusted), created, first line")
    # database="required": `crmgraph` first checks it can reach the database, as for `token`.
    documents.set_defaults(handler=_documents, database="required")


def _documents(args: argparse.Namespace, settings: Any) -> int:
    from sqlalchemy.exc import DBAPIError

    from loaders.database import database_trouble
    from service.db import engine_for
    from service.persisted import DocumentsRefused, add_trusted, read_relay_output, stored_documents

    def refuse(message: str) -> int:
        print(f"crmgraph documents {args.action}: {message}", file=sys.stderr)
        return 1

    async def run() -> int:
        async with engine_for(settings.database_url) as engine:
            if args.action == "add":
                documents: dict[str, str] = {}
                for path in args.files:
                    documents.update(read_relay_output(path))
                added, already = await add_trusted(engine, documents, settings.busy_retries)
                print(f"{added} document(s) now trusted, {already} already trusted, from {len(args.files)} file(s)")
            else:
                for row in await stored_documents(engine):
                    first_line = next((line.strip() for line in row.document.splitlines() if line.strip()), "")
                    print(f"{row.sha256}  {row.source:<7}  {row.created_at:%Y-%m-%d %H:%M}  {first_line[:80]}")
        return 0

    try:
        return asyncio.run(run())
    except DocumentsRefused as refused:  # the operator's file, not our failure: one line, no traceback
        return refuse(f"{refused}; nothing was added")
    except Exception as error:
        if (trouble := database_trouble(error)) is not None:
            return refuse(f"{trouble.message} (CRMGRAPH_DATABASE_URL)")
        if isinstance(error, DBAPIError) and "persisted_document" in str(error):
            return refuse("the database has no persisted_document table: run `crmgraph migrate` first")
        raise
