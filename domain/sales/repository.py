"""Sales order reads. Record scope is applied here: `owner` (Actor.owner_only) limits
every list and lookup to that user's orders, so an order out of scope is not found."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any
from uuid import UUID

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncConnection

from domain.pagination import Page, PageRequest, paginate
from domain.sales.models import sales_order_lines, sales_orders

ORDER_SORTS: dict[str, Any] = {
    "createdAt": sales_orders.c.created_at,
    "total": sales_orders.c.total,
    "status": sales_orders.c.status,
}


def in_scope(owner: UUID | None) -> list[sa.ColumnElement[bool]]:
    return [] if owner is None else [sales_orders.c.owner_id == owner]


def order_conditions(
    owner: UUID | None,
    *,
    statuses: Sequence[str] | None = None,
    customer_id: UUID | None = None,
    owner_id: UUID | None = None,
    deal_id: UUID | None = None,
) -> list[sa.ColumnElement[bool]]:
    out = in_scope(owner)
    if statuses:
        out.append(sales_orders.c.status.in_(list(statuses)))
    for column, value in (
        (sales_orders.c.customer_id, customer_id),
        (sales_orders.c.owner_id, owner_id),
        (sales_orders.c.deal_id, deal_id),
    ):
        if value is not None:
            out.append(column == value)
    return out


async def order_page(
    conn: AsyncConnection,
    page: PageRequest,
    conditions: Sequence[sa.ColumnElement[bool]],
    sort: str = "createdAt",
    descending: bool = True,
) -> Page:
    return await paginate(
        conn,
        sa.select(sales_orders).where(*conditions),
        page,
        sort=ORDER_SORTS[sort],
        id_column=sales_orders.c.id,
        descending=descending,
    )


async def orders_by_ids(
    conn: AsyncConnection, ids: Iterable[UUID], owner: UUID | None
) -> dict[UUID, Any]:
    rows = await conn.execute(
        sa.select(sales_orders).where(sales_orders.c.id.in_(list(set(ids))), *in_scope(owner))
    )
    return {r.id: r for r in rows}


async def live_orders_by_deals(
    conn: AsyncConnection, deal_ids: Iterable[UUID], owner: UUID | None
) -> dict[UUID, Any]:
    """The order made from each deal, if any (a cancelled one only when no other exists)."""
    rows = await conn.execute(
        sa.select(sales_orders)
        .where(sales_orders.c.deal_id.in_(list(set(deal_ids))), *in_scope(owner))
        .order_by(sales_orders.c.deal_id, (sales_orders.c.status == "cancelled"))
    )
    out: dict[UUID, Any] = {}
    for r in rows:
        out.setdefault(r.deal_id, r)
    return out


LINE_SELECT = sa.select(sales_order_lines, sales_orders.c.currency).join(
    sales_orders,
    sa.and_(
        sales_orders.c.tenant_id == sales_order_lines.c.tenant_id,
        sales_orders.c.id == sales_order_lines.c.order_id,
    ),
)


async def lines_by_order(conn: AsyncConnection, order_ids: Iterable[UUID]) -> dict[UUID, list[Any]]:
    """Lines (with their order's currency) grouped by order, in position order."""
    rows = await conn.execute(
        LINE_SELECT.where(sales_order_lines.c.order_id.in_(list(set(order_ids)))).order_by(
            sales_order_lines.c.order_id, sales_order_lines.c.position
        )
    )
    out: dict[UUID, list[Any]] = {}
    for r in rows:
        out.setdefault(r.order_id, []).append(r)
    return out


async def lock_order(conn: AsyncConnection, order_id: UUID, owner: UUID | None) -> Any:
    """The order row, locked for the rest of the transaction (None when not found or out
    of scope). Writers lock the order before any stock level: one fixed lock order."""
    return (
        await conn.execute(
            sa.select(sales_orders)
            .where(sales_orders.c.id == order_id, *in_scope(owner))
            .with_for_update()
        )
    ).first()
