"""Emitting events: one pending delivery per active webhook subscribed to the event,
written in the caller's transaction. The event therefore exists exactly when the
business change commits; a failed mutation (its savepoint rolled back) leaves none.

The delivery rows are an `INSERT … SELECT` from the tenant's subscriptions: a tenant
without a webhook for the event gets no row. `emit` sends it alone; `queued` rides
it on the statement that makes the change (a data-modifying CTE), so announcing a
change costs no statement of its own."""

from __future__ import annotations

from uuid import UUID

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.ext.asyncio import AsyncConnection

from domain.webhooks.events import Payload
from domain.webhooks.models import EVENTS, webhook_deliveries, webhooks


def deliveries(tenant_id: UUID, event: str, payload: Payload) -> sa.Insert:
    """The pending deliveries of `event`, one per active subscribed webhook."""
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
    return webhook_deliveries.insert().from_select(
        ["tenant_id", "webhook_id", "event", "payload"], subscribed
    )


async def emit(conn: AsyncConnection, tenant_id: UUID, event: str, payload: Payload) -> None:
    """One statement, whatever the number of webhooks (none subscribed: no row)."""
    await conn.execute(deliveries(tenant_id, event, payload))


def queued(tenant_id: UUID, event: str, payload: Payload) -> sa.CTE:
    """The event's deliveries as a data-modifying CTE, to ride on the statement that
    makes the change announced. Only on a statement that surely makes it (e.g. an
    UPDATE of a row the caller holds locked): the deliveries are written whatever the
    statement finds."""
    return deliveries(tenant_id, event, payload).cte("queued_deliveries")
