"""Inventory mutations: parse the input, call one service, map the result or userErrors."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

import strawberry

from api.core.context import Info
from api.core.inputs import sent_fields
from api.core.payloads import Answer, UserError, respond
from api.core.relay import local_id
from api.core.rows import from_row_or_none
from api.inventory.inputs import (
    PRODUCT_COLUMNS,
    AdjustStockInput,
    CreateProductInput,
    CreateWarehouseInput,
    ReceiveStockInput,
    TransferStockInput,
    UpdateProductInput,
)
from api.inventory.types import Product, StockLevel, Warehouse
from domain.inventory import services


@strawberry.type
class ProductPayload:
    product: Product | None
    user_errors: list[UserError]


@strawberry.type
class WarehousePayload:
    warehouse: Warehouse | None
    user_errors: list[UserError]


@strawberry.type
class StockLevelPayload:
    stock_level: StockLevel | None
    user_errors: list[UserError]


@strawberry.type
class TransferStockPayload:
    from_level: StockLevel | None
    to_level: StockLevel | None
    user_errors: list[UserError]


def _level(row: object | None) -> StockLevel | None:
    return from_row_or_none(StockLevel, row)


# What each mutation answers: its payload, the field of the record, the row's conversion.
PRODUCT = Answer.record(ProductPayload, "product", Product.from_row)
WAREHOUSE = Answer.record(WarehousePayload, "warehouse", Warehouse.from_row)
STOCK_LEVEL = Answer.record(StockLevelPayload, "stock_level", StockLevel.from_row)
TRANSFER = Answer(
    TransferStockPayload,
    lambda levels: {"from_level": _level(levels[0]), "to_level": _level(levels[1])},
)


async def _change_level(
    info: Info,
    input: ReceiveStockInput | AdjustStockInput,
    service: Callable[..., Awaitable[Any]],
) -> StockLevelPayload:
    """Receive or adjust: one level changes by `quantity`, for `reason`."""
    ctx = info.context

    async def call() -> Any:
        return await service(
            ctx.db,
            ctx.require_actor(),
            local_id(input.product_id, "Product", "productId"),
            local_id(input.warehouse_id, "Warehouse", "warehouseId"),
            input.quantity,
            input.reason or "",
        )

    return await respond(info, STOCK_LEVEL, call)


@strawberry.type
class Mutation:
    @strawberry.mutation(metadata={"access": ("Product", "create")})
    async def create_product(self, info: Info, input: CreateProductInput) -> ProductPayload:
        ctx = info.context
        data = sent_fields(input, PRODUCT_COLUMNS)
        return await respond(
            info, PRODUCT, lambda: services.create_product(ctx.db, ctx.require_actor(), data)
        )

    @strawberry.mutation(metadata={"access": ("Product", "update")})
    async def update_product(self, info: Info, input: UpdateProductInput) -> ProductPayload:
        ctx = info.context
        data = sent_fields(input, PRODUCT_COLUMNS)

        async def call() -> object:
            product_id = local_id(input.id, "Product", "id")
            return await services.update_product(
                ctx.db, ctx.require_actor(), product_id, input.version, data
            )

        return await respond(info, PRODUCT, call)

    @strawberry.mutation(metadata={"access": ("Warehouse", "create")})
    async def create_warehouse(self, info: Info, input: CreateWarehouseInput) -> WarehousePayload:
        ctx = info.context
        return await respond(
            info,
            WAREHOUSE,
            lambda: services.create_warehouse(ctx.db, ctx.require_actor(), input.code, input.name),
        )

    @strawberry.mutation(metadata={"access": ("StockMovement", "receive")})
    async def receive_stock(self, info: Info, input: ReceiveStockInput) -> StockLevelPayload:
        return await _change_level(info, input, services.receive_stock)

    @strawberry.mutation(metadata={"access": ("StockMovement", "adjust")})
    async def adjust_stock(self, info: Info, input: AdjustStockInput) -> StockLevelPayload:
        return await _change_level(info, input, services.adjust_stock)

    @strawberry.mutation(metadata={"access": ("StockMovement", "transfer")})
    async def transfer_stock(self, info: Info, input: TransferStockInput) -> TransferStockPayload:
        ctx = info.context

        async def call() -> tuple[object, object]:
            return await services.transfer_stock(
                ctx.db,
                ctx.require_actor(),
                local_id(input.product_id, "Product", "productId"),
                local_id(input.from_warehouse_id, "Warehouse", "fromWarehouseId"),
                local_id(input.to_warehouse_id, "Warehouse", "toWarehouseId"),
                input.quantity,
                input.reason or "",
            )

        return await respond(info, TRANSFER, call)
