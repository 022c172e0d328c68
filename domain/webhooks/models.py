"""Webhook tables (migration 0006) and the events a webhook may subscribe to."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import ARRAY, JSONB, UUID

from domain.entity import UPDATED, Stored
from domain.kit.patch import UNSET
from domain.ownership import Unowned
from tenants.tables import NOW, tenant_table

# What partners may subscribe to; each is emitted by the service named in README.
EVENTS = (
    "deal.won",
    "deal.lost",
    "order.confirmed",
    "order.fulfilled",
    "order.cancelled",
    "invoice.issued",
    "payment.recorded",
)

webhooks = tenant_table(
    "webhooks",
    sa.Column("url", sa.Text, nullable=False),
    sa.Column("events", ARRAY(sa.Text), nullable=False),
    # in clear: the dispatcher signs with it; the audit trigger never records it
    sa.Column("secret", sa.Text, nullable=False),
    sa.Column("active", sa.Boolean, nullable=False, server_default=sa.true()),
    sa.Column("created_by", UUID(as_uuid=True)),
    sa.ForeignKeyConstraint(["tenant_id", "created_by"], ["users.tenant_id", "users.id"]),
)

webhook_deliveries = tenant_table(
    "webhook_deliveries",
    sa.Column("webhook_id", UUID(as_uuid=True), nullable=False),
    sa.Column("event", sa.Text, nullable=False),
    sa.Column("payload", JSONB, nullable=False),
    sa.Column(
        "status", sa.Text, nullable=False, server_default="pending"
    ),  # pending | delivered | failed
    sa.Column("attempts", sa.Integer, nullable=False, server_default="0"),
    sa.Column("next_attempt_at", sa.DateTime(timezone=True), nullable=False, server_default=NOW),
    sa.Column("last_status", sa.Integer),
    sa.Column("last_error", sa.Text),
    sa.Column("delivered_at", sa.DateTime(timezone=True)),
    sa.ForeignKeyConstraint(
        ["tenant_id", "webhook_id"], ["webhooks.tenant_id", "webhooks.id"], ondelete="CASCADE"
    ),
    sa.Index(
        "ix_webhook_deliveries_due",
        "tenant_id",
        "next_attempt_at",
        postgresql_where=sa.text("(status = 'pending'::text)"),
    ),
    sa.Index(
        "ix_webhook_deliveries_webhook_id_created_at", "tenant_id", "webhook_id", "created_at"
    ),
    versioned=False,
)


@dataclass(frozen=True)
class NewWebhook:
    url: str
    events: list[str]


@dataclass(frozen=True)
class WebhookChanges:
    """What an update changes: a key the client did not send is UNSET (domain/kit)."""

    url: Any = UNSET
    events: Any = UNSET
    active: Any = UNSET


# domain/entities.py. Record scope: a subscription serves the whole tenant
ENTITIES = (
    Stored(
        "Webhook",
        webhooks,
        Unowned("a subscription is the tenant's; createdBy records, it does not own"),
        internal={"secret": "signs the deliveries; shown once, in createWebhook's payload"},
    ),
    Stored(
        "WebhookDelivery",
        webhook_deliveries,
        Unowned("a delivery belongs to its webhook, which is the tenant's"),
        internal={
            "webhook_id": "its webhook: deliveries are listed by webhookDeliveries(webhookId:)",
            "updated_at": UPDATED,
        },
    ),
)
