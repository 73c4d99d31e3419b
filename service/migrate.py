"""Bring a database to the newest schema with Alembic (the same as `alembic upgrade head`)."""

from __future__ import annotations

from alembic import command
from alembic.config import Config

from service.settings import PROJECT_DIR


def _config(database_url: str) -> Config:
    config = Config(str(PROJECT_DIR / "alembic.ini"))
    config.set_main_option("script_location", str(PROJECT_DIR / "migrations"))
    config.set_main_option("sqlalchemy.url", database_url.replace("%", "%%"))
    config.attributes["skip_logging"] = True
    return config


def migrate(database_url: str, revision: str = "head") -> None:
    """Upgrade `database_url` to `revision`. Runs its own event loop: call it outside one (or in a thread)."""
    command.upgrade(_config(database_url), revision)


def downgrade(database_url: str, revision: str) -> None:
    """Downgrade `database_url` to `revision` (`alembic downgrade`)."""
    command.downgrade(_config(database_url), revision)
