"""Sales order queries: a connection of orders and one order, in the caller's scope."""

from __future__ import annotations

import strawberry

from api.compiled.sources import by_id, listing
from api.core.context import Info
from api.core.relay import (
    Connection,
    connection,
    from_global_id,
    from_optional_global_id,
    page_request,
)
from api.errors import AppError, Code
from api.sales.inputs import OrderFilter, OrderOrder
from api.sales.types import SalesOrder
from domain.pagination import Listing
from domain.sales import repository
from tenants.principal import Actor

MISSING_ORDER = "No such order."


def _orders(actor: Actor, filter: OrderFilter | None, order_by: OrderOrder | None) -> Listing:
    f = filter or OrderFilter()
    order = order_by or OrderOrder()
    conditions = repository.order_conditions(
        actor,
        statuses=[s.value for s in f.status or ()],
        customer_id=from_optional_global_id(f.customer_id, "Customer"),
        owner_id=from_optional_global_id(f.owner_id, "User"),
    )
    return repository.order_listing(conditions, order.field.value, order.direction.value == "desc")


@strawberry.type
class Query:
    @strawberry.field(
        description="Sales orders in your scope (a sales rep: their own).",
        metadata=listing("SalesOrder", _orders),
    )
    async def orders(
        self,
        info: Info,
        filter: OrderFilter | None = None,
        order_by: OrderOrder | None = None,
        first: int | None = None,
        after: str | None = None,
        last: int | None = None,
        before: str | None = None,
    ) -> Connection[SalesOrder] | None:
        page = page_request(info, first, after, last, before)
        found = _orders(info.context.require_actor(), filter, order_by)
        result = await repository.order_page(info.context.db, page, found)
        return await connection(info, result, SalesOrder.from_row)

    @strawberry.field(metadata=by_id("SalesOrder", MISSING_ORDER))
    async def order(self, info: Info, id: strawberry.ID) -> SalesOrder | None:
        uuid = from_global_id(id, "SalesOrder")[1]
        actor = info.context.require_actor()
        row = (await repository.orders_by_ids(info.context.db, actor, [uuid])).get(uuid)
        if row is None:
            raise AppError(Code.NOT_FOUND, MISSING_ORDER)
        return SalesOrder.from_row(row)
