"""`atrium` against the test database, in-process (each command runs its own event loop,
so it is called from a worker thread)."""

from __future__ import annotations

import argparse
import asyncio
import re
import uuid

import asyncpg
import pytest
from joserfc import jwt
from joserfc.jwk import KeySet
from sqlalchemy.engine import make_url

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


@pytest.fixture
def refused(atrium, capsys):
    """`await refused("user", "create", ...)` -> (exit code, stderr) of a command that fails."""

    async def run(*argv: str) -> tuple[int, str]:
        with pytest.raises(SystemExit) as exit:
            await atrium(*argv)
        return exit.value.code, capsys.readouterr().err

    return run


def one_line(code: int, err: str, expected_code: int, *words: str) -> None:
    """One line on stderr, no traceback, the exit code and the words that say why."""
    assert code == expected_code, (code, err)
    assert len(err.strip().splitlines()) == 1 and "Traceback" not in err, err
    assert err.startswith("atrium: ") and all(w in err for w in words), err


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


def _mistakes(slug: str) -> list[tuple[list[str], list[str]]]:
    """(argv, words the line must hold) of every refused command, in a tenant `slug`."""
    tenant = ["tenant", "create", "--name", "Initech"]
    user = ["user", "create", "--tenant", slug]
    client = ["client", "create", "--tenant", slug]
    return [
        ([*tenant, "--slug", slug, "--admin-email", "a@b.example"], ["already exists", slug]),
        ([*tenant, "--slug", "Not A Slug", "--admin-email", "a@b.example"], ["not a valid slug"]),
        ([*tenant, "--slug", "ok-slug", "--admin-email", "nobody"], ["not a valid email"]),
        ([*tenant, "--slug", "ok-slug", "--admin-email", "a@b.example", "--name", " "], ["name"]),
        (["user", "create", "--tenant", "nope-nope", "--email", "x@y.example"], ["no tenant"]),
        ([*user, "--email", "not-an-email"], ["not a valid email"]),
        ([*user, "--email", "x@y.example", "--role", "pope"], ["no role 'pope'"]),
        ([*user, "--email", f"ADMIN@{slug}.example"], ["already a user", f"admin@{slug}"]),
        ([*client, "--name", "x", "--role", "pope"], ["no role 'pope'"]),
        ([*client, "--name", " ", "--role", "warehouse"], ["--name"]),
        (["token", "--tenant", "nope-nope", "--user", "a@b.example"], ["no tenant 'nope-nope'"]),
        (["token", "--tenant", slug, "--user", "ghost@nowhere.example"], ["no user"]),
        (["token", "--tenant", slug, "--user", f"admin@{slug}.example", "--ttl", "0"], ["--ttl"]),
    ]


async def test_every_mistake_is_one_line_and_exit_code_1(refused, tenant):
    for argv, words in _mistakes(tenant.slug):
        one_line(*await refused(*argv), 1, *words)


async def test_usage_mistakes_are_one_line_and_exit_code_2(refused, monkeypatch):
    one_line(*await refused("tenant", "create", "--slug", "x"), 2, "--name", "--admin-email")
    one_line(*await refused("schema", "--bogus"), 2, "--bogus")
    monkeypatch.setenv("ATRIUM_PORT", "eighty")
    one_line(*await refused("schema"), 2, "ATRIUM_PORT")


@pytest.mark.parametrize(
    ("where", "words"),
    [("database", ["does not exist"]), ("server", ["cannot reach the database"])],
)
async def test_a_missing_database_is_one_line_and_exit_code_3(
    refused, database, monkeypatch, where, words
):
    url = make_url(database.owner_url)
    url = url.set(database="atrium_nope") if where == "database" else url.set(port=1)
    monkeypatch.setenv("DATABASE_URL", url.render_as_string(hide_password=False))
    for argv in (
        ["migrate"],
        ["tenant", "create", "--slug", "ok-slug", "--name", "x", "--admin-email", "a@b.example"],
        ["token", "--tenant", "acme", "--user", "a@b.example"],
    ):
        one_line(*await refused(*argv), 3, *words)


def _parsers(parser: argparse.ArgumentParser) -> list[argparse.ArgumentParser]:
    found = [parser]
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for sub in action.choices.values():
                found += _parsers(sub)
    return found


def test_every_subcommand_and_flag_has_help():
    for parser in _parsers(cli.parser()):
        for action in parser._actions:
            if isinstance(action, argparse._SubParsersAction):
                helped = {a.dest for a in action._choices_actions if a.help}
                assert helped == set(action.choices), parser.prog
            else:
                assert action.help, f"{parser.prog} {action.option_strings}"


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
