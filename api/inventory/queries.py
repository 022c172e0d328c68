"""Inventory queries: products, warehouses, stock levels and the movement ledger."""

from __future__ import annotations

import strawberry

from api.core.access import searched
from api.core.context import Info
from api.core.relay import (
    Connection,
    connection,
    from_global_id,
    from_optional_global_id,
    page_request,
)
from api.cost import at_most
from api.errors import AppError, Code
from api.inventory.inputs import ProductFilter, ProductOrder, StockLevelFilter, StockMovementFilter
from api.inventory.types import Product, StockLevel, StockMovement, Warehouse
from domain.inventory import repository
from domain.inventory.services import MAX_WAREHOUSES


@strawberry.type
class Query:
    @strawberry.field(description="Products, filtered and sorted; keyset pages.")
    async def products(
        self,
        info: Info,
        filter: ProductFilter | None = None,
        order_by: ProductOrder | None = None,
        first: int | None = None,
        after: str | None = None,
        last: int | None = None,
        before: str | None = None,
    ) -> Connection[Product] | None:
        page = page_request(info, first, after, last, before)
        f = filter or ProductFilter()
        order = order_by or ProductOrder()
        conditions = repository.product_conditions(
            search=searched(f.search), active=f.active, low_stock=f.low_stock, currency=f.currency
        )
        result = await repository.product_page(
            info.context.db, page, conditions, order.field.value, order.direction.value == "desc"
        )
        return await connection(info, result, Product.from_row)

    @strawberry.field
    async def product(self, info: Info, id: strawberry.ID) -> Product | None:
        uuid = from_global_id(id, "Product")[1]
        row = (await repository.products_by_ids(info.context.db, [uuid])).get(uuid)
        if row is None:
            raise AppError(Code.NOT_FOUND, "No such product.")
        return Product.from_row(row)

    @strawberry.field(description="Every warehouse, by code.", metadata=at_most(MAX_WAREHOUSES))
    async def warehouses(self, info: Info) -> list[Warehouse] | None:
        return [Warehouse.from_row(r) for r in await repository.warehouse_list(info.context.db)]

    @strawberry.field(description="Stock per product and warehouse.")
    async def stock_levels(
        self,
        info: Info,
        filter: StockLevelFilter | None = None,
        first: int | None = None,
        after: str | None = None,
        last: int | None = None,
        before: str | None = None,
    ) -> Connection[StockLevel] | None:
        page = page_request(info, first, after, last, before)
        f = filter or StockLevelFilter()
        result = await repository.level_page(
            info.context.db,
            page,
            from_optional_global_id(f.product_id, "Product"),
            from_optional_global_id(f.warehouse_id, "Warehouse"),
        )
        return await connection(info, result, StockLevel.from_row)

    @strawberry.field(description="The append-only stock ledger, newest first.")
    async def stock_movements(
        self,
        info: Info,
        filter: StockMovementFilter | None = None,
        first: int | None = None,
        after: str | None = None,
        last: int | None = None,
        before: str | None = None,
    ) -> Connection[StockMovement] | None:
        page = page_request(info, first, after, last, before)
        f = filter or StockMovementFilter()
        conditions = repository.movement_conditions(
            product_id=from_optional_global_id(f.product_id, "Product"),
            warehouse_id=from_optional_global_id(f.warehouse_id, "Warehouse"),
            order_id=from_optional_global_id(f.order_id, "SalesOrder"),
            kind=f.kind.value if f.kind else None,
        )
        result = await repository.movement_page(info.context.db, page, conditions)
        return await connection(info, result, StockMovement.from_row)
