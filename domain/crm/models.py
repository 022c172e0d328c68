"""CRM tables (migration 0003). Orders and invoices reference `customers` and `contacts`."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import JSONB, UUID

from domain.entity import CREATED, UPDATED, Computed, Stored
from domain.ownership import OwnedBy, ReportOf, Unowned
from tenants.tables import NOW, tenant_table

MONEY = sa.Numeric(18, 4)
PERCENT = sa.Numeric(5, 2)


def _uuid(name: str, nullable: bool = True) -> sa.Column[Any]:
    return sa.Column(name, UUID(as_uuid=True), nullable=nullable)


def _text(name: str, nullable: bool = True) -> sa.Column[Any]:
    return sa.Column(name, sa.Text, nullable=nullable)


customers = tenant_table(
    "customers",
    _text("name", False),
    _text("kind", False),  # 'company' | 'person'
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
    sa.ForeignKeyConstraint(["tenant_id", "owner_id"], ["users.tenant_id", "users.id"]),
    sa.Index("ix_customers_created_at_id", "tenant_id", "created_at", "id"),
    sa.Index("ix_customers_email", "tenant_id", sa.text("lower(email)")),
    sa.Index("ix_customers_name_id", "tenant_id", "name", "id"),
    sa.Index("ix_customers_owner_id", "tenant_id", "owner_id"),
)

contacts = tenant_table(
    "contacts",
    _uuid("customer_id", False),
    _text("name", False),
    _text("email"),
    _text("phone"),
    _text("title"),
    _uuid("owner_id"),
    sa.ForeignKeyConstraint(["tenant_id", "customer_id"], ["customers.tenant_id", "customers.id"]),
    sa.ForeignKeyConstraint(["tenant_id", "owner_id"], ["users.tenant_id", "users.id"]),
    sa.Index("ix_contacts_created_at_id", "tenant_id", "created_at", "id"),
    sa.Index("ix_contacts_customer_id_name", "tenant_id", "customer_id", "name"),
    sa.Index("ix_contacts_name_id", "tenant_id", "name", "id"),
    sa.Index("ix_contacts_owner_id", "tenant_id", "owner_id"),
)

pipelines = tenant_table(
    "pipelines",
    _text("name", False),
    sa.Column("is_default", sa.Boolean, nullable=False, server_default=sa.false()),
    sa.Index("ix_pipelines_created_at_id", "tenant_id", "created_at", "id"),
    sa.Index("ix_pipelines_name_id", "tenant_id", "name", "id"),
    sa.Index(
        "ux_pipelines_default",
        "tenant_id",
        "is_default",
        unique=True,
        postgresql_where=sa.text("is_default"),
    ),
)

pipeline_stages = tenant_table(
    "pipeline_stages",
    _uuid("pipeline_id", False),
    _text("name", False),
    sa.Column("position", sa.Integer, nullable=False),
    sa.Column("probability", PERCENT, nullable=False),
    sa.Column("is_won", sa.Boolean, nullable=False, server_default=sa.false()),
    sa.Column("is_lost", sa.Boolean, nullable=False, server_default=sa.false()),
    sa.ForeignKeyConstraint(
        ["tenant_id", "pipeline_id"], ["pipelines.tenant_id", "pipelines.id"], ondelete="CASCADE"
    ),
    sa.Index("ix_pipeline_stages_pipeline_id_id", "tenant_id", "pipeline_id", "id", unique=True),
    sa.Index("ix_pipeline_stages_pipeline_id_position", "tenant_id", "pipeline_id", "position"),
)

deals = tenant_table(
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
    sa.Column("status", sa.Text, nullable=False, server_default="open"),  # open|won|lost
    sa.Column("closed_at", sa.DateTime(timezone=True)),
    _text("lost_reason"),
    _uuid("lead_id"),  # the lead it was converted from, if any
    sa.ForeignKeyConstraint(["tenant_id", "contact_id"], ["contacts.tenant_id", "contacts.id"]),
    sa.ForeignKeyConstraint(["tenant_id", "customer_id"], ["customers.tenant_id", "customers.id"]),
    sa.ForeignKeyConstraint(["tenant_id", "owner_id"], ["users.tenant_id", "users.id"]),
    sa.ForeignKeyConstraint(["tenant_id", "pipeline_id"], ["pipelines.tenant_id", "pipelines.id"]),
    sa.ForeignKeyConstraint(
        ["tenant_id", "pipeline_id", "stage_id"],
        ["pipeline_stages.tenant_id", "pipeline_stages.pipeline_id", "pipeline_stages.id"],
    ),
    sa.Index("ix_deals_amount_id", "tenant_id", "amount", "id"),
    sa.Index("ix_deals_contact_id", "tenant_id", "contact_id"),
    sa.Index("ix_deals_created_at_id", "tenant_id", "created_at", "id"),
    sa.Index("ix_deals_customer_id_created_at", "tenant_id", "customer_id", "created_at"),
    sa.Index("ix_deals_expected_close_on", "tenant_id", "expected_close_on"),
    sa.Index("ix_deals_owner_id_created_at", "tenant_id", "owner_id", "created_at"),
    sa.Index("ix_deals_pipeline_id_stage_id", "tenant_id", "pipeline_id", "stage_id"),
    sa.Index("ix_deals_stage_id", "tenant_id", "stage_id"),
    sa.Index("ix_deals_title_id", "tenant_id", "title", "id"),
)

deal_stage_changes = tenant_table(
    "deal_stage_changes",
    _uuid("deal_id", False),
    _uuid("from_stage_id"),
    _uuid("to_stage_id", False),
    _uuid("changed_by"),
    sa.Column("changed_at", sa.DateTime(timezone=True), nullable=False, server_default=NOW),
    # created|moved|won|lost|reopened
    sa.Column("event", sa.Text, nullable=False, server_default="moved"),
    sa.ForeignKeyConstraint(["tenant_id", "changed_by"], ["users.tenant_id", "users.id"]),
    sa.ForeignKeyConstraint(
        ["tenant_id", "deal_id"], ["deals.tenant_id", "deals.id"], ondelete="CASCADE"
    ),
    sa.ForeignKeyConstraint(
        ["tenant_id", "from_stage_id"], ["pipeline_stages.tenant_id", "pipeline_stages.id"]
    ),
    sa.ForeignKeyConstraint(
        ["tenant_id", "to_stage_id"], ["pipeline_stages.tenant_id", "pipeline_stages.id"]
    ),
    sa.Index("ix_deal_stage_changes_deal_id_changed_at", "tenant_id", "deal_id", "changed_at"),
    versioned=False,
)

leads = tenant_table(
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
    sa.ForeignKeyConstraint(
        ["tenant_id", "converted_customer_id"], ["customers.tenant_id", "customers.id"]
    ),
    sa.ForeignKeyConstraint(["tenant_id", "converted_deal_id"], ["deals.tenant_id", "deals.id"]),
    sa.ForeignKeyConstraint(["tenant_id", "owner_id"], ["users.tenant_id", "users.id"]),
    sa.Index("ix_leads_created_at_id", "tenant_id", "created_at", "id"),
    sa.Index("ix_leads_name_id", "tenant_id", "name", "id"),
    sa.Index("ix_leads_owner_id_created_at", "tenant_id", "owner_id", "created_at"),
    sa.Index("ix_leads_status_created_at", "tenant_id", "status", "created_at"),
    sa.Index(
        "ux_leads_email",
        "tenant_id",
        sa.text("lower(email)"),
        unique=True,
        postgresql_where=sa.text("(email IS NOT NULL)"),
    ),
)

activities = tenant_table(
    "activities",
    _text("kind", False),  # call|email|meeting|note|task
    _text("subject", False),
    _text("notes"),
    sa.Column("due_at", sa.DateTime(timezone=True)),
    sa.Column("completed_at", sa.DateTime(timezone=True)),
    _uuid("assigned_to", False),
    _uuid("created_by"),
    _uuid("lead_id"),
    _uuid("deal_id"),
    _uuid("customer_id"),
    sa.ForeignKeyConstraint(["tenant_id", "assigned_to"], ["users.tenant_id", "users.id"]),
    sa.ForeignKeyConstraint(["tenant_id", "created_by"], ["users.tenant_id", "users.id"]),
    sa.ForeignKeyConstraint(
        ["tenant_id", "customer_id"], ["customers.tenant_id", "customers.id"], ondelete="CASCADE"
    ),
    sa.ForeignKeyConstraint(
        ["tenant_id", "deal_id"], ["deals.tenant_id", "deals.id"], ondelete="CASCADE"
    ),
    sa.ForeignKeyConstraint(
        ["tenant_id", "lead_id"], ["leads.tenant_id", "leads.id"], ondelete="CASCADE"
    ),
    sa.Index("ix_activities_assigned_to_due_at", "tenant_id", "assigned_to", "due_at"),
    sa.Index("ix_activities_created_at_id", "tenant_id", "created_at", "id"),
    sa.Index("ix_activities_customer_id_created_at", "tenant_id", "customer_id", "created_at"),
    sa.Index("ix_activities_deal_id", "tenant_id", "deal_id"),
    sa.Index("ix_activities_lead_id", "tenant_id", "lead_id"),
    sa.Index(
        "ix_activities_open_due",
        "tenant_id",
        "due_at",
        "id",
        postgresql_where=sa.text("(completed_at IS NULL)"),
    ),
)


CRM = "domain/crm/repository.py"
RECEIVABLES = "domain/billing/customers.py"

# domain/entities.py. Record scope: whose rows these are
ENTITIES = (
    Stored("Lead", leads, OwnedBy(leads.c.owner_id)),
    Stored(
        "Customer",
        customers,
        OwnedBy(customers.c.owner_id),
        derived={
            "contacts": f"{CRM}: children (contacts.customer_id)",
            "deals": f"{CRM}: children (deals.customer_id)",
            "timeline": f"{CRM}: timeline (its activities and deal events, newest first)",
            "orders": f"{RECEIVABLES}: orders_by_customer (sales_orders.customer_id)",
            "invoices": f"{RECEIVABLES}: invoices_by_customer (invoices.customer_id)",
            "paymentStatus": f"{RECEIVABLES}: its open invoices' balance",
            "overdueAmount": f"{RECEIVABLES}: its overdue invoices' balance, per currency",
        },
    ),
    Stored("Contact", contacts, OwnedBy(contacts.c.owner_id)),
    Stored(
        "Pipeline",
        pipelines,
        Unowned("a pipeline is the tenant's sales process, shared by everyone"),
        derived={"stages": f"{CRM}: children (pipeline_stages.pipeline_id)"},
    ),
    Stored(
        "PipelineStage",
        pipeline_stages,
        Unowned("a stage is part of its pipeline, shared by everyone"),
        internal={
            "pipeline_id": "its pipeline: a stage is read as one of `Pipeline.stages`",
            "version": "stages change with their pipeline, whose version updatePipeline checks",
            "created_at": CREATED,
            "updated_at": UPDATED,
        },
    ),
    Stored(
        "Deal",
        deals,
        OwnedBy(deals.c.owner_id),
        derived={
            "history": f"{CRM}: stage_history (deal_stage_changes.deal_id)",
            "order": "domain/sales/repository.py: the live order made from it (sales_orders.deal_id)",
        },
    ),
    Stored(
        "Activity",
        activities,
        OwnedBy(activities.c.assigned_to),
        derived={"overdue": "api/crm/types.py: Activity.from_row (not completed, due in the past)"},
    ),
    # the reports add up deals
    Computed("PipelineReport", ReportOf("Deal"), "domain/crm/report.py"),
    Computed("ForecastReport", ReportOf("Deal"), "domain/crm/report.py"),
)
