"""Run the Alembic migrations programmatically (`atrium migrate`, tests, `make run`)."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config

HERE = Path(__file__).resolve().parent


def alembic_config(owner_url: str, app_role: str, app_password: str | None = None) -> Config:
    config = Config()
    config.set_main_option("script_location", str(HERE))
    config.attributes["url"] = owner_url
    config.attributes["app_role"] = app_role
    config.attributes["app_password"] = app_password
    return config


def upgrade_head(owner_url: str, app_role: str, app_password: str | None = None) -> None:
    """Bring the database to the newest revision. Blocking: call from a thread in async code."""
    command.upgrade(alembic_config(owner_url, app_role, app_password), "head")
