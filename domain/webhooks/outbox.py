"""Emitting events: one pending delivery per active webhook subscribed to the event,
written in the caller's transaction. The event therefore exists exactly when the
business change commits; a failed mutation (its savepoint rolled back) leaves none.

The delivery rows are an `INSERT … SELECT` from the tenant's subscriptions: a tenant
without a webhook for the event gets no row. `emit` sends it alone; `queued()` rides
it on the statement that makes the change (a data-modifying CTE, the statement run
with `event_parameters`), so announcing a change costs no statement of its own."""

from __future__ import annotations

from typing import Any
from uuid import UUID

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.dialects.postgresql import UUID as UUID_TYPE
from sqlalchemy.ext.asyncio import AsyncConnection

from domain.webhooks.events import Payload
from domain.webhooks.models import EVENTS, webhook_deliveries, webhooks


def _deliveries() -> sa.Insert:
    """The pending deliveries of an event, one per active subscribed webhook; built
    once, run with `event_parameters`."""
    event = sa.bindparam("event_name", type_=sa.Text)
    subscribed = sa.select(
        webhooks.c.tenant_id,
        webhooks.c.id,
        event,
        sa.cast(sa.bindparam("event_payload", type_=JSONB), JSONB),
    ).where(
        webhooks.c.tenant_id == sa.bindparam("event_tenant", type_=UUID_TYPE),
        webhooks.c.active,
        event == sa.any_(webhooks.c.events),
    )
    return webhook_deliveries.insert().from_select(
        ["tenant_id", "webhook_id", "event", "payload"], subscribed
    )


DELIVERIES = _deliveries()


def event_parameters(tenant_id: UUID, event: str, payload: Payload) -> dict[str, Any]:
    assert event in EVENTS, f"unknown webhook event {event!r}"
    return {"event_tenant": tenant_id, "event_name": event, "event_payload": payload}


async def emit(conn: AsyncConnection, tenant_id: UUID, event: str, payload: Payload) -> None:
    """One statement, whatever the number of webhooks (none subscribed: no row)."""
    await conn.execute(DELIVERIES, event_parameters(tenant_id, event, payload))


def queued() -> sa.CTE:
    """The deliveries as a data-modifying CTE, to ride on the statement that makes the
    change announced (run it with `event_parameters`). Only on a statement that surely
    makes it (e.g. an UPDATE of a row the caller holds locked): the deliveries are
    written whatever the statement finds."""
    return DELIVERIES.cte("queued_deliveries")
