"""Migrations: replicas that start together (each runs `atrium serve`, which migrates)
must not trip over each other."""

from __future__ import annotations

import asyncio
import sys
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import asyncpg
from alembic import command
from sqlalchemy.engine import make_url

from api.database import asyncpg_dsn
from migrations.runner import alembic_config, upgrade_head
from tests.conftest import APP_ROLE, ROOT


@asynccontextmanager
async def fresh_database(database: Any) -> AsyncIterator[str]:
    """The owner URL of a new, empty database, dropped afterwards."""
    name = f"atrium_mig_{uuid.uuid4().hex[:10]}"
    admin = await asyncpg.connect(asyncpg_dsn(database.superuser_url))
    try:
        await admin.execute(f'CREATE DATABASE "{name}" OWNER atrium_owner')
        yield make_url(database.owner_url).set(database=name).render_as_string(hide_password=False)
    finally:
        await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        await admin.close()


async def test_concurrent_upgrades_of_a_fresh_database(database):
    async with fresh_database(database) as url:
        # separate processes, as replicas are (alembic's proxies are process-global)
        script = f"from migrations.runner import upgrade_head; upgrade_head({url!r}, {APP_ROLE!r})"
        processes = [
            await asyncio.create_subprocess_exec(sys.executable, "-c", script, cwd=ROOT)
            for _ in range(2)
        ]
        codes = await asyncio.wait_for(asyncio.gather(*(p.wait() for p in processes)), 120)
        assert codes == [0, 0]
        conn = await asyncpg.connect(asyncpg_dsn(url))
        try:
            assert await conn.fetchval("SELECT count(*) FROM alembic_version") == 1
            assert await conn.fetchval("SELECT to_regclass('users') IS NOT NULL")
        finally:
            await conn.close()


AUDIT_TRIGGERS = """SELECT c.relname, t.tgname, t.tgtype & 1 = 1 AS per_row FROM pg_trigger t
    JOIN pg_class c ON c.oid = t.tgrelid JOIN pg_proc p ON p.oid = t.tgfoid
    WHERE p.proname = 'atrium_audit' AND NOT t.tgisinternal ORDER BY 1, 2"""


async def test_the_audit_goes_back_to_rows_and_forth_to_statements(database):
    """0007 down gives every audited table its one row trigger back (with its events
    and WHEN), and up again its statement triggers."""
    async with fresh_database(database) as url:
        await asyncio.to_thread(upgrade_head, url, APP_ROLE)
        await _there_and_back(url)


async def _there_and_back(url: str) -> None:
    config = alembic_config(url, APP_ROLE)
    conn = await asyncpg.connect(asyncpg_dsn(url))
    try:
        per_statement = await conn.fetch(AUDIT_TRIGGERS)
        await asyncio.to_thread(command.downgrade, config, "0006")
        per_row = await conn.fetch(AUDIT_TRIGGERS)
        assert {r["tgname"] for r in per_row} == {"audit"} and all(r["per_row"] for r in per_row)
        assert {r["relname"] for r in per_row} == {r["relname"] for r in per_statement}
        deliveries = await conn.fetchval(
            "SELECT pg_get_triggerdef(t.oid) FROM pg_trigger t"
            " WHERE t.tgrelid = 'webhook_deliveries'::regclass AND t.tgname = 'audit'"
        )
        assert "AFTER UPDATE" in deliveries and "WHEN" in deliveries
        await asyncio.to_thread(command.upgrade, config, "head")
        assert await conn.fetch(AUDIT_TRIGGERS) == per_statement
    finally:
        await conn.close()
