"""Partner API clients (OAuth2 client credentials)

Revision ID: 0005
Revises: 0004

An API client acts as a service user of its tenant: a `users` row marked `api_client`
(so its role, deactivation, the audit actor and the per-request user lookup work as
for a person) plus an `api_clients` row with its client id and the SHA-256 of its
secret, never the secret. The audit trigger learns to leave credential hashes out of
the log: it records that `secret_hash` changed, never a value.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import UUID

from migrations.rls import create_tenant_table, tenant_fk, tenant_index

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

# 0001's atrium_audit, plus: trigger arguments after the entity name are columns whose
# values are replaced by "[redacted]" before the event is written.
AUDIT_WITH_SECRETS = """
CREATE OR REPLACE FUNCTION atrium_audit() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    old_row jsonb := '{}';
    new_row jsonb := '{}';
    row_tenant uuid;
    row_id uuid;
    diff jsonb;
    secret text;
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
    FOR i IN 1 .. TG_NARGS - 1 LOOP
        secret := TG_ARGV[i];
        IF diff ? secret THEN
            diff := jsonb_set(diff, ARRAY[secret], jsonb_build_object(
                'old', CASE WHEN old_row ? secret THEN to_jsonb('[redacted]'::text) END,
                'new', CASE WHEN new_row ? secret THEN to_jsonb('[redacted]'::text) END));
        END IF;
    END LOOP;
    INSERT INTO audit_events (tenant_id, actor_id, request_id, entity, entity_id, action, changes)
    VALUES (row_tenant,
            NULLIF(current_setting('app.user_id', true), '')::uuid,
            NULLIF(current_setting('app.request_id', true), ''),
            TG_ARGV[0], row_id, lower(TG_OP), diff);
    RETURN NULL;
END
$$;
"""


def upgrade() -> None:
    op.execute(AUDIT_WITH_SECRETS)
    op.add_column(
        "users",
        sa.Column("api_client", sa.Boolean, nullable=False, server_default=sa.false()),
    )
    create_tenant_table(
        "api_clients",
        sa.Column("user_id", UUID(as_uuid=True), nullable=False),
        sa.Column("name", sa.Text, nullable=False),
        # "<tenant id hex>.<random>": the token endpoint finds the tenant from it
        sa.Column("client_id", sa.Text, nullable=False),
        sa.Column("secret_hash", sa.Text, nullable=False),
        sa.Column(
            "secret_rotated_at",
            sa.DateTime(timezone=True),
            nullable=False,
            server_default=sa.func.now(),
        ),
        sa.Column("created_by", UUID(as_uuid=True)),
        sa.Column("revoked_at", sa.DateTime(timezone=True)),
        tenant_fk(["user_id"], "users", name="fk_api_clients_user"),
        tenant_fk(["created_by"], "users", name="fk_api_clients_created_by"),
        sa.CheckConstraint("btrim(name) <> ''", name="ck_api_clients_name"),
        sa.CheckConstraint("secret_hash ~ '^[0-9a-f]{64}$'", name="ck_api_clients_secret_hash"),
        entity="ApiClient",
        # revoked clients stay, for the audit trail and their service user's history
        grants="SELECT, INSERT, UPDATE",
        secret=("secret_hash",),
    )
    tenant_index("api_clients", "client_id", unique=True, name="ux_api_clients_client_id")
    tenant_index("api_clients", "user_id", unique=True, name="ux_api_clients_user")


def downgrade() -> None:
    op.drop_table("api_clients")
    op.drop_column("users", "api_client")
    # atrium_audit stays: without extra trigger arguments it does what 0001's did
