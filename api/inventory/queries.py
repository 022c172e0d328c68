"""Inventory queries: products, warehouses, stock levels and the movement ledger."""

from __future__ import annotations

import strawberry

from api.compiled.sources import by_id, listing
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
from domain.pagination import Listing, run_listing
from tenants.principal import Actor

MISSING_PRODUCT = "No such product."


# Each list's rows, for its resolver and for the compiled read path (api/compiled): the
# inventory is the tenant's, no record scope narrows it.
def _products(actor: Actor, filter: ProductFilter | None, order_by: ProductOrder | None) -> Listing:
    f = filter or ProductFilter()
    order = order_by or ProductOrder()
    conditions = repository.product_conditions(
        search=searched(f.search), active=f.active, low_stock=f.low_stock, currency=f.currency
    )
    return repository.product_listing(
        conditions, order.field.value, order.direction.value == "desc"
    )


def _levels(actor: Actor, filter: StockLevelFilter | None, order_by: None) -> Listing:
    f = filter or StockLevelFilter()
    return repository.level_listing(
        from_optional_global_id(f.product_id, "Product"),
        from_optional_global_id(f.warehouse_id, "Warehouse"),
    )


def _movements(actor: Actor, filter: StockMovementFilter | None, order_by: None) -> Listing:
    f = filter or StockMovementFilter()
    return repository.movement_listing(
        repository.movement_conditions(
            product_id=from_optional_global_id(f.product_id, "Product"),
            warehouse_id=from_optional_global_id(f.warehouse_id, "Warehouse"),
            order_id=from_optional_global_id(f.order_id, "SalesOrder"),
            kind=f.kind.value if f.kind else None,
        )
    )


@strawberry.type
class Query:
    @strawberry.field(
        description="Products, filtered and sorted; keyset pages.",
        metadata=listing("Product", _products),
    )
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
        found = _products(info.context.require_actor(), filter, order_by)
        return await connection(
            info, await run_listing(info.context.db, found, page), Product.from_row
        )

    @strawberry.field(metadata=by_id("Product", MISSING_PRODUCT))
    async def product(self, info: Info, id: strawberry.ID) -> Product | None:
        uuid = from_global_id(id, "Product")[1]
        row = (await repository.products_by_ids(info.context.db, [uuid])).get(uuid)
        if row is None:
            raise AppError(Code.NOT_FOUND, MISSING_PRODUCT)
        return Product.from_row(row)

    @strawberry.field(description="Every warehouse, by code.", metadata=at_most(MAX_WAREHOUSES))
    async def warehouses(self, info: Info) -> list[Warehouse] | None:
        return [Warehouse.from_row(r) for r in await repository.warehouse_list(info.context.db)]

    @strawberry.field(
        description="Stock per product and warehouse.", metadata=listing("StockLevel", _levels)
    )
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
        found = _levels(info.context.require_actor(), filter, None)
        return await connection(
            info, await run_listing(info.context.db, found, page), StockLevel.from_row
        )

    @strawberry.field(
        description="The append-only stock ledger, newest first.",
        metadata=listing("StockMovement", _movements),
    )
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
        found = _movements(info.context.require_actor(), filter, None)
        result = await run_listing(info.context.db, found, page)
        return await connection(info, result, StockMovement.from_row)
