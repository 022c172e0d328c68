"""Emitting events: one pending delivery per active webhook subscribed to the event,
written in the caller's transaction. The event therefore exists exactly when the
business change commits; a failed mutation (its savepoint rolled back) leaves none."""

from __future__ import annotations

from uuid import UUID

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.ext.asyncio import AsyncConnection

from domain.webhooks.events import Payload
from domain.webhooks.models import EVENTS, webhook_deliveries, webhooks


async def emit(conn: AsyncConnection, tenant_id: UUID, event: str, payload: Payload) -> None:
    """One statement, whatever the number of webhooks (none subscribed: no row)."""
    assert event in EVENTS, f"unknown webhook event {event!r}"
    subscribed = sa.select(
        webhooks.c.tenant_id,
        webhooks.c.id,
        sa.literal(event),
        sa.cast(sa.literal(payload, JSONB), JSONB),
    ).where(
        webhooks.c.tenant_id == tenant_id,
        webhooks.c.active,
        sa.literal(event) == sa.any_(webhooks.c.events),
    )
    await conn.execute(
        webhook_deliveries.insert().from_select(
            ["tenant_id", "webhook_id", "event", "payload"], subscribed
        )
    )
