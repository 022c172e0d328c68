"""Inventory mutations: parse the input, call one service, map the result or userErrors."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

import strawberry

from api.core.context import Info
from api.core.inputs import sent_fields
from api.core.payloads import UserError, run_service
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

    row, errors = await run_service(info, call)
    return StockLevelPayload(stock_level=_level(row), user_errors=errors)


@strawberry.type
class Mutation:
    @strawberry.mutation(metadata={"access": ("Product", "create")})
    async def create_product(self, info: Info, input: CreateProductInput) -> ProductPayload:
        ctx = info.context
        data = sent_fields(input, PRODUCT_COLUMNS)
        row, errors = await run_service(
            info, lambda: services.create_product(ctx.db, ctx.require_actor(), data)
        )
        return ProductPayload(product=Product.from_row(row) if row else None, user_errors=errors)

    @strawberry.mutation(metadata={"access": ("Product", "update")})
    async def update_product(self, info: Info, input: UpdateProductInput) -> ProductPayload:
        ctx = info.context
        data = sent_fields(input, PRODUCT_COLUMNS)

        async def call() -> object:
            product_id = local_id(input.id, "Product", "id")
            return await services.update_product(
                ctx.db, ctx.require_actor(), product_id, input.version, data
            )

        row, errors = await run_service(info, call)
        return ProductPayload(product=Product.from_row(row) if row else None, user_errors=errors)

    @strawberry.mutation(metadata={"access": ("Warehouse", "create")})
    async def create_warehouse(self, info: Info, input: CreateWarehouseInput) -> WarehousePayload:
        ctx = info.context
        row, errors = await run_service(
            info,
            lambda: services.create_warehouse(ctx.db, ctx.require_actor(), input.code, input.name),
        )
        return WarehousePayload(
            warehouse=Warehouse.from_row(row) if row else None, user_errors=errors
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

        levels, errors = await run_service(info, call)
        source, target = levels if levels else (None, None)
        return TransferStockPayload(
            from_level=_level(source), to_level=_level(target), user_errors=errors
        )
