"""Report rows. Each row type is the report's catalog entity, so every column obeys the
role's grant on that report; the objects a row points at (product, warehouse, order)
are their own entities and obey their own grants."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from uuid import UUID

import strawberry

from api.relay import to_global_id


@strawberry.type(description="A product as a report row names it.")
class ReportProduct:
    __entity__ = "Product"
    id: strawberry.ID
    sku: str | None
    name: str | None


@strawberry.type(description="A warehouse as a report row names it.")
class ReportWarehouse:
    __entity__ = "Warehouse"
    id: strawberry.ID
    code: str | None
    name: str | None


@strawberry.type(description="A sales order as a report row names it.")
class ReportOrder:
    __entity__ = "SalesOrder"
    id: strawberry.ID
    status: str | None
    total: Decimal | None
    created_at: datetime | None


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
    product: ReportProduct | None
    warehouse: ReportWarehouse | None
    on_hand: int | None
    unit_cost: Decimal | None = strawberry.field(description="Null when the cost is unknown.")
    value: Decimal | None
    currency: str | None


@strawberry.type(description="Revenue (before tax), cost and margin of one order.")
class OrderMarginReport:
    __entity__ = "OrderMarginReport"
    order: ReportOrder | None
    currency: str | None
    revenue: Decimal | None
    cost: Decimal | None
    margin: Decimal | None
    margin_percent: Decimal | None


def product_ref(uuid: UUID, sku: str, name: str) -> ReportProduct:
    return ReportProduct(id=to_global_id("Product", uuid), sku=sku, name=name)


def warehouse_ref(uuid: UUID, code: str, name: str) -> ReportWarehouse:
    return ReportWarehouse(id=to_global_id("Warehouse", uuid), code=code, name=name)


def order_ref(uuid: UUID, status: str, total: Decimal, created_at: datetime) -> ReportOrder:
    return ReportOrder(
        id=to_global_id("SalesOrder", uuid), status=status, total=total, created_at=created_at
    )
