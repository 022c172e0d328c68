"""Front office: leads, customers, contacts, pipelines, deals, activities (issue 4)

Revision ID: 0003
Revises: 0002
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import JSONB, UUID

from migrations.rls import create_tenant_table, tenant_fk, tenant_index

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

MONEY = sa.Numeric(18, 4)
PERCENT = sa.Numeric(5, 2)


def _uuid(name: str, nullable: bool = True) -> sa.Column:
    return sa.Column(name, UUID(as_uuid=True), nullable=nullable)


def _text(name: str, nullable: bool = True) -> sa.Column:
    return sa.Column(name, sa.Text, nullable=nullable)


def upgrade() -> None:
    create_tenant_table(
        "customers",
        _text("name", False),
        _text("kind", False),
        _text("email"),
        _text("phone"),
        _text("tax_id"),
        _uuid("owner_id"),
        sa.Column("billing_address", JSONB),
        sa.Column("shipping_address", JSONB),
        sa.Column("credit_limit", MONEY),
        _text("credit_currency"),
        sa.Column("payment_terms_days", sa.Integer, nullable=False, server_default="30"),
        _text("notes"),
        tenant_fk(["owner_id"], "users"),
        sa.CheckConstraint("kind IN ('company', 'person')", name="ck_customers_kind"),
        sa.CheckConstraint("length(btrim(name)) > 0", name="ck_customers_name"),
        sa.CheckConstraint(
            "credit_limit IS NULL OR (credit_limit >= 0 AND credit_currency IS NOT NULL)",
            name="ck_customers_credit",
        ),
        sa.CheckConstraint(
            "payment_terms_days BETWEEN 0 AND 365", name="ck_customers_payment_terms"
        ),
        entity="Customer",
    )
    tenant_index("customers", "name", "id")
    tenant_index("customers", "created_at", "id")
    tenant_index("customers", "owner_id")
    tenant_index("customers", "lower(email)", name="ix_customers_email")

    create_tenant_table(
        "contacts",
        _uuid("customer_id", False),
        _text("name", False),
        _text("email"),
        _text("phone"),
        _text("title"),
        _uuid("owner_id"),
        tenant_fk(["customer_id"], "customers"),
        tenant_fk(["owner_id"], "users"),
        sa.CheckConstraint("length(btrim(name)) > 0", name="ck_contacts_name"),
        entity="Contact",
    )
    tenant_index("contacts", "customer_id", "name")
    tenant_index("contacts", "name", "id")
    tenant_index("contacts", "created_at", "id")
    tenant_index("contacts", "owner_id")

    create_tenant_table(
        "pipelines",
        _text("name", False),
        sa.Column("is_default", sa.Boolean, nullable=False, server_default=sa.false()),
        sa.CheckConstraint("length(btrim(name)) > 0", name="ck_pipelines_name"),
        entity="Pipeline",
    )
    tenant_index("pipelines", "name", "id")
    tenant_index("pipelines", "created_at", "id")
    # at most one default pipeline per tenant
    tenant_index(
        "pipelines", "is_default", unique=True, name="ux_pipelines_default", where="is_default"
    )

    create_tenant_table(
        "pipeline_stages",
        _uuid("pipeline_id", False),
        _text("name", False),
        sa.Column("position", sa.Integer, nullable=False),
        sa.Column("probability", PERCENT, nullable=False),
        sa.Column("is_won", sa.Boolean, nullable=False, server_default=sa.false()),
        sa.Column("is_lost", sa.Boolean, nullable=False, server_default=sa.false()),
        tenant_fk(["pipeline_id"], "pipelines", ondelete="CASCADE"),
        sa.CheckConstraint("probability BETWEEN 0 AND 100", name="ck_pipeline_stages_probability"),
        sa.CheckConstraint("NOT (is_won AND is_lost)", name="ck_pipeline_stages_outcome"),
        sa.CheckConstraint("position >= 0", name="ck_pipeline_stages_position"),
        entity="PipelineStage",
    )
    tenant_index("pipeline_stages", "pipeline_id", "position")
    # target of the deals (pipeline_id, stage_id) key: a deal's stage is of its pipeline
    tenant_index("pipeline_stages", "pipeline_id", "id", unique=True)

    create_tenant_table(
        "deals",
        _text("title", False),
        _uuid("customer_id", False),
        _uuid("contact_id"),
        _uuid("owner_id", False),
        _uuid("pipeline_id", False),
        _uuid("stage_id", False),
        sa.Column("amount", MONEY, nullable=False, server_default="0"),
        _text("currency", False),
        sa.Column("probability", PERCENT, nullable=False),
        sa.Column("expected_close_on", sa.Date),
        sa.Column("status", sa.Text, nullable=False, server_default="open"),
        sa.Column("closed_at", sa.DateTime(timezone=True)),
        _text("lost_reason"),
        _uuid("lead_id"),
        tenant_fk(["customer_id"], "customers"),
        tenant_fk(["contact_id"], "contacts"),
        tenant_fk(["owner_id"], "users"),
        tenant_fk(["pipeline_id"], "pipelines"),
        tenant_fk(["pipeline_id", "stage_id"], "pipeline_stages", ["pipeline_id", "id"]),
        sa.CheckConstraint("length(btrim(title)) > 0", name="ck_deals_title"),
        sa.CheckConstraint("amount >= 0", name="ck_deals_amount"),
        sa.CheckConstraint("probability BETWEEN 0 AND 100", name="ck_deals_probability"),
        sa.CheckConstraint("status IN ('open', 'won', 'lost')", name="ck_deals_status"),
        sa.CheckConstraint("(status = 'open') = (closed_at IS NULL)", name="ck_deals_closed"),
        sa.CheckConstraint("lost_reason IS NULL OR status = 'lost'", name="ck_deals_lost_reason"),
        entity="Deal",
    )
    tenant_index("deals", "created_at", "id")
    tenant_index("deals", "title", "id")
    tenant_index("deals", "amount", "id")
    tenant_index("deals", "owner_id", "created_at")
    tenant_index("deals", "stage_id")
    tenant_index("deals", "pipeline_id", "stage_id")
    tenant_index("deals", "customer_id", "created_at")
    tenant_index("deals", "contact_id")
    tenant_index("deals", "expected_close_on")

    create_tenant_table(
        "deal_stage_changes",
        _uuid("deal_id", False),
        _uuid("from_stage_id"),
        _uuid("to_stage_id", False),
        _uuid("changed_by"),
        sa.Column(
            "changed_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()
        ),
        # 'created' | 'moved' | 'won' | 'lost' | 'reopened'
        sa.Column("event", sa.Text, nullable=False, server_default="moved"),
        tenant_fk(["deal_id"], "deals", ondelete="CASCADE"),
        tenant_fk(["from_stage_id"], "pipeline_stages"),
        tenant_fk(["to_stage_id"], "pipeline_stages"),
        tenant_fk(["changed_by"], "users"),
        sa.CheckConstraint(
            "event IN ('created', 'moved', 'won', 'lost', 'reopened')",
            name="ck_deal_stage_changes_event",
        ),
        entity=None,
        versioned=False,
    )
    tenant_index("deal_stage_changes", "deal_id", "changed_at")

    create_tenant_table(
        "leads",
        _text("name", False),
        _text("company"),
        _text("email"),
        _text("phone"),
        _text("source"),
        sa.Column("status", sa.Text, nullable=False, server_default="new"),
        _uuid("owner_id", False),
        _text("notes"),
        _uuid("converted_customer_id"),
        _uuid("converted_deal_id"),
        sa.Column("converted_at", sa.DateTime(timezone=True)),
        tenant_fk(["owner_id"], "users"),
        tenant_fk(["converted_customer_id"], "customers"),
        tenant_fk(["converted_deal_id"], "deals"),
        sa.CheckConstraint("length(btrim(name)) > 0", name="ck_leads_name"),
        sa.CheckConstraint(
            "status IN ('new', 'contacted', 'qualified', 'disqualified', 'converted')",
            name="ck_leads_status",
        ),
        sa.CheckConstraint(
            "(status = 'converted') = (converted_customer_id IS NOT NULL)",
            name="ck_leads_converted",
        ),
        entity="Lead",
    )
    # duplicate check by email within the tenant (the service answers DUPLICATE first)
    tenant_index(
        "leads", "lower(email)", unique=True, name="ux_leads_email", where="email IS NOT NULL"
    )
    tenant_index("leads", "created_at", "id")
    tenant_index("leads", "name", "id")
    tenant_index("leads", "owner_id", "created_at")
    tenant_index("leads", "status", "created_at")

    create_tenant_table(
        "activities",
        _text("kind", False),
        _text("subject", False),
        _text("notes"),
        sa.Column("due_at", sa.DateTime(timezone=True)),
        sa.Column("completed_at", sa.DateTime(timezone=True)),
        _uuid("assigned_to", False),
        _uuid("created_by"),
        _uuid("lead_id"),
        _uuid("deal_id"),
        _uuid("customer_id"),
        tenant_fk(["assigned_to"], "users"),
        tenant_fk(["created_by"], "users"),
        tenant_fk(["lead_id"], "leads", ondelete="CASCADE"),
        tenant_fk(["deal_id"], "deals", ondelete="CASCADE"),
        tenant_fk(["customer_id"], "customers", ondelete="CASCADE"),
        sa.CheckConstraint(
            "kind IN ('call', 'email', 'meeting', 'note', 'task')", name="ck_activities_kind"
        ),
        sa.CheckConstraint("length(btrim(subject)) > 0", name="ck_activities_subject"),
        entity="Activity",
    )
    tenant_index("activities", "created_at", "id")
    tenant_index("activities", "assigned_to", "due_at")
    tenant_index(
        "activities", "due_at", "id", name="ix_activities_open_due", where="completed_at IS NULL"
    )
    tenant_index("activities", "lead_id")
    tenant_index("activities", "deal_id")
    tenant_index("activities", "customer_id", "created_at")


def downgrade() -> None:
    for table in (
        "activities",
        "leads",
        "deal_stage_changes",
        "deals",
        "pipeline_stages",
        "pipelines",
        "contacts",
        "customers",
    ):
        op.drop_table(table)
