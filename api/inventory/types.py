"""Inventory GraphQL types. Rows map to plain objects; relations go through loaders."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from enum import Enum
from typing import TYPE_CHECKING, Annotated, Any
from uuid import UUID

import strawberry

from api.core.context import Info
from api.core.relay import Node, node_resolver, to_global_id, with_relations
from api.core.rows import column_values, from_row_or_none
from api.cost import at_most
from api.inventory.loaders import PRODUCTS, WAREHOUSES, levels_of_product, levels_of_warehouse
from api.sales.loaders import ORDERS
from domain.inventory import repository
from domain.inventory.repository import LEVELS_PER_WAREHOUSE
from domain.inventory.services import MAX_WAREHOUSES

if TYPE_CHECKING:
    from api.sales.types import SalesOrder

SalesOrderRef = Annotated["SalesOrder", strawberry.lazy("api.sales.types")]

PRODUCT_COLUMNS = (
    "sku",
    "name",
    "description",
    "unit_price",
    "currency",
    "unit_cost",
    "active",
    "reorder_point",
    "on_hand",
    "reserved",
    "available",
    "created_at",
    "version",
)
WAREHOUSE_COLUMNS = ("code", "name", "created_at")
LEVEL_COLUMNS = ("product_id", "warehouse_id", "on_hand", "reserved", "available")


@strawberry.type(description="Something the company sells and stocks.")
class Product(Node):
    __entity__ = "Product"
    __computed__ = repository.PRODUCT_TOTALS  # onHand, reserved, available
    uuid: strawberry.Private[UUID]
    id: strawberry.ID
    sku: str | None
    name: str | None
    description: str | None
    unit_price: Decimal | None
    currency: str | None
    unit_cost: Decimal | None = strawberry.field(description="Back office only.")
    active: bool | None
    reorder_point: int | None
    on_hand: int | None = strawberry.field(description="Units on hand, all warehouses.")
    reserved: int | None = strawberry.field(description="Units reserved by confirmed orders.")
    available: int | None = strawberry.field(description="Available to promise: onHand - reserved.")
    created_at: datetime | None
    version: int | None

    @classmethod
    def from_row(cls, r: Any) -> Product:
        return cls(
            uuid=r.id, id=to_global_id("Product", r.id), **column_values(r, *PRODUCT_COLUMNS)
        )

    @strawberry.field(description="Stock per warehouse.", metadata=at_most(MAX_WAREHOUSES))
    async def stock_levels(self, info: Info) -> list[StockLevel] | None:
        rows = await levels_of_product(info, self.uuid)
        return await with_relations(info, [StockLevel.from_row(r) for r in rows])


@strawberry.type
class Warehouse(Node):
    __entity__ = "Warehouse"
    uuid: strawberry.Private[UUID]
    id: strawberry.ID
    code: str | None
    name: str | None
    created_at: datetime | None

    @classmethod
    def from_row(cls, r: Any) -> Warehouse:
        return cls(
            uuid=r.id, id=to_global_id("Warehouse", r.id), **column_values(r, *WAREHOUSE_COLUMNS)
        )

    @strawberry.field(
        description=f"The first {LEVELS_PER_WAREHOUSE} stock levels, by product.",
        metadata=at_most(LEVELS_PER_WAREHOUSE),
    )
    async def stock_levels(self, info: Info) -> list[StockLevel] | None:
        rows = await levels_of_warehouse(info, self.uuid)
        return await with_relations(info, [StockLevel.from_row(r) for r in rows])


def product_by_id(info: Info, uuid: UUID | None) -> Product | None:
    """The Product (None when missing): at once when prefetched (declare
    `PRODUCTS` in `__prefetch__`), else awaitable (api.core.loaders.Relation.resolve)."""
    return PRODUCTS.resolve(info, uuid, Product.from_row)


def warehouse_by_id(info: Info, uuid: UUID | None) -> Warehouse | None:
    """The Warehouse (None when missing): at once or awaitable, as product_by_id."""
    return WAREHOUSES.resolve(info, uuid, Warehouse.from_row)


# relations of an object with `product_id` and `warehouse_id` (api.core.loaders.prefetch)
STOCK_RELATIONS = {
    "product": (PRODUCTS, "product_id"),
    "warehouse": (WAREHOUSES, "warehouse_id"),
}


@strawberry.type(description="Stock of one product in one warehouse.")
class StockLevel:
    __entity__ = "StockLevel"
    __computed__ = repository.LEVEL_AVAILABLE
    __prefetch__ = STOCK_RELATIONS
    product_id: strawberry.Private[UUID]
    warehouse_id: strawberry.Private[UUID]
    on_hand: int | None
    reserved: int | None
    available: int | None

    @classmethod
    def from_row(cls, r: Any) -> StockLevel:
        return cls(**column_values(r, *LEVEL_COLUMNS))

    @strawberry.field
    def product(self, info: Info) -> Product | None:
        return product_by_id(info, self.product_id)

    @strawberry.field
    def warehouse(self, info: Info) -> Warehouse | None:
        return warehouse_by_id(info, self.warehouse_id)


@strawberry.enum
class StockMovementKind(Enum):
    RECEIPT = "receipt"
    ADJUSTMENT = "adjustment"
    RESERVATION = "reservation"
    RELEASE = "release"
    SHIPMENT = "shipment"
    TRANSFER_IN = "transfer_in"
    TRANSFER_OUT = "transfer_out"


@strawberry.type(description="One entry of the append-only stock ledger.")
class StockMovement(Node):
    __entity__ = "StockMovement"
    # relations a page of StockMovements loads at once when selected (api.core.loaders.prefetch)
    __prefetch__ = {**STOCK_RELATIONS, "order": (ORDERS, "order_id")}
    uuid: strawberry.Private[UUID]
    id: strawberry.ID
    product_id: strawberry.Private[UUID]
    warehouse_id: strawberry.Private[UUID]
    order_id: strawberry.Private[UUID | None]
    kind: StockMovementKind | None
    quantity: int | None = strawberry.field(description="Change of on-hand units (signed).")
    reserved_change: int | None = strawberry.field(description="Change of reserved units.")
    reason: str | None
    created_at: datetime | None
    created_by: strawberry.ID | None

    @classmethod
    def from_row(cls, r: Any) -> StockMovement:
        return cls(
            uuid=r.id,
            id=to_global_id("StockMovement", r.id),
            product_id=r.product_id,
            warehouse_id=r.warehouse_id,
            order_id=r.order_id,
            kind=StockMovementKind(r.kind),
            quantity=r.on_hand_change,
            reserved_change=r.reserved_change,
            reason=r.reason,
            created_at=r.created_at,
            created_by=to_global_id("User", r.created_by) if r.created_by else None,
        )

    @strawberry.field
    def product(self, info: Info) -> Product | None:
        return product_by_id(info, self.product_id)

    @strawberry.field
    def warehouse(self, info: Info) -> Warehouse | None:
        return warehouse_by_id(info, self.warehouse_id)

    @strawberry.field(description="The sales order that reserved, released or shipped it.")
    def order(self, info: Info) -> SalesOrderRef | None:
        from api.sales.types import order_by_id

        return order_by_id(info, self.order_id)


@node_resolver("Product", entity="Product")
async def _product(context: Any, uuid: UUID) -> Product | None:
    row = (await repository.products_by_ids(context.db, [uuid])).get(uuid)
    return from_row_or_none(Product, row)


@node_resolver("Warehouse", entity="Warehouse")
async def _warehouse(context: Any, uuid: UUID) -> Warehouse | None:
    row = (await repository.warehouses_by_ids(context.db, [uuid])).get(uuid)
    return from_row_or_none(Warehouse, row)


@node_resolver("StockMovement", entity="StockMovement")
async def _movement(context: Any, uuid: UUID) -> StockMovement | None:
    row = (await repository.movements_by_ids(context.db, [uuid])).get(uuid)
    return from_row_or_none(StockMovement, row)


NODE_TYPES = (StockMovement,)
