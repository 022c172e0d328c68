"""Alembic environment: async engine, URL handed in by migrations.runner."""

from __future__ import annotations

import asyncio

import sqlalchemy as sa
from alembic import context
from sqlalchemy.engine import Connection
from sqlalchemy.ext.asyncio import create_async_engine

config = context.config


# Replicas that start together all migrate: one at a time, the others then find
# the database at head. A session lock, since each revision commits on its own.
LOCK = sa.text("SELECT pg_advisory_lock(hashtext('atrium migrations'))")
UNLOCK = sa.text("SELECT pg_advisory_unlock(hashtext('atrium migrations'))")


def _run(connection: Connection) -> None:
    connection.execute(LOCK)
    connection.commit()
    try:
        context.configure(connection=connection, transaction_per_migration=True)
        with context.begin_transaction():
            context.run_migrations()
    finally:
        connection.rollback()
        connection.execute(UNLOCK)
        connection.commit()


async def _run_async() -> None:
    engine = create_async_engine(config.attributes["url"])
    async with engine.connect() as connection:
        await connection.run_sync(_run)
        await connection.commit()
    await engine.dispose()


if context.is_offline_mode():
    raise SystemExit("Offline (SQL script) migrations are not supported; run `atrium migrate`.")
asyncio.run(_run_async())
