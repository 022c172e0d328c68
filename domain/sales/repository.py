"""Sales order reads. Record scope (domain/scope.py) is applied here to every list,
lookup and lock, so an order out of the caller's scope is not found."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import replace
from typing import Any
from uuid import UUID

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncConnection

from domain.kit.read_models import read
from domain.pagination import Page, PageRequest, paginate
from domain.sales.models import sales_order_lines, sales_orders
from domain.sales.read_models import Order, OrderLine
from domain.scope import in_scope
from tenants.principal import Actor

ORDER_SORTS: dict[str, Any] = {
    "createdAt": sales_orders.c.created_at,
    "total": sales_orders.c.total,
    "status": sales_orders.c.status,
}


def order_conditions(
    actor: Actor,
    *,
    statuses: Sequence[str] | None = None,
    customer_id: UUID | None = None,
    owner_id: UUID | None = None,
    deal_id: UUID | None = None,
) -> list[sa.ColumnElement[bool]]:
    out = [in_scope(actor, "SalesOrder")]
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
    found = await paginate(
        conn,
        sa.select(sales_orders).where(*conditions),
        page,
        sort=ORDER_SORTS[sort],
        id_column=sales_orders.c.id,
        descending=descending,
    )
    return replace(found, rows=[read(Order, r) for r in found.rows])


async def orders_by_ids(
    conn: AsyncConnection, actor: Actor, ids: Iterable[UUID]
) -> dict[UUID, Order]:
    rows = await conn.execute(
        sa.select(sales_orders).where(
            sales_orders.c.id.in_(list(set(ids))), in_scope(actor, "SalesOrder")
        )
    )
    return {r.id: read(Order, r) for r in rows}


async def live_orders_by_deals(
    conn: AsyncConnection, actor: Actor, deal_ids: Iterable[UUID]
) -> dict[UUID, Order]:
    """The order made from each deal, if any (a cancelled one only when no other exists)."""
    return await _orders_of_deals(conn, deal_ids, in_scope(actor, "SalesOrder"))


async def any_order_of_deal(conn: AsyncConnection, deal_id: UUID) -> Order | None:
    """The deal's order, whoever's it is: a deal has one live order (the duplicate check
    of a use case that found the deal in scope)."""
    return (await _orders_of_deals(conn, [deal_id], sa.true())).get(deal_id)


async def _orders_of_deals(
    conn: AsyncConnection, deal_ids: Iterable[UUID], only: sa.ColumnElement[bool]
) -> dict[UUID, Order]:
    rows = await conn.execute(
        sa.select(sales_orders)
        .where(sales_orders.c.deal_id.in_(list(set(deal_ids))), only)
        .order_by(sales_orders.c.deal_id, (sales_orders.c.status == "cancelled"))
    )
    out: dict[UUID, Order] = {}
    for r in rows:
        out.setdefault(r.deal_id, read(Order, r))
    return out


LINE_SELECT = sa.select(sales_order_lines, sales_orders.c.currency).join(
    sales_orders,
    sa.and_(
        sales_orders.c.tenant_id == sales_order_lines.c.tenant_id,
        sales_orders.c.id == sales_order_lines.c.order_id,
    ),
)


async def lines_by_order(
    conn: AsyncConnection, actor: Actor, order_ids: Iterable[UUID]
) -> dict[UUID, list[OrderLine]]:
    """Lines (with their order's currency) grouped by order, in position order."""
    return await _lines(conn, order_ids, in_scope(actor, "SalesOrderLine"))


async def order_lines(conn: AsyncConnection, order_id: UUID) -> list[OrderLine]:
    """Every line of an order a use case has found in scope (and locked) already."""
    return (await _lines(conn, [order_id], sa.true())).get(order_id, [])


async def _lines(
    conn: AsyncConnection, order_ids: Iterable[UUID], only: sa.ColumnElement[bool]
) -> dict[UUID, list[OrderLine]]:
    rows = await conn.execute(
        LINE_SELECT.where(sales_order_lines.c.order_id.in_(list(set(order_ids))), only).order_by(
            sales_order_lines.c.order_id, sales_order_lines.c.position
        )
    )
    out: dict[UUID, list[OrderLine]] = {}
    for r in rows:
        out.setdefault(r.order_id, []).append(read(OrderLine, r))
    return out


async def lock_order(conn: AsyncConnection, actor: Actor, order_id: UUID) -> Order | None:
    """The order row, locked for the rest of the transaction (None when not found or out
    of scope). Writers lock the order before any stock level: one fixed lock order."""
    row = (
        await conn.execute(
            sa.select(sales_orders)
            .where(sales_orders.c.id == order_id, in_scope(actor, "SalesOrder"))
            .with_for_update()
        )
    ).first()
    return None if row is None else read(Order, row)
