"""Sales order mutations: parse the input, call one service, map the result or userErrors."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any
from uuid import UUID

import strawberry

from api.core.payloads import UserError, run_service
from api.core.relay import local_id
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
            unit_price=_given(line.unit_price),
            discount_percent=_given(line.discount_percent),
            tax_rate=_given(line.tax_rate),
        )
        for i, line in enumerate(lines)
    ]


def _optional(global_id: str | None, type_name: str, field: str) -> UUID | None:
    return None if global_id is None else local_id(global_id, type_name, field)


def _given(value: Any) -> Any:
    """An optional input field: UNSET (not sent) reads as None."""
    return None if value is strawberry.UNSET else value


def _draft(input: UpdateOrderInput) -> services.OrderDraft:
    changed = {
        name
        for name in ("customer_id", "warehouse_id", "currency", "notes", "lines")
        if getattr(input, name) is not strawberry.UNSET
    }
    lines = _given(input.lines)
    return services.OrderDraft(
        customer_id=_optional(_given(input.customer_id), "Customer", "customerId"),
        warehouse_id=_optional(_given(input.warehouse_id), "Warehouse", "warehouseId"),
        currency=_given(input.currency),
        notes=_given(input.notes),
        lines=None if lines is None else _lines(lines),
        changed=frozenset(changed),
    )


async def _run(
    info: strawberry.Info, call: Callable[[Any, Any], Awaitable[Any]]
) -> SalesOrderPayload:
    """Run `call(conn, actor)` as the mutation's one service call."""
    ctx = info.context
    row, errors = await run_service(info, lambda: call(ctx.db, ctx.require_actor()))
    return SalesOrderPayload(order=SalesOrder.from_row(row) if row else None, user_errors=errors)


def _step(
    service: Callable[..., Awaitable[Any]], input: OrderStepInput
) -> Callable[[Any, Any], Awaitable[Any]]:
    async def call(conn: Any, actor: Any) -> Any:
        return await service(conn, actor, local_id(input.id, "SalesOrder", "id"), input.version)

    return call


@strawberry.type
class Mutation:
    @strawberry.mutation(metadata={"access": ("SalesOrder", "create")})
    async def create_order(
        self, info: strawberry.Info, input: CreateOrderInput
    ) -> SalesOrderPayload:
        async def call(conn: Any, actor: Any) -> Any:
            draft = services.OrderDraft(
                customer_id=local_id(input.customer_id, "Customer", "customerId"),
                warehouse_id=_optional(_given(input.warehouse_id), "Warehouse", "warehouseId"),
                currency=_given(input.currency),
                notes=_given(input.notes),
                lines=_lines(input.lines),
            )
            return await services.create_order(conn, actor, draft)

        return await _run(info, call)

    @strawberry.mutation(metadata={"access": ("SalesOrder", "create")})
    async def create_order_from_deal(
        self, info: strawberry.Info, input: CreateOrderFromDealInput
    ) -> SalesOrderPayload:
        async def call(conn: Any, actor: Any) -> Any:
            draft = services.OrderDraft(
                warehouse_id=_optional(_given(input.warehouse_id), "Warehouse", "warehouseId"),
                notes=_given(input.notes),
                lines=_lines(_given(input.lines) or []),
            )
            deal_id = local_id(input.deal_id, "Deal", "dealId")
            return await services.create_order_from_deal(
                conn, actor, deal_id, draft, bool(_given(input.accept_amount_difference))
            )

        return await _run(info, call)

    @strawberry.mutation(metadata={"access": ("SalesOrder", "update")})
    async def update_order(
        self, info: strawberry.Info, input: UpdateOrderInput
    ) -> SalesOrderPayload:
        async def call(conn: Any, actor: Any) -> Any:
            order_id = local_id(input.id, "SalesOrder", "id")
            return await services.update_order(conn, actor, order_id, input.version, _draft(input))

        return await _run(info, call)

    @strawberry.mutation(
        metadata={"access": ("SalesOrder", "confirm")},
        description="Reserve the order's stock; INSUFFICIENT_STOCK reserves nothing.",
    )
    async def confirm_order(
        self, info: strawberry.Info, input: OrderStepInput
    ) -> SalesOrderPayload:
        return await _run(info, _step(services.confirm_order, input))

    @strawberry.mutation(
        metadata={"access": ("SalesOrder", "fulfill")},
        description="Ship a confirmed order: on hand and reserved go down.",
    )
    async def fulfill_order(
        self, info: strawberry.Info, input: OrderStepInput
    ) -> SalesOrderPayload:
        return await _run(info, _step(services.fulfill_order, input))

    @strawberry.mutation(
        metadata={"access": ("SalesOrder", "cancel")},
        description="Cancel a draft or confirmed order, releasing its reservations.",
    )
    async def cancel_order(self, info: strawberry.Info, input: OrderStepInput) -> SalesOrderPayload:
        return await _run(info, _step(services.cancel_order, input))
