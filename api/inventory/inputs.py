"""Inventory inputs: what a client may send, each tied to the catalog by `__entity__`."""

from __future__ import annotations

from decimal import Decimal
from enum import Enum

import strawberry

from api.inventory.types import StockMovementKind
from api.ordering import OrderDirection
from domain.inventory.repository import PRODUCT_SEARCH

# GraphQL input name -> products column
PRODUCT_COLUMNS = {
    "sku": "sku",
    "name": "name",
    "description": "description",
    "unit_price": "unit_price",
    "currency": "currency",
    "unit_cost": "unit_cost",
    "active": "active",
    "reorder_point": "reorder_point",
}


@strawberry.input
class CreateProductInput:
    __entity__ = "Product"
    sku: str
    name: str
    unit_price: Decimal
    currency: str
    description: str | None = strawberry.UNSET
    unit_cost: Decimal | None = strawberry.UNSET
    active: bool | None = strawberry.UNSET
    reorder_point: int | None = strawberry.UNSET


@strawberry.input(description="Only the fields sent are changed; `version` must be current.")
class UpdateProductInput:
    __entity__ = "Product"
    id: strawberry.ID
    version: int
    sku: str | None = strawberry.UNSET
    name: str | None = strawberry.UNSET
    description: str | None = strawberry.UNSET
    unit_price: Decimal | None = strawberry.UNSET
    currency: str | None = strawberry.UNSET
    unit_cost: Decimal | None = strawberry.UNSET
    active: bool | None = strawberry.UNSET
    reorder_point: int | None = strawberry.UNSET


@strawberry.input
class CreateWarehouseInput:
    __entity__ = "Warehouse"
    code: str
    name: str


STOCK_LOCATORS = (
    "productId",
    "warehouseId",
    "fromWarehouseId",
    "toWarehouseId",
    "clientMutationId",
)


@strawberry.input(description="Goods in: on hand goes up.")
class ReceiveStockInput:
    __entity__ = "StockMovement"
    __locators__ = STOCK_LOCATORS
    product_id: strawberry.ID
    warehouse_id: strawberry.ID
    quantity: int
    reason: str | None = strawberry.UNSET


@strawberry.input(description="A signed correction of on-hand stock, with its reason.")
class AdjustStockInput:
    __entity__ = "StockMovement"
    __locators__ = STOCK_LOCATORS
    product_id: strawberry.ID
    warehouse_id: strawberry.ID
    quantity: int = strawberry.field(description="Signed change of on-hand units.")
    reason: str


@strawberry.input(description="Move unreserved units from one warehouse to another.")
class TransferStockInput:
    __entity__ = "StockMovement"
    __locators__ = STOCK_LOCATORS
    product_id: strawberry.ID
    from_warehouse_id: strawberry.ID
    to_warehouse_id: strawberry.ID
    quantity: int
    reason: str | None = strawberry.UNSET


@strawberry.input
class ProductFilter:
    __entity__ = "Product"
    __reveals__ = {"lowStock": ("available", "reorderPoint")}
    __searches__ = {"search": tuple(PRODUCT_SEARCH)}
    search: str | None = strawberry.field(
        default=None, description="In SKU or name (those your role may read)."
    )
    active: bool | None = None
    currency: str | None = None
    low_stock: bool | None = strawberry.field(
        default=None,
        description="Available (on hand less reserved, all warehouses) at or under the "
        "reorder point.",
    )


@strawberry.enum
class ProductOrderField(Enum):
    NAME = "name"
    SKU = "sku"
    UNIT_PRICE = "unitPrice"
    CREATED_AT = "createdAt"


@strawberry.input
class ProductOrder:
    __entity__ = "Product"
    field: ProductOrderField = ProductOrderField.NAME
    direction: OrderDirection = OrderDirection.ASC


@strawberry.input
class StockLevelFilter:
    __entity__ = "StockLevel"
    __reveals__ = {"productId": ("product",), "warehouseId": ("warehouse",)}
    product_id: strawberry.ID | None = None
    warehouse_id: strawberry.ID | None = None


@strawberry.input
class StockMovementFilter:
    __entity__ = "StockMovement"
    __reveals__ = {"productId": ("product",), "warehouseId": ("warehouse",), "orderId": ("order",)}
    product_id: strawberry.ID | None = None
    warehouse_id: strawberry.ID | None = None
    order_id: strawberry.ID | None = None
    kind: StockMovementKind | None = None
