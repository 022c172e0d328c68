"""SQL of webhooks and their deliveries, in the caller's tenant-bound transaction."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any
from uuid import UUID

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncConnection

from domain.pagination import Page, PageRequest, paginate
from domain.webhooks.models import webhook_deliveries, webhooks

# everything but the secret: reads never carry it
WEBHOOK_COLUMNS = tuple(c for c in webhooks.c if c.name not in {"tenant_id", "secret"})
DELIVERY_COLUMNS = tuple(c for c in webhook_deliveries.c if c.name != "tenant_id")

Row = Any


async def list_webhooks(conn: AsyncConnection, page: PageRequest) -> Page:
    """Newest first."""
    return await paginate(
        conn,
        sa.select(*WEBHOOK_COLUMNS),
        page,
        sort=webhooks.c.created_at,
        id_column=webhooks.c.id,
        descending=True,
    )


async def webhooks_by_ids(conn: AsyncConnection, ids: Iterable[UUID]) -> dict[UUID, Row]:
    query = sa.select(*WEBHOOK_COLUMNS).where(webhooks.c.id.in_(list(ids)))
    return {row.id: row for row in (await conn.execute(query)).all()}


async def insert_webhook(conn: AsyncConnection, tenant_id: UUID, **values: Any) -> Row:
    statement = webhooks.insert().values(tenant_id=tenant_id, **values).returning(*WEBHOOK_COLUMNS)
    return (await conn.execute(statement)).one()


async def delete_webhook(conn: AsyncConnection, webhook_id: UUID, version: int | None) -> Row:
    """The deleted row, or None; its deliveries go with it (ON DELETE CASCADE)."""
    condition = webhooks.c.id == webhook_id
    if version is not None:
        condition &= webhooks.c.version == version
    statement = webhooks.delete().where(condition).returning(*WEBHOOK_COLUMNS)
    return (await conn.execute(statement)).first()


async def webhook_exists(conn: AsyncConnection, webhook_id: UUID) -> bool:
    query = sa.select(webhooks.c.id).where(webhooks.c.id == webhook_id)
    return (await conn.execute(query)).first() is not None


async def list_deliveries(conn: AsyncConnection, webhook_id: UUID, page: PageRequest) -> Page:
    """Newest first."""
    return await paginate(
        conn,
        sa.select(*DELIVERY_COLUMNS).where(webhook_deliveries.c.webhook_id == webhook_id),
        page,
        sort=webhook_deliveries.c.created_at,
        id_column=webhook_deliveries.c.id,
        descending=True,
    )


async def deliveries_by_ids(conn: AsyncConnection, ids: Iterable[UUID]) -> dict[UUID, Row]:
    query = sa.select(*DELIVERY_COLUMNS).where(webhook_deliveries.c.id.in_(list(ids)))
    return {row.id: row for row in (await conn.execute(query)).all()}


async def requeue_delivery(conn: AsyncConnection, delivery_id: UUID) -> Row | None:
    """Pending again, due now, with a fresh count of attempts."""
    statement = (
        webhook_deliveries.update()
        .where(webhook_deliveries.c.id == delivery_id)
        .values(status="pending", attempts=0, next_attempt_at=sa.func.now(), delivered_at=None)
        .returning(*DELIVERY_COLUMNS)
    )
    return (await conn.execute(statement)).first()
