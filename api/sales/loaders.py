"""Per-request DataLoaders of sales rows: one statement per batch of ids."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from api.core.context import Info
from api.core.loaders import Relation, keyed_loader
from domain.sales import repository


async def _orders(context: Any, ids: list[UUID]) -> dict[UUID, Any]:
    return await repository.orders_by_ids(context.db, context.require_actor(), ids)


async def _orders_by_deal(context: Any, ids: list[UUID]) -> dict[UUID, Any]:
    return await repository.live_orders_by_deals(context.db, context.require_actor(), ids)


async def _lines(context: Any, ids: list[UUID]) -> dict[UUID, list[Any]]:
    return await repository.lines_by_order(context.db, context.require_actor(), ids)


# an order by id (None when missing or out of the caller's record scope)
ORDERS = Relation("sales.order", _orders, entity="SalesOrder")


async def order_of_deal(info: Info, deal_id: UUID) -> Any:
    return await keyed_loader(info, "sales.order_by_deal", _orders_by_deal).load(deal_id)


async def lines_of(info: Info, order_id: UUID) -> list[Any]:
    return list(await keyed_loader(info, "sales.lines", _lines, ()).load(order_id))
