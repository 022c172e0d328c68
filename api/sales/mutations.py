"""Sales order mutations: parse the input, call one service, map the result or userErrors."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

import strawberry

from api.core.context import Info
from api.core.inputs import sent_fields, sent_or_none
from api.core.payloads import Answer, UserError, as_actor, respond
from api.core.relay import local_id, optional_local_id
from api.sales.inputs import (
    CreateOrderFromDealInput,
    CreateOrderInput,
    OrderLineInput,
    OrderStepInput,
    UpdateOrderInput,
)
from api.sales.types import SalesOrder
from domain.sales import services
from domain.sales.pricing import LineInput


@strawberry.type
class SalesOrderPayload:
    order: SalesOrder | None
    user_errors: list[UserError]


def _lines(lines: list[OrderLineInput]) -> list[LineInput]:
    return [
        LineInput(
            product_id=local_id(line.product_id, "Product", f"lines.{i}.productId"),
            quantity=line.quantity,
            unit_price=sent_or_none(line.unit_price),
            discount_percent=sent_or_none(line.discount_percent),
            tax_rate=sent_or_none(line.tax_rate),
        )
        for i, line in enumerate(lines)
    ]


def _draft(input: UpdateOrderInput) -> services.OrderDraft:
    editable = ("customer_id", "warehouse_id", "currency", "notes", "lines")
    changed = set(sent_fields(input, {name: name for name in editable}))
    lines = sent_or_none(input.lines)
    return services.OrderDraft(
        customer_id=optional_local_id(sent_or_none(input.customer_id), "Customer", "customerId"),
        warehouse_id=optional_local_id(
            sent_or_none(input.warehouse_id), "Warehouse", "warehouseId"
        ),
        currency=sent_or_none(input.currency),
        notes=sent_or_none(input.notes),
        lines=None if lines is None else _lines(lines),
        changed=frozenset(changed),
    )


def _step(
    service: Callable[..., Awaitable[Any]], input: OrderStepInput
) -> Callable[[Any, Any], Awaitable[Any]]:
    async def call(conn: Any, actor: Any) -> Any:
        return await service(conn, actor, local_id(input.id, "SalesOrder", "id"), input.version)

    return call


# What each mutation answers: its payload, the field of the record, the row's conversion.
# Every order use case checks everything before it writes (domain/sales/services.py),
# so each runs `checks_first`: no savepoint of its own.
ORDER = Answer.record(SalesOrderPayload, "order", SalesOrder.from_row)


@strawberry.type
class Mutation:
    @strawberry.mutation(metadata={"access": ("SalesOrder", "create")})
    async def create_order(self, info: Info, input: CreateOrderInput) -> SalesOrderPayload:
        async def call(conn: Any, actor: Any) -> Any:
            draft = services.OrderDraft(
                customer_id=local_id(input.customer_id, "Customer", "customerId"),
                warehouse_id=optional_local_id(
                    sent_or_none(input.warehouse_id), "Warehouse", "warehouseId"
                ),
                currency=sent_or_none(input.currency),
                notes=sent_or_none(input.notes),
                lines=_lines(input.lines),
            )
            return await services.create_order(conn, actor, draft)

        return await respond(info, ORDER, as_actor(info, call), checks_first=True)

    @strawberry.mutation(metadata={"access": ("SalesOrder", "create")})
    async def create_order_from_deal(
        self, info: Info, input: CreateOrderFromDealInput
    ) -> SalesOrderPayload:
        async def call(conn: Any, actor: Any) -> Any:
            draft = services.OrderDraft(
                warehouse_id=optional_local_id(
                    sent_or_none(input.warehouse_id), "Warehouse", "warehouseId"
                ),
                notes=sent_or_none(input.notes),
                lines=_lines(sent_or_none(input.lines) or []),
            )
            deal_id = local_id(input.deal_id, "Deal", "dealId")
            return await services.create_order_from_deal(
                conn, actor, deal_id, draft, bool(sent_or_none(input.accept_amount_difference))
            )

        return await respond(info, ORDER, as_actor(info, call), checks_first=True)

    @strawberry.mutation(metadata={"access": ("SalesOrder", "update")})
    async def update_order(self, info: Info, input: UpdateOrderInput) -> SalesOrderPayload:
        async def call(conn: Any, actor: Any) -> Any:
            order_id = local_id(input.id, "SalesOrder", "id")
            return await services.update_order(conn, actor, order_id, input.version, _draft(input))

        return await respond(info, ORDER, as_actor(info, call), checks_first=True)

    @strawberry.mutation(
        metadata={"access": ("SalesOrder", "confirm")},
        description="Reserve the order's stock; INSUFFICIENT_STOCK reserves nothing.",
    )
    async def confirm_order(self, info: Info, input: OrderStepInput) -> SalesOrderPayload:
        return await respond(
            info, ORDER, as_actor(info, _step(services.confirm_order, input)), checks_first=True
        )

    @strawberry.mutation(
        metadata={"access": ("SalesOrder", "fulfill")},
        description="Ship a confirmed order: on hand and reserved go down.",
    )
    async def fulfill_order(self, info: Info, input: OrderStepInput) -> SalesOrderPayload:
        return await respond(
            info, ORDER, as_actor(info, _step(services.fulfill_order, input)), checks_first=True
        )

    @strawberry.mutation(
        metadata={"access": ("SalesOrder", "cancel")},
        description="Cancel a draft or confirmed order, releasing its reservations.",
    )
    async def cancel_order(self, info: Info, input: OrderStepInput) -> SalesOrderPayload:
        return await respond(
            info, ORDER, as_actor(info, _step(services.cancel_order, input)), checks_first=True
        )
