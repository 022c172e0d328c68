"""Sales order queries: a connection of orders and one order, in the caller's scope."""

from __future__ import annotations

import strawberry

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
from domain.sales import repository


@strawberry.type
class Query:
    @strawberry.field(description="Sales orders in your scope (a sales rep: their own).")
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
        f = filter or OrderFilter()
        order = order_by or OrderOrder()
        conditions = repository.order_conditions(
            info.context.require_actor(),
            statuses=[s.value for s in f.status or ()],
            customer_id=from_optional_global_id(f.customer_id, "Customer"),
            owner_id=from_optional_global_id(f.owner_id, "User"),
        )
        result = await repository.order_page(
            info.context.db, page, conditions, order.field.value, order.direction.value == "desc"
        )
        return await connection(info, result, SalesOrder.from_row)

    @strawberry.field
    async def order(self, info: Info, id: strawberry.ID) -> SalesOrder | None:
        uuid = from_global_id(id, "SalesOrder")[1]
        actor = info.context.require_actor()
        row = (await repository.orders_by_ids(info.context.db, actor, [uuid])).get(uuid)
        if row is None:
            raise AppError(Code.NOT_FOUND, "No such order.")
        return SalesOrder.from_row(row)
