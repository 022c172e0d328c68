"""Inventory reads: products with their stock totals, levels and the movement ledger.

Every function answers for a whole set of ids in one statement, so a page of orders,
its lines and their products' stock costs a fixed number of statements.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any
from uuid import UUID

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncConnection

from domain.inventory.models import products, stock_levels, stock_movements, warehouses
from domain.pagination import Page, PageRequest, paginate
from domain.ranking import first_per_parent
from domain.search import Search, search_condition

# Stock totals of each product over all warehouses, computed per product row (LATERAL),
# so a lookup of a few products reads only their levels.
_totals = (
    sa.select(
        sa.func.coalesce(sa.func.sum(stock_levels.c.on_hand), 0).label("on_hand"),
        sa.func.coalesce(sa.func.sum(stock_levels.c.reserved), 0).label("reserved"),
    )
    .where(stock_levels.c.product_id == products.c.id)
    .lateral("totals")
)

_available = _totals.c.on_hand - _totals.c.reserved

# what `search` covers (API field names)
PRODUCT_SEARCH = {"sku": products.c.sku, "name": products.c.name}
PRODUCT_SELECT = sa.select(
    products, _totals.c.on_hand, _totals.c.reserved, _available.label("available")
).select_from(products.join(_totals, sa.true()))


def is_low_stock(available: int, reorder_point: int) -> bool:
    """The one meaning of "low on stock": what can still be promised (on hand less
    reserved, all warehouses) is at or under the reorder point. 5 on hand with 5
    reserved is low; 5 on hand with nothing reserved and a reorder point of 3 is not."""
    return available <= reorder_point


# is_low_stock in SQL, over PRODUCT_SELECT's totals
LOW_STOCK = _available <= products.c.reorder_point

PRODUCT_SORTS: dict[str, Any] = {
    "name": products.c.name,
    "sku": products.c.sku,
    "unitPrice": products.c.unit_price,
    "createdAt": products.c.created_at,
}


def product_conditions(
    *,
    search: Search | None = None,
    active: bool | None = None,
    low_stock: bool | None = None,
    currency: str | None = None,
) -> list[sa.ColumnElement[bool]]:
    """`low_stock`: see is_low_stock."""
    out: list[sa.ColumnElement[bool]] = []
    searched = search_condition(search, PRODUCT_SEARCH)
    if searched is not None:
        out.append(searched)
    if active is not None:
        out.append(products.c.active.is_(active))
    if low_stock is not None:
        out.append(LOW_STOCK if low_stock else sa.not_(LOW_STOCK))
    if currency:
        out.append(products.c.currency == currency.strip().upper())
    return out


async def product_page(
    conn: AsyncConnection,
    page: PageRequest,
    conditions: Sequence[sa.ColumnElement[bool]],
    sort: str = "name",
    descending: bool = False,
) -> Page:
    query = PRODUCT_SELECT.where(*conditions)
    return await paginate(
        conn, query, page, sort=PRODUCT_SORTS[sort], id_column=products.c.id, descending=descending
    )


async def products_by_ids(conn: AsyncConnection, ids: Iterable[UUID]) -> dict[UUID, Any]:
    rows = await conn.execute(PRODUCT_SELECT.where(products.c.id.in_(list(set(ids)))))
    return {r.id: r for r in rows}


async def warehouses_by_ids(conn: AsyncConnection, ids: Iterable[UUID]) -> dict[UUID, Any]:
    rows = await conn.execute(sa.select(warehouses).where(warehouses.c.id.in_(list(set(ids)))))
    return {r.id: r for r in rows}


async def warehouse_list(conn: AsyncConnection) -> list[Any]:
    return list(await conn.execute(sa.select(warehouses).order_by(warehouses.c.code)))


async def sole_warehouses(conn: AsyncConnection) -> list[UUID]:
    """Up to two warehouse ids: enough to tell whether the tenant has exactly one."""
    return list(await conn.scalars(sa.select(warehouses.c.id).order_by(warehouses.c.code).limit(2)))


LEVEL_SELECT = sa.select(
    stock_levels, (stock_levels.c.on_hand - stock_levels.c.reserved).label("available")
)


# A warehouse's `stockLevels` answer at most this many (by product): the read applies
# it, ranked per warehouse in SQL. A product has one level per warehouse, at most
# MAX_WAREHOUSES (domain/inventory/services.py). api/cost.py counts both.
LEVELS_PER_WAREHOUSE = 200


async def levels_by(
    conn: AsyncConnection, column: str, ids: Iterable[UUID], limit: int | None = None
) -> dict[UUID, list[Any]]:
    """Stock levels grouped by `product_id` or `warehouse_id`, at most `limit` each."""
    col = stock_levels.c[column]
    query = LEVEL_SELECT.where(col.in_(list(set(ids))))
    order: tuple[Any, ...] = (stock_levels.c.product_id, stock_levels.c.warehouse_id)
    if limit is not None:
        ranked = first_per_parent(query, col, order, limit)
        query, order = sa.select(ranked), (ranked.c.product_id, ranked.c.warehouse_id)
    out: dict[UUID, list[Any]] = {}
    for r in await conn.execute(query.order_by(*order)):
        out.setdefault(getattr(r, column), []).append(r)
    return out


async def level(conn: AsyncConnection, product_id: UUID, warehouse_id: UUID) -> Any:
    return (
        await conn.execute(
            LEVEL_SELECT.where(
                stock_levels.c.product_id == product_id,
                stock_levels.c.warehouse_id == warehouse_id,
            )
        )
    ).one()


def _equal(pairs: Iterable[tuple[Any, Any]]) -> list[sa.ColumnElement[bool]]:
    return [column == value for column, value in pairs if value is not None]


async def level_page(
    conn: AsyncConnection,
    page: PageRequest,
    product_id: UUID | None = None,
    warehouse_id: UUID | None = None,
) -> Page:
    conditions = _equal(
        ((stock_levels.c.product_id, product_id), (stock_levels.c.warehouse_id, warehouse_id))
    )
    return await paginate(
        conn,
        LEVEL_SELECT.where(*conditions),
        page,
        sort=stock_levels.c.created_at,
        id_column=stock_levels.c.id,
    )


def movement_conditions(
    product_id: UUID | None = None,
    warehouse_id: UUID | None = None,
    order_id: UUID | None = None,
    kind: str | None = None,
) -> list[sa.ColumnElement[bool]]:
    return _equal(
        (
            (stock_movements.c.product_id, product_id),
            (stock_movements.c.warehouse_id, warehouse_id),
            (stock_movements.c.order_id, order_id),
            (stock_movements.c.kind, kind),
        )
    )


async def movement_page(
    conn: AsyncConnection, page: PageRequest, conditions: Sequence[sa.ColumnElement[bool]]
) -> Page:
    """Newest first."""
    return await paginate(
        conn,
        sa.select(stock_movements).where(*conditions),
        page,
        sort=stock_movements.c.created_at,
        id_column=stock_movements.c.id,
        descending=True,
    )


async def movements_by_ids(conn: AsyncConnection, ids: Iterable[UUID]) -> dict[UUID, Any]:
    rows = await conn.execute(
        sa.select(stock_movements).where(stock_movements.c.id.in_(list(set(ids))))
    )
    return {r.id: r for r in rows}
