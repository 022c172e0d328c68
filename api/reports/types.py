"""Report rows. A report is read by a role that may read every field it is made of
(`*_REVEALS`, the root fields' "reveals", enforced by api.core.access); the aggregates are
also catalog entities a role is granted. The margin report is not: its rows are the
`margin` of single orders, so reading `SalesOrder.margin` is what lets a role read it
(one rule for one fact). The objects a row points at (product, warehouse, order) are
their own entities and obey their own grants."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from uuid import UUID

import strawberry

from api.core.context import Info
from api.inventory.types import (
    STOCK_RELATIONS,
    Product,
    Warehouse,
    product_by_id,
    warehouse_by_id,
)
from api.sales.loaders import ORDERS
from api.sales.types import SalesOrder, order_by_id

REVENUE_REVEALS = {
    "Invoice": ("status", "issueDate", "total", "currency"),
    "CreditNote": ("issueDate", "amount", "currency"),
    "Payment": ("paidOn", "amount", "currency"),
}
AGING_REVEALS = {"Invoice": ("status", "issueDate", "dueDate", "amountDue", "currency")}
VALUATION_REVEALS = {
    "StockLevel": ("product", "warehouse", "onHand"),
    "Product": ("unitCost", "currency"),
}
MARGIN_REVEALS = {"SalesOrder": ("status", "createdAt", "currency", "subtotal", "cost", "margin")}


@strawberry.type(description="One month in one currency: net invoiced and cash received.")
class RevenueReport:
    __entity__ = "RevenueReport"
    month: date | None = strawberry.field(description="First day of the month.")
    currency: str | None
    invoiced: Decimal | None = strawberry.field(description="Issued totals less credit notes.")
    paid: Decimal | None


@strawberry.type(description="Open receivables in one currency, by days past due.")
class ArAgingReport:
    __entity__ = "ArAgingReport"
    currency: str | None
    current: Decimal | None = strawberry.field(description="Not yet due.")
    days_1_to_30: Decimal | None
    days_31_to_60: Decimal | None
    days_61_to_90: Decimal | None
    over_90: Decimal | None
    total: Decimal | None


@strawberry.type(description="Stock on hand at one warehouse, valued at unit cost.")
class StockValuationReport:
    __entity__ = "StockValuationReport"
    __prefetch__ = STOCK_RELATIONS
    product_id: strawberry.Private[UUID]
    warehouse_id: strawberry.Private[UUID]
    on_hand: int | None
    unit_cost: Decimal | None = strawberry.field(description="Null when the cost is unknown.")
    value: Decimal | None
    currency: str | None

    @strawberry.field
    def product(self, info: Info) -> Product | None:
        return product_by_id(info, self.product_id)

    @strawberry.field
    def warehouse(self, info: Info) -> Warehouse | None:
        return warehouse_by_id(info, self.warehouse_id)


@strawberry.type(description="Revenue (before tax), cost and margin of one order.")
class OrderMarginReport:
    __prefetch__ = {"order": (ORDERS, "order_id")}
    order_id: strawberry.Private[UUID]
    currency: str | None
    revenue: Decimal | None
    cost: Decimal | None
    margin: Decimal | None
    margin_percent: Decimal | None

    @strawberry.field
    def order(self, info: Info) -> SalesOrder | None:
        return order_by_id(info, self.order_id)
