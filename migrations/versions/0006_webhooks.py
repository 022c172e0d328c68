"""Webhooks: partner endpoints and an outbox of deliveries

Revision ID: 0006
Revises: 0005

`webhooks` holds a tenant's endpoints and their signing secrets. The server signs with
the secret, so it is kept in clear, but as an audited `secret` column: the audit log
records that it was set, never its value. `webhook_deliveries` is the outbox: services
insert one pending row per subscribed webhook in the business change's own transaction,
and the dispatcher sends them later. Of deliveries only what a user does is audited
(redeliverWebhook): an insert is the echo of an audited business change, and the
dispatcher's attempts (no user bound) are recorded on the delivery itself.

The dispatcher connects as the app role, which sees no row without a tenant. It asks
`atrium_webhook_due_tenants` which tenants have due deliveries, then works in each
tenant's own transaction like any request.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import ARRAY, JSONB, UUID

from migrations.rls import app_role, create_tenant_table, tenant_fk, tenant_index

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None

# Forced RLS holds for this function's owner too, so it does not read deliveries of
# all tenants at once: it visits each tenant (the owner may list `tenants`) with the
# tenant setting bound, exactly as a request would, and asks whether that tenant has
# a due delivery of an active webhook. It returns tenant ids only, nothing of the
# deliveries, takes no input but a limit, and restores the caller's tenant setting
# (its SET clause scopes local settings to the call already; restoring says so here).
DUE_TENANTS = """
CREATE FUNCTION atrium_webhook_due_tenants(p_limit integer) RETURNS SETOF uuid
LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = pg_catalog, public AS $$
DECLARE
    caller_tenant text := coalesce(current_setting('app.tenant_id', true), '');
    candidate uuid;
    found_count integer := 0;
BEGIN
    FOR candidate IN SELECT id FROM tenants ORDER BY id LOOP
        EXIT WHEN found_count >= p_limit;
        PERFORM set_config('app.tenant_id', candidate::text, true);
        IF EXISTS (
            SELECT 1 FROM webhook_deliveries d
              JOIN webhooks w ON w.tenant_id = d.tenant_id AND w.id = d.webhook_id
             WHERE d.tenant_id = candidate AND d.status = 'pending'
               AND d.next_attempt_at <= now() AND w.active
        ) THEN
            found_count := found_count + 1;
            RETURN NEXT candidate;
        END IF;
    END LOOP;
    PERFORM set_config('app.tenant_id', caller_tenant, true);
    RETURN;
END
$$
"""


def upgrade() -> None:
    create_tenant_table(
        "webhooks",
        sa.Column("url", sa.Text, nullable=False),
        sa.Column("events", ARRAY(sa.Text), nullable=False),
        sa.Column("secret", sa.Text, nullable=False),
        sa.Column("active", sa.Boolean, nullable=False, server_default=sa.true()),
        sa.Column("created_by", UUID(as_uuid=True)),
        tenant_fk(["created_by"], "users", name="fk_webhooks_created_by"),
        sa.CheckConstraint("cardinality(events) > 0", name="ck_webhooks_events"),
        sa.CheckConstraint("length(url) <= 2000", name="ck_webhooks_url"),
        entity="Webhook",
        secret=("secret",),
    )
    create_tenant_table(
        "webhook_deliveries",
        sa.Column("webhook_id", UUID(as_uuid=True), nullable=False),
        sa.Column("event", sa.Text, nullable=False),
        sa.Column("payload", JSONB, nullable=False),
        sa.Column("status", sa.Text, nullable=False, server_default="pending"),
        sa.Column("attempts", sa.Integer, nullable=False, server_default="0"),
        sa.Column(
            "next_attempt_at",
            sa.DateTime(timezone=True),
            nullable=False,
            server_default=sa.func.now(),
        ),
        sa.Column("last_status", sa.Integer),
        sa.Column("last_error", sa.Text),
        sa.Column("delivered_at", sa.DateTime(timezone=True)),
        tenant_fk(
            ["webhook_id"], "webhooks", name="fk_webhook_deliveries_webhook", ondelete="CASCADE"
        ),
        sa.CheckConstraint(
            "status IN ('pending', 'delivered', 'failed')", name="ck_webhook_deliveries_status"
        ),
        sa.CheckConstraint("attempts >= 0", name="ck_webhook_deliveries_attempts"),
        entity=None,
        versioned=False,
    )
    op.execute(
        "CREATE TRIGGER audit AFTER UPDATE ON webhook_deliveries FOR EACH ROW"
        " WHEN (NULLIF(current_setting('app.user_id', true), '') IS NOT NULL)"
        " EXECUTE FUNCTION atrium_audit('WebhookDelivery')"
    )
    tenant_index("webhook_deliveries", "webhook_id", "created_at")
    tenant_index(
        "webhook_deliveries",
        "next_attempt_at",
        name="ix_webhook_deliveries_due",
        where="status = 'pending'",
    )
    op.execute(DUE_TENANTS)
    op.execute("REVOKE ALL ON FUNCTION atrium_webhook_due_tenants(integer) FROM PUBLIC")
    op.execute(f"GRANT EXECUTE ON FUNCTION atrium_webhook_due_tenants(integer) TO {app_role()}")


def downgrade() -> None:
    op.execute("DROP FUNCTION atrium_webhook_due_tenants(integer)")
    op.drop_table("webhook_deliveries")
    op.drop_table("webhooks")
