"""The database catalog itself: every tenant table is isolated, the app role cannot escape.

These read pg_catalog, so tables added by later migrations are covered automatically.
"""

from __future__ import annotations

import asyncpg
import pytest

from api.database import asyncpg_dsn
from tests.conftest import APP_ROLE

TENANT_TABLES = """
SELECT c.oid, c.relname, c.relrowsecurity, c.relforcerowsecurity
  FROM pg_class c
  JOIN pg_namespace n ON n.oid = c.relnamespace
  JOIN pg_attribute a ON a.attrelid = c.oid AND a.attname = 'tenant_id' AND NOT a.attisdropped
 WHERE c.relkind IN ('r', 'p') AND n.nspname NOT IN ('pg_catalog', 'information_schema')
 ORDER BY c.relname
"""


@pytest.fixture
async def owner(database):
    conn = await asyncpg.connect(asyncpg_dsn(database.owner_url))
    yield conn
    await conn.close()


async def test_tenant_tables_exist(owner):
    names = {r["relname"] for r in await owner.fetch(TENANT_TABLES)}
    assert {"users", "roles", "audit_events"} <= names


async def test_every_tenant_table_has_forced_rls_and_both_policies(owner):
    problems = []
    for table in await owner.fetch(TENANT_TABLES):
        name = table["relname"]
        if not table["relrowsecurity"]:
            problems.append(f"{name}: RLS not enabled")
        if not table["relforcerowsecurity"]:
            problems.append(f"{name}: RLS not forced")
        policies = await owner.fetch(
            "SELECT policyname, permissive, roles, cmd, qual, with_check"
            " FROM pg_policies WHERE tablename = $1",
            name,
        )
        restrictive = [
            p
            for p in policies
            if p["permissive"] == "RESTRICTIVE"
            and p["cmd"] == "ALL"
            and list(p["roles"]) == ["public"]
            and "app.tenant_id" in (p["qual"] or "")
            and "tenant_id" in (p["qual"] or "")
            and "app.tenant_id" in (p["with_check"] or "")
        ]
        permissive = [p for p in policies if p["permissive"] == "PERMISSIVE"]
        if not restrictive:
            problems.append(f"{name}: no RESTRICTIVE tenant policy for all commands and roles")
        if not permissive:
            problems.append(f"{name}: no permissive policy (no row would ever be visible)")
    assert not problems, "\n".join(problems)


async def test_app_role_is_powerless(owner):
    role = await owner.fetchrow(
        "SELECT rolsuper, rolbypassrls, rolcreaterole, rolcreatedb, rolcanlogin"
        " FROM pg_roles WHERE rolname = $1",
        APP_ROLE,
    )
    assert role is not None
    assert role["rolcanlogin"]
    assert not role["rolsuper"]
    assert not role["rolbypassrls"]
    assert not role["rolcreaterole"]
    assert not role["rolcreatedb"]
    # no membership in a role that has any of these powers either
    inherited = await owner.fetch(
        "SELECT r.rolname FROM pg_roles r WHERE pg_has_role($1, r.oid, 'USAGE')"
        " AND r.rolname <> $1 AND (r.rolsuper OR r.rolbypassrls)",
        APP_ROLE,
    )
    assert inherited == []


async def test_app_role_owns_nothing(owner):
    owned = await owner.fetch(
        """
        SELECT 'relation ' || relname AS what FROM pg_class WHERE relowner = (SELECT oid FROM pg_roles WHERE rolname = $1)
        UNION ALL SELECT 'function ' || proname FROM pg_proc WHERE proowner = (SELECT oid FROM pg_roles WHERE rolname = $1)
        UNION ALL SELECT 'schema ' || nspname FROM pg_namespace WHERE nspowner = (SELECT oid FROM pg_roles WHERE rolname = $1)
        UNION ALL SELECT 'type ' || typname FROM pg_type WHERE typowner = (SELECT oid FROM pg_roles WHERE rolname = $1)
        UNION ALL SELECT 'database ' || datname FROM pg_database WHERE datdba = (SELECT oid FROM pg_roles WHERE rolname = $1)
        """,
        APP_ROLE,
    )
    assert owned == []


async def test_app_role_cannot_truncate_or_change_schema(owner):
    truncatable = await owner.fetch(
        """
        SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
         WHERE c.relkind IN ('r', 'p') AND n.nspname NOT IN ('pg_catalog', 'information_schema')
           AND has_table_privilege($1, c.oid, 'TRUNCATE')
        """,
        APP_ROLE,
    )
    assert truncatable == []
    for privilege in ("CREATE",):
        assert not await owner.fetchval(
            "SELECT has_schema_privilege($1, 'public', $2)", APP_ROLE, privilege
        )
    assert not await owner.fetchval(
        "SELECT has_database_privilege($1, current_database(), 'CREATE')", APP_ROLE
    )
    # the audit log is append-only
    for privilege in ("UPDATE", "DELETE"):
        assert not await owner.fetchval(
            "SELECT has_table_privilege($1, 'audit_events', $2)", APP_ROLE, privilege
        )


async def test_no_global_unique_constraint_on_tenant_tables(owner):
    """Uniqueness is per tenant: a global unique index would leak existence across tenants."""
    leaking = await owner.fetch(
        """
        SELECT i.indexrelid::regclass::text AS index
          FROM pg_index i
          JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attname = 'tenant_id'
         WHERE i.indisunique AND a.attnum <> i.indkey[0]
        """
    )
    assert leaking == []


async def test_every_foreign_key_between_tenant_tables_includes_tenant_id(owner):
    """A key without tenant_id could point at another tenant's row."""
    loose = await owner.fetch(
        """
        SELECT con.conname, con.conrelid::regclass::text AS source
          FROM pg_constraint con
          JOIN pg_attribute src ON src.attrelid = con.conrelid AND src.attname = 'tenant_id'
          JOIN pg_attribute dst ON dst.attrelid = con.confrelid AND dst.attname = 'tenant_id'
         WHERE con.contype = 'f'
           AND NOT (src.attnum = ANY (con.conkey) AND dst.attnum = ANY (con.confkey))
        """
    )
    assert [f"{r['source']}.{r['conname']}" for r in loose] == []


# Tenant tables whose changes are recorded elsewhere, reviewed one by one: a new
# table is audited unless it is added here with its reason.
NOT_AUDITED = {
    "audit_events": "the audit log itself",
    "stock_levels": "every change is a row of the stock_movements ledger",
    "stock_movements": "append-only ledger: the record itself",
    "invoice_counters": "a number's use is audited on the invoice it was issued to",
    "deal_stage_changes": "append-only stage history: the record itself",
    "idempotency_keys": "a copy of a mutation's answer; the mutation's own change is audited",
}


async def test_every_tenant_table_is_audited_or_exempt_for_a_reason(owner):
    audited = {
        r["relname"]
        for r in await owner.fetch(
            "SELECT c.relname FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid"
            " JOIN pg_proc p ON p.oid = t.tgfoid"
            " WHERE p.proname = 'atrium_audit' AND NOT t.tgisinternal"
        )
    }
    tables = {r["relname"] for r in await owner.fetch(TENANT_TABLES)}
    unaudited = sorted(tables - audited - NOT_AUDITED.keys())
    assert not unaudited, f"tenant tables without the audit trigger: {unaudited}"
    assert not (audited & NOT_AUDITED.keys()), "an exempt table is audited: drop its exemption"
    assert NOT_AUDITED.keys() <= tables, "an exemption names no tenant table: drop it"


async def test_every_audit_trigger_runs_once_per_statement(owner):
    """atrium_audit reads a statement's rows from its transition tables (0007): a row
    trigger would find none, and a statement of 200 rows would run it 200 times."""
    per_row = await owner.fetch(
        "SELECT c.relname, t.tgname FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid"
        " JOIN pg_proc p ON p.oid = t.tgfoid"
        " WHERE p.proname = 'atrium_audit' AND NOT t.tgisinternal AND t.tgtype & 1 = 1"
    )
    assert [f"{r['relname']}.{r['tgname']}" for r in per_row] == []
