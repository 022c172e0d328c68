"""Webhooks and their deliveries as GraphQL types, and their node(id:) resolvers."""

from __future__ import annotations

from datetime import datetime
from enum import Enum
from typing import Any
from uuid import UUID

import strawberry
from strawberry.scalars import JSON

from api.admin.types import User, user_of
from api.core.context import Info
from api.core.relay import Node, node_resolver, to_global_id
from domain.webhooks import repository as repo
from domain.webhooks.events import carried_fields


@strawberry.enum(description="What a webhook may subscribe to (`Atrium-Event` names it).")
class WebhookEvent(Enum):
    # values are domain.webhooks.models.EVENTS (tests/unit/test_webhook_events.py)
    DEAL_WON = "deal.won"
    DEAL_LOST = "deal.lost"
    ORDER_CONFIRMED = "order.confirmed"
    ORDER_FULFILLED = "order.fulfilled"
    ORDER_CANCELLED = "order.cancelled"
    INVOICE_ISSUED = "invoice.issued"
    PAYMENT_RECORDED = "payment.recorded"


@strawberry.type(
    description="A partner endpoint that receives signed POSTs for the events it "
    "subscribes to. Its signing secret is shown once, by createWebhook."
)
class Webhook(Node):
    __entity__ = "Webhook"
    created_by_id: strawberry.Private[UUID | None]
    url: str | None
    events: list[WebhookEvent] | None
    active: bool | None
    created_at: datetime | None
    updated_at: datetime | None
    version: int | None = strawberry.field(description="Send it back with updateWebhook.")

    @strawberry.field
    async def created_by(self, info: Info) -> User | None:
        return await user_of(info, self.created_by_id)


def to_webhook(row: Any) -> Webhook:
    return Webhook(
        id=to_global_id("Webhook", row.id),
        created_by_id=row.created_by,
        url=row.url,
        events=[WebhookEvent(e) for e in row.events],
        active=row.active,
        created_at=row.created_at,
        updated_at=row.updated_at,
        version=row.version,
    )


@strawberry.enum(description="pending (not yet sent, or to be retried), delivered, failed.")
class WebhookDeliveryStatus(Enum):
    PENDING = "pending"
    DELIVERED = "delivered"
    FAILED = "failed"


@strawberry.type(description="One event sent (or to be sent) to one webhook.")
class WebhookDelivery(Node):
    __entity__ = "WebhookDelivery"
    webhook_id: strawberry.Private[UUID]
    event: WebhookEvent | None
    payload: JSON | None = strawberry.field(
        description="The body's `data`. Readable when your role may read every field it "
        "carries (else null and FORBIDDEN, the rest of the delivery intact).",
        metadata={"reveals": lambda delivery: carried_fields(delivery.payload)},
    )
    status: WebhookDeliveryStatus | None
    attempts: int | None
    next_attempt_at: datetime | None = strawberry.field(description="When pending.")
    last_status: int | None = strawberry.field(description="HTTP status of the last attempt.")
    last_error: str | None
    created_at: datetime | None
    delivered_at: datetime | None


def to_delivery(row: Any) -> WebhookDelivery:
    return WebhookDelivery(
        id=to_global_id("WebhookDelivery", row.id),
        webhook_id=row.webhook_id,
        event=WebhookEvent(row.event),
        payload=row.payload,
        status=WebhookDeliveryStatus(row.status),
        attempts=row.attempts,
        next_attempt_at=row.next_attempt_at if row.status == "pending" else None,
        last_status=row.last_status,
        last_error=row.last_error,
        created_at=row.created_at,
        delivered_at=row.delivered_at,
    )


@node_resolver("Webhook", entity="Webhook")
async def _webhook(context: Any, uuid: UUID) -> Webhook | None:
    rows = await repo.webhooks_by_ids(context.db, [uuid])
    return to_webhook(rows[uuid]) if uuid in rows else None


@node_resolver("WebhookDelivery", entity="WebhookDelivery")
async def _delivery(context: Any, uuid: UUID) -> WebhookDelivery | None:
    rows = await repo.deliveries_by_ids(context.db, [uuid])
    return to_delivery(rows[uuid]) if uuid in rows else None


NODE_TYPES = (Webhook, WebhookDelivery)
