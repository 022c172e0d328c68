"""Foundation: roles split, platform tenants, tenant-scoped roles and users, audit.

Revision ID: 0001
Revises:
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import JSONB, UUID

from migrations.rls import (
    CURRENT_TENANT,
    TENANT_DEFAULT,
    app_role,
    create_tenant_table,
    enable_tenant_rls,
    tenant_fk,
    tenant_index,
)

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

AUDIT_FUNCTION = """
CREATE FUNCTION atrium_audit() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    old_row jsonb := '{}';
    new_row jsonb := '{}';
    row_tenant uuid;
    row_id uuid;
    diff jsonb;
BEGIN
    IF TG_OP <> 'INSERT' THEN
        old_row := to_jsonb(OLD);
        row_tenant := OLD.tenant_id;
        row_id := OLD.id;
    END IF;
    IF TG_OP <> 'DELETE' THEN
        new_row := to_jsonb(NEW);
        row_tenant := NEW.tenant_id;
        row_id := NEW.id;
    END IF;
    SELECT coalesce(jsonb_object_agg(key, jsonb_build_object('old', old_row -> key, 'new', new_row -> key)), '{}')
      INTO diff
      FROM jsonb_object_keys(old_row || new_row) AS key
     WHERE key NOT IN ('tenant_id', 'id', 'created_at', 'updated_at', 'version')
       AND (old_row -> key) IS DISTINCT FROM (new_row -> key);
    IF TG_OP = 'UPDATE' AND diff = '{}' THEN
        RETURN NULL;
    END IF;
    INSERT INTO audit_events (tenant_id, actor_id, request_id, entity, entity_id, action, changes)
    VALUES (row_tenant,
            NULLIF(current_setting('app.user_id', true), '')::uuid,
            NULLIF(current_setting('app.request_id', true), ''),
            TG_ARGV[0], row_id, lower(TG_OP), diff);
    RETURN NULL;
END
$$;
"""

TOUCH_FUNCTION = """
CREATE FUNCTION atrium_touch() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    NEW.updated_at := now();
    RETURN NEW;
END
$$;
"""

PLATFORM_FUNCTIONS = (
    """
CREATE FUNCTION atrium_create_tenant(p_slug text, p_name text) RETURNS uuid
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, public AS $$
DECLARE
    new_id uuid := gen_random_uuid();
BEGIN
    IF p_slug !~ '^[a-z0-9][a-z0-9-]{1,62}$' THEN
        RAISE EXCEPTION 'invalid tenant slug' USING ERRCODE = '22023';
    END IF;
    INSERT INTO tenants (id, slug, name) VALUES (new_id, p_slug, p_name);
    RETURN new_id;
END
$$
""",
    """
CREATE FUNCTION atrium_tenant_id(p_slug text) RETURNS uuid
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, public AS $$
    SELECT id FROM tenants WHERE slug = p_slug
$$
""",
)


def upgrade() -> None:
    role = app_role()
    password = op.get_context().config.attributes.get("app_password")
    op.execute(
        sa.text(
            f"""
            DO $$
            BEGIN
                IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '{role}') THEN
                    CREATE ROLE {role} LOGIN NOSUPERUSER NOBYPASSRLS NOCREATEDB NOCREATEROLE;
                END IF;
            END
            $$
            """
        )
    )
    if password:
        quoted = (
            "'" + password.replace("'", "''") + "'"
        )  # utility statements take no bind parameters
        op.execute(f"ALTER ROLE {role} PASSWORD {quoted}")
    op.execute(f"GRANT USAGE ON SCHEMA public TO {role}")
    op.execute(AUDIT_FUNCTION)
    op.execute(TOUCH_FUNCTION)

    # Platform registry: no tenant_id. The app role may read its own tenant's row only;
    # creating and looking up tenants goes through the SECURITY DEFINER functions.
    op.create_table(
        "tenants",
        sa.Column("id", UUID(as_uuid=True), primary_key=True),
        sa.Column("slug", sa.Text, nullable=False, unique=True),
        sa.Column("name", sa.Text, nullable=False),
        sa.Column(
            "created_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()
        ),
    )
    op.execute("ALTER TABLE tenants ENABLE ROW LEVEL SECURITY")
    op.execute("ALTER TABLE tenants FORCE ROW LEVEL SECURITY")
    op.execute(
        f"CREATE POLICY own_tenant ON tenants FOR SELECT TO {role} USING (id = {CURRENT_TENANT})"
    )
    op.execute(
        "DO $$ BEGIN EXECUTE format("
        "'CREATE POLICY platform_functions ON tenants FOR ALL TO %I USING (true) WITH CHECK (true)', "
        "current_user); END $$"
    )
    op.execute(f"GRANT SELECT ON tenants TO {role}")
    for function in PLATFORM_FUNCTIONS:
        op.execute(function)
    op.execute(
        "REVOKE ALL ON FUNCTION atrium_create_tenant(text, text), atrium_tenant_id(text) FROM PUBLIC"
    )
    op.execute(
        f"GRANT EXECUTE ON FUNCTION atrium_create_tenant(text, text), atrium_tenant_id(text) TO {role}"
    )

    # The audit log is append-only for the app role: no UPDATE, no DELETE.
    op.create_table(
        "audit_events",
        sa.Column(
            "tenant_id", UUID(as_uuid=True), nullable=False, server_default=sa.text(TENANT_DEFAULT)
        ),
        sa.Column(
            "id", UUID(as_uuid=True), nullable=False, server_default=sa.text("gen_random_uuid()")
        ),
        sa.Column(
            "occurred_at",
            sa.DateTime(timezone=True),
            nullable=False,
            server_default=sa.text("clock_timestamp()"),
        ),
        sa.Column("actor_id", UUID(as_uuid=True)),
        sa.Column("request_id", sa.Text),
        sa.Column("entity", sa.Text, nullable=False),
        sa.Column("entity_id", UUID(as_uuid=True), nullable=False),
        sa.Column("action", sa.Text, nullable=False),
        sa.Column("changes", JSONB, nullable=False),
        sa.PrimaryKeyConstraint("tenant_id", "id"),
        sa.ForeignKeyConstraint(["tenant_id"], ["tenants.id"]),
    )
    enable_tenant_rls("audit_events")
    op.execute(f"GRANT SELECT, INSERT ON audit_events TO {role}")
    tenant_index("audit_events", "entity", "entity_id", "occurred_at")
    tenant_index("audit_events", "occurred_at")

    create_tenant_table(
        "roles",
        sa.Column("key", sa.Text, nullable=False),
        sa.Column("name", sa.Text, nullable=False),
        sa.Column("description", sa.Text, nullable=False, server_default=""),
        sa.Column("builtin", sa.Boolean, nullable=False, server_default=sa.false()),
        sa.Column("permissions", JSONB, nullable=False, server_default="{}"),
        entity="Role",
    )
    tenant_index("roles", "key", unique=True)

    create_tenant_table(
        "users",
        sa.Column("email", sa.Text, nullable=False),
        sa.Column("name", sa.Text, nullable=False),
        sa.Column("role_id", UUID(as_uuid=True), nullable=False),
        sa.Column("active", sa.Boolean, nullable=False, server_default=sa.true()),
        tenant_fk(["role_id"], "roles"),
        entity="User",
    )
    tenant_index("users", "lower(email)", unique=True, name="ux_users_email")
    tenant_index("users", "role_id")


def downgrade() -> None:
    op.drop_table("users")
    op.drop_table("roles")
    op.drop_table("audit_events")
    op.execute("DROP FUNCTION atrium_tenant_id(text)")
    op.execute("DROP FUNCTION atrium_create_tenant(text, text)")
    op.drop_table("tenants")
    op.execute("DROP FUNCTION atrium_touch()")
    op.execute("DROP FUNCTION atrium_audit()")
