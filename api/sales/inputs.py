"""Sales order inputs, tied to the catalog by `__entity__` (ids write the relation
they name: `customerId` writes `customer`, see `__writes__`)."""

from __future__ import annotations

from decimal import Decimal
from enum import Enum

import strawberry

from api.ordering import OrderDirection
from api.sales.types import OrderStatus

ORDER_WRITES = {
    "customerId": ("customer",),
    "dealId": ("deal",),
    "warehouseId": ("warehouse",),
}


@strawberry.input(description="A line; unitPrice defaults to the product's price.")
class OrderLineInput:
    __entity__ = "SalesOrderLine"
    __writes__ = {"productId": ("product",)}
    product_id: strawberry.ID
    quantity: int
    unit_price: Decimal | None = strawberry.UNSET
    discount_percent: Decimal | None = strawberry.UNSET
    tax_rate: Decimal | None = strawberry.UNSET


@strawberry.input(
    description="A draft order. The currency defaults to the first product's; every "
    "product must be priced in it. warehouseId may be left out when there is one warehouse."
)
class CreateOrderInput:
    __entity__ = "SalesOrder"
    __writes__ = ORDER_WRITES
    customer_id: strawberry.ID
    lines: list[OrderLineInput]
    warehouse_id: strawberry.ID | None = strawberry.UNSET
    currency: str | None = strawberry.UNSET
    notes: str | None = strawberry.UNSET


@strawberry.input(
    description="A draft order for a won deal, in the deal's customer and currency. A deal "
    "records no products: `lines` are required (LINES_REQUIRED) and must come to the deal's "
    "amount before tax (DEAL_AMOUNT_MISMATCH) unless acceptAmountDifference is true."
)
class CreateOrderFromDealInput:
    __entity__ = "SalesOrder"
    # accepting a difference is a say over the lines: it needs their write
    __writes__ = {**ORDER_WRITES, "acceptAmountDifference": ("lines",)}
    deal_id: strawberry.ID
    lines: list[OrderLineInput] | None = strawberry.UNSET
    accept_amount_difference: bool | None = strawberry.field(
        default=strawberry.UNSET,
        description="Make the order though its lines do not add up to the deal's amount.",
    )
    warehouse_id: strawberry.ID | None = strawberry.UNSET
    notes: str | None = strawberry.UNSET


@strawberry.input(description="Edit a draft; `lines`, when sent, replace every line.")
class UpdateOrderInput:
    __entity__ = "SalesOrder"
    __writes__ = ORDER_WRITES
    id: strawberry.ID
    version: int
    customer_id: strawberry.ID | None = strawberry.UNSET
    warehouse_id: strawberry.ID | None = strawberry.UNSET
    currency: str | None = strawberry.UNSET
    notes: str | None = strawberry.UNSET
    lines: list[OrderLineInput] | None = strawberry.UNSET


@strawberry.input(description="Which order; `version`, when sent, must be current.")
class OrderStepInput:
    __entity__ = "SalesOrder"
    id: strawberry.ID
    version: int | None = None


@strawberry.input
class OrderFilter:
    __entity__ = "SalesOrder"
    __reveals__ = {"customerId": ("customer",), "ownerId": ("owner",)}
    status: list[OrderStatus] | None = None
    customer_id: strawberry.ID | None = None
    owner_id: strawberry.ID | None = None


@strawberry.enum
class OrderOrderField(Enum):
    CREATED_AT = "createdAt"
    TOTAL = "total"
    STATUS = "status"


@strawberry.input
class OrderOrder:
    __entity__ = "SalesOrder"
    field: OrderOrderField = OrderOrderField.CREATED_AT
    direction: OrderDirection = OrderDirection.DESC
