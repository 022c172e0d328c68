"""Migrations: replicas that start together (each runs `atrium serve`, which migrates)
must not trip over each other."""

from __future__ import annotations

import asyncio
import sys
import uuid

import asyncpg
from sqlalchemy.engine import make_url

from api.database import asyncpg_dsn
from tests.conftest import APP_ROLE, ROOT


async def test_concurrent_upgrades_of_a_fresh_database(database):
    name = f"atrium_mig_{uuid.uuid4().hex[:10]}"
    admin = await asyncpg.connect(asyncpg_dsn(database.superuser_url))
    try:
        await admin.execute(f'CREATE DATABASE "{name}" OWNER atrium_owner')
        url = make_url(database.owner_url).set(database=name).render_as_string(hide_password=False)
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
    finally:
        await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        await admin.close()
