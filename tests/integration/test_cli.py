"""`atrium` against the test database, in-process (each command runs its own event loop,
so it is called from a worker thread)."""

from __future__ import annotations

import asyncio
import re
import uuid

import asyncpg
import pytest
from joserfc import jwt
from joserfc.jwk import KeySet

from api import cli
from api.database import asyncpg_dsn
from migrations.runner import alembic_config
from tenants.access.builtin import BUILTIN_ROLES
from tests.conftest import APP_ROLE

VIEWER = "{ viewer { user { email roleKey } tenant { slug name } } }"
TOKEN = re.compile(r"^[\w-]+\.[\w-]+\.[\w-]+$")


@pytest.fixture
def atrium(database, settings, monkeypatch, capsys):
    """`await atrium("tenant", "create", ...)` -> what it printed. DATABASE_URL is the
    owner URL, as in production; the data directory (signing key) is the test app's."""
    monkeypatch.setenv("DATABASE_URL", database.owner_url)
    monkeypatch.setenv("ATRIUM_DATA_DIR", str(settings.data_dir))
    monkeypatch.setenv("ATRIUM_APP_DB_ROLE", APP_ROLE)

    async def run(*argv: str) -> str:
        capsys.readouterr()
        await asyncio.to_thread(cli.main, list(argv))
        return capsys.readouterr().out

    return run


async def test_tenant_user_and_token(atrium, gql, client):
    slug = f"cli-{uuid.uuid4().hex[:8]}"
    out = await atrium(
        "tenant",
        "create",
        "--slug",
        slug,
        "--name",
        "Initech",
        "--admin-email",
        f"boss@{slug}.example",
    )
    assert f"tenant {slug} created" in out
    out = await atrium(
        "user", "create", "--tenant", slug, "--email", f"Rep@{slug}.example", "--role", "sales_rep"
    )
    assert f"user Rep@{slug}.example created in {slug}" in out

    admin_token = (
        await atrium("token", "--tenant", slug, "--user", f"boss@{slug}.example")
    ).strip()
    rep_token = (await atrium("token", "--tenant", slug, "--user", f"rep@{slug}.example")).strip()
    assert TOKEN.match(admin_token) and TOKEN.match(rep_token)

    admin = (await gql(VIEWER, token=admin_token)).ok()["viewer"]
    assert admin["tenant"] == {"slug": slug, "name": "Initech"}
    assert admin["user"] == {"email": f"boss@{slug}.example", "roleKey": "tenant_admin"}
    rep = (await gql(VIEWER, token=rep_token)).ok()["viewer"]
    assert rep["user"] == {"email": f"rep@{slug}.example", "roleKey": "sales_rep"}

    # the public key served at /.well-known/jwks.json verifies the CLI's token
    keys = KeySet.import_key_set((await client.get("/.well-known/jwks.json")).json())
    assert jwt.decode(rep_token, keys).claims["sub"]


async def test_client_create_prints_credentials_that_get_a_token(atrium, gql, client, tenant):
    out = await atrium(
        "client", "create", "--tenant", tenant.slug, "--name", "ERP sync", "--role", "warehouse"
    )
    found = dict(re.findall(r"^(client_id|client_secret) +(\S+)$", out, re.M))
    response = await client.post(
        "https://test/oauth/token",
        data={"grant_type": "client_credentials"},
        auth=(found["client_id"], found["client_secret"]),
    )
    assert response.status_code == 200, response.text
    viewer = (await gql(VIEWER, token=response.json()["access_token"])).ok()["viewer"]
    assert viewer["tenant"]["slug"] == tenant.slug and viewer["user"]["roleKey"] == "warehouse"
    with pytest.raises(SystemExit, match="no role 'pope'"):
        await atrium("client", "create", "--tenant", tenant.slug, "--name", "x", "--role", "pope")


async def test_cli_refusals(atrium, tenant):
    with pytest.raises(SystemExit, match="no tenant 'nope-nope'"):
        await atrium("token", "--tenant", "nope-nope", "--user", "a@b.example")
    with pytest.raises(SystemExit, match="no user"):
        await atrium("token", "--tenant", tenant.slug, "--user", "ghost@nowhere.example")
    with pytest.raises(SystemExit, match="no role 'pope'"):
        await atrium(
            "user", "create", "--tenant", tenant.slug, "--email", "x@y.example", "--role", "pope"
        )


async def test_migrate_is_idempotent(atrium, database):
    from alembic.script import ScriptDirectory

    head = ScriptDirectory.from_config(
        alembic_config(database.owner_url, APP_ROLE)
    ).get_current_head()
    for _ in range(2):
        assert "newest revision" in await atrium("migrate")
    conn = await asyncpg.connect(asyncpg_dsn(database.owner_url))
    try:
        assert await conn.fetchval("SELECT version_num FROM alembic_version") == head
    finally:
        await conn.close()


async def _row_counts(database, slugs) -> dict[tuple[str, str], int]:
    """Rows per (tenant, table) over every tenant table, as the app role."""
    conn = await asyncpg.connect(asyncpg_dsn(database.app_url))
    counts = {}
    try:
        tables = await conn.fetch(
            "SELECT c.relname FROM pg_class c JOIN pg_attribute a ON a.attrelid = c.oid"
            " WHERE a.attname = 'tenant_id' AND c.relkind = 'r'"
            " AND c.relnamespace = 'public'::regnamespace"
        )
        for slug in slugs:
            async with conn.transaction():
                tenant_id = await conn.fetchval("SELECT atrium_tenant_id($1)", slug)
                await conn.execute("SELECT set_config('app.tenant_id', $1, true)", str(tenant_id))
                for (table,) in tables:
                    counts[slug, table] = await conn.fetchval(f'SELECT count(*) FROM "{table}"')
    finally:
        await conn.close()
    return counts


async def test_demo_is_idempotent(atrium, database, gql):
    first = await atrium("demo")
    after_first = await _row_counts(database, ("acme", "globex"))
    assert after_first["acme", "users"] >= 2 and after_first["globex", "users"] >= 2
    second = await atrium("demo")
    assert await _row_counts(database, ("acme", "globex")) == after_first

    for out in (first, second):
        assert "admin@acme.example" in out and "sales_rep@globex.example" in out
    tokens = [line.strip() for line in second.splitlines() if TOKEN.match(line.strip())]
    assert len(tokens) == 2 * len(BUILTIN_ROLES)  # a user of every role in both tenants
    viewer = (await gql(VIEWER, token=tokens[0])).ok()["viewer"]
    assert viewer["tenant"]["slug"] == "acme"


async def test_serve_runs_uvicorn_with_a_graceful_shutdown(atrium, monkeypatch):
    import uvicorn

    calls = []
    monkeypatch.setattr(uvicorn, "run", lambda app, **kw: calls.append((app, kw)))
    monkeypatch.setattr("api.logs.configure_logging", lambda level: None)
    await atrium("serve", "--no-migrate", "--port", "8123")
    [(app, kw)] = calls
    assert kw["port"] == 8123
    assert kw["timeout_graceful_shutdown"] > 0
    assert callable(app)


async def test_schema_prints_the_sdl(atrium):
    from api.schema import sdl

    assert await atrium("schema") == sdl()


async def test_user_create_with_an_external_subject(atrium, tenant):
    import sqlalchemy as sa

    from tenants.models import users

    email = f"sso.{uuid.uuid4().hex[:6]}@{tenant.slug}.example"
    await atrium(
        "user", "create", "--tenant", tenant.slug, "--email", email, "--external-subject", "kc-42"
    )
    async with tenant.session() as conn:
        subject = await conn.scalar(
            sa.select(users.c.external_subject).where(users.c.email == email)
        )
    assert subject == "kc-42"
