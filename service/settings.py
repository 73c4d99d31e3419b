"""Settings, read once from the environment (CRMGRAPH_*)."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

PROJECT_DIR = Path(__file__).resolve().parent.parent
DEFAULT_DATABASE_URL = f"sqlite+aiosqlite:///{PROJECT_DIR / 'var' / 'crmgraph.db'}"


def _flag(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    return default if value is None else value.strip().lower() in {"1", "true", "yes", "on"}


@dataclass(frozen=True)
class Settings:
    database_url: str = DEFAULT_DATABASE_URL
    graphiql: bool = True
    #: echo every SQL statement to the log (debugging)
    echo_sql: bool = False

    @classmethod
    def from_env(cls) -> Settings:
        return cls(
            database_url=os.environ.get("CRMGRAPH_DATABASE_URL", DEFAULT_DATABASE_URL),
            graphiql=_flag("CRMGRAPH_GRAPHIQL", True),
            echo_sql=_flag("CRMGRAPH_ECHO_SQL", False),
        )
