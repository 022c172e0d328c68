"""Tenant isolation as the app role with raw SQL: RLS, not application code, is the wall."""

from __future__ import annotations

import uuid

import asyncpg
import pytest
import sqlalchemy as sa

from api.database import asyncpg_dsn, create_engine
from tests.conftest import APP_ROLE

SET_TENANT = "SELECT set_config('app.tenant_id', $1, true)"

TENANT_TABLES = """
SELECT c.relname FROM pg_class c
  JOIN pg_namespace n ON n.oid = c.relnamespace
  JOIN pg_attribute a ON a.attrelid = c.oid AND a.attname = 'tenant_id' AND NOT a.attisdropped
 WHERE c.relkind IN ('r', 'p') AND n.nspname = 'public'
   AND has_table_privilege(current_user, c.oid, 'SELECT')
 ORDER BY 1
"""


@pytest.fixture
async def app_conn(database):
    conn = await asyncpg.connect(asyncpg_dsn(database.app_url))
    assert await conn.fetchval("SELECT current_user") == APP_ROLE
    yield conn
    await conn.close()


async def _admin_role(conn, tenant) -> uuid.UUID:
    async with conn.transaction():
        await conn.execute(SET_TENANT, str(tenant.id))
        return await conn.fetchval("SELECT role_id FROM users WHERE id = $1", tenant.admin_id)


async def _insert_user(conn, tenant_id, role_id, email) -> None:
    await conn.execute(
        "INSERT INTO users (tenant_id, email, name, role_id) VALUES ($1, $2, 'x', $3)",
        tenant_id,
        email,
        role_id,
    )


async def test_other_tenants_rows_are_invisible(app_conn, tenant, other_tenant):
    async with app_conn.transaction():
        await app_conn.execute(SET_TENANT, str(tenant.id))
        tenants_seen = await app_conn.fetch("SELECT DISTINCT tenant_id FROM users")
        assert [r["tenant_id"] for r in tenants_seen] == [tenant.id]
        assert (
            await app_conn.fetchval(
                "SELECT count(*) FROM users WHERE id = $1", other_tenant.admin_id
            )
            == 0
        )
        assert (
            await app_conn.fetchval(
                "SELECT count(*) FROM roles WHERE tenant_id = $1", other_tenant.id
            )
            == 0
        )
        # the same query sees the row under its own tenant
        assert (
            await app_conn.fetchval("SELECT count(*) FROM users WHERE id = $1", tenant.admin_id)
            == 1
        )


async def test_other_tenants_rows_are_unwritable(app_conn, tenant, other_tenant):
    b_role = await _admin_role(app_conn, other_tenant)
    async with app_conn.transaction():
        await app_conn.execute(SET_TENANT, str(tenant.id))
        updated = await app_conn.execute(
            "UPDATE users SET name = 'hijacked' WHERE id = $1", other_tenant.admin_id
        )
        assert updated == "UPDATE 0"
        deleted = await app_conn.execute("DELETE FROM users WHERE id = $1", other_tenant.admin_id)
        assert deleted == "DELETE 0"
        # moving an own row into the other tenant is refused too
        with pytest.raises(asyncpg.InsufficientPrivilegeError):
            async with app_conn.transaction():
                await app_conn.execute(
                    "UPDATE users SET tenant_id = $1 WHERE id = $2",
                    other_tenant.id,
                    tenant.admin_id,
                )
    with pytest.raises(asyncpg.InsufficientPrivilegeError, match="row-level security"):
        async with app_conn.transaction():
            await app_conn.execute(SET_TENANT, str(tenant.id))
            await _insert_user(app_conn, other_tenant.id, b_role, "x@b.example")
    # nothing changed in B
    async with app_conn.transaction():
        await app_conn.execute(SET_TENANT, str(other_tenant.id))
        rows = await app_conn.fetch("SELECT id, name FROM users")
        assert [r["id"] for r in rows] == [other_tenant.admin_id]
        assert rows[0]["name"] != "hijacked"


async def test_foreign_key_into_another_tenant_is_refused(app_conn, tenant, other_tenant):
    b_role = await _admin_role(app_conn, other_tenant)
    with pytest.raises(asyncpg.ForeignKeyViolationError):
        async with app_conn.transaction():
            await app_conn.execute(SET_TENANT, str(tenant.id))
            await _insert_user(app_conn, tenant.id, b_role, "x@a.example")
    a_admin_role = await _admin_role(app_conn, tenant)
    async with app_conn.transaction():
        await app_conn.execute(SET_TENANT, str(tenant.id))
        with pytest.raises(asyncpg.ForeignKeyViolationError):
            async with app_conn.transaction():
                await app_conn.execute(
                    "UPDATE users SET role_id = $1 WHERE id = $2", b_role, tenant.admin_id
                )
        assert (
            await app_conn.fetchval("SELECT role_id FROM users WHERE id = $1", tenant.admin_id)
            == a_admin_role
        )


async def test_without_a_tenant_every_tenant_table_is_empty(app_conn, tenant, other_tenant):
    tables = [r["relname"] for r in await app_conn.fetch(TENANT_TABLES)]
    assert {"users", "roles", "audit_events"} <= set(tables)
    async with app_conn.transaction():
        for table in tables:
            count = await app_conn.fetchval(
                f'SELECT count(*) FROM "{table}"'
            )  # names from pg_class
            assert count == 0, f"{table} shows {count} rows with no tenant set"
        assert await app_conn.fetchval("SELECT count(*) FROM tenants") == 0
    role = await _admin_role(app_conn, tenant)
    with pytest.raises(asyncpg.InsufficientPrivilegeError):
        async with app_conn.transaction():
            await _insert_user(app_conn, tenant.id, role, "y@a.example")


async def test_a_pooled_connection_carries_no_tenant(database, settings, tenant):
    engine = create_engine(
        database.app_url, settings.model_copy(update={"db_pool_size": 1, "db_max_overflow": 0})
    )
    try:
        async with engine.connect() as conn, conn.begin():
            first_pid = await conn.scalar(sa.text("SELECT pg_backend_pid()"))
            await conn.execute(
                sa.text("SELECT set_config('app.tenant_id', :t, true)"), {"t": str(tenant.id)}
            )
            assert await conn.scalar(sa.text("SELECT count(*) FROM users")) == 1
        # read-only first, then a write on the same (only) connection
        async with engine.connect() as conn:
            conn = await conn.execution_options(postgresql_readonly=True)
            async with conn.begin():
                assert await conn.scalar(sa.text("SELECT pg_backend_pid()")) == first_pid
                assert not await conn.scalar(
                    sa.text("SELECT current_setting('app.tenant_id', true)")
                )
                assert await conn.scalar(sa.text("SELECT count(*) FROM users")) == 0
        async with engine.connect() as conn, conn.begin():
            assert await conn.scalar(sa.text("SELECT pg_backend_pid()")) == first_pid
            assert await conn.scalar(sa.text("SHOW transaction_read_only")) == "off"
            assert await conn.scalar(sa.text("SELECT count(*) FROM users")) == 0
    finally:
        await engine.dispose()


async def test_set_config_is_transaction_local(app_conn, tenant):
    async with app_conn.transaction():
        await app_conn.execute(SET_TENANT, str(tenant.id))
        assert await app_conn.fetchval("SELECT current_setting('app.tenant_id', true)") == str(
            tenant.id
        )
    assert not await app_conn.fetchval("SELECT current_setting('app.tenant_id', true)")
    # a rolled-back transaction leaves nothing either
    with pytest.raises(RuntimeError):
        async with app_conn.transaction():
            await app_conn.execute(SET_TENANT, str(tenant.id))
            raise RuntimeError
    assert not await app_conn.fetchval("SELECT current_setting('app.tenant_id', true)")
    assert await app_conn.fetchval("SELECT count(*) FROM users") == 0


async def test_platform_tenants_table(app_conn, tenant, other_tenant):
    async with app_conn.transaction():
        await app_conn.execute(SET_TENANT, str(tenant.id))
        rows = await app_conn.fetch("SELECT id, slug FROM tenants")
        assert [(r["id"], r["slug"]) for r in rows] == [(tenant.id, tenant.slug)]
    statements = [
        "INSERT INTO tenants (id, slug, name) VALUES (gen_random_uuid(), 'evil', 'Evil')",
        f"UPDATE tenants SET name = 'x' WHERE id = '{tenant.id}'",
        f"DELETE FROM tenants WHERE id = '{other_tenant.id}'",
        "TRUNCATE tenants",
        "TRUNCATE users",
    ]
    for statement in statements:
        with pytest.raises(asyncpg.InsufficientPrivilegeError):
            async with app_conn.transaction():
                await app_conn.execute(SET_TENANT, str(tenant.id))
                await app_conn.execute(statement)


async def test_tenant_creation_function_validates_slug(app_conn):
    with pytest.raises(asyncpg.PostgresError, match="invalid tenant slug"):
        await app_conn.fetchval("SELECT atrium_create_tenant('Bad Slug!', 'x')")
