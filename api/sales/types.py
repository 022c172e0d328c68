"""Sales order types. Rows map to plain objects; relations go through DataLoaders, so
`orders { lines { product { available } } }` costs the same statements for any size."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from enum import Enum
from typing import TYPE_CHECKING, Annotated, Any
from uuid import UUID

import strawberry

from api.admin.loaders import REFERENCED_USERS
from api.admin.types import User, user_reference, user_relation
from api.core.context import Info
from api.core.relay import Node, node_resolver, to_global_id, with_relations
from api.core.rows import from_row_or_none
from api.cost import at_most
from api.crm import loaders as crm_loaders
from api.crm.deal_types import Deal
from api.crm.types import Customer
from api.inventory.loaders import PRODUCTS, WAREHOUSES
from api.inventory.types import Product, Warehouse, product_by_id, warehouse_by_id
from api.sales.loaders import ORDERS, lines_of
from api.sales.loaders import order_of_deal as load_order_of_deal
from domain.billing.services import INVOICES_PER_ORDER
from domain.sales import repository as sales_repository
from domain.sales.pricing import MAX_LINES
from domain.sales.read_models import Order, OrderLine

if TYPE_CHECKING:
    from api.billing.types import Invoice

INVOICES = "api.billing.types"


@strawberry.enum
class OrderStatus(Enum):
    DRAFT = "draft"
    CONFIRMED = "confirmed"
    FULFILLED = "fulfilled"
    CANCELLED = "cancelled"


# fields read as they are from the read models (domain/sales/read_models.py), their
# derivations (cost, margin) included: the edge computes none of them
ORDER_COLUMNS = (
    "currency",
    "notes",
    "subtotal",
    "tax_total",
    "total",
    "cost",
    "margin",
    "confirmed_at",
    "fulfilled_at",
    "cancelled_at",
    "created_at",
    "version",
)
LINE_COLUMNS = (
    "quantity",
    "unit_price",
    "discount_percent",
    "tax_rate",
    "subtotal",
    "tax",
    "total",
    "unit_cost",
    "cost",
    "margin",
)


@strawberry.type(description="One line of a sales order.")
class SalesOrderLine:
    __entity__ = "SalesOrderLine"
    # relations an order's lines load at once when selected (SalesOrder.lines)
    __prefetch__ = {"product": (PRODUCTS, "product_id")}
    product_id: strawberry.Private[UUID]
    currency: strawberry.Private[str]
    quantity: int | None
    unit_price: Decimal | None
    discount_percent: Decimal | None
    tax_rate: Decimal | None
    subtotal: Decimal | None = strawberry.field(description="Rounded: see SalesOrder.")
    tax: Decimal | None
    total: Decimal | None
    unit_cost: Decimal | None = strawberry.field(description="Snapshot when the line was written.")
    cost: Decimal | None
    margin: Decimal | None = strawberry.field(description="subtotal - cost")

    @classmethod
    def from_row(cls, r: OrderLine) -> SalesOrderLine:
        return cls(
            product_id=r.product_id,
            currency=r.currency,
            **{name: getattr(r, name) for name in LINE_COLUMNS},
        )

    @strawberry.field
    def product(self, info: Info) -> Product | None:
        return product_by_id(info, self.product_id)


@strawberry.type(
    description="A sales order. Amounts are rounded per line (banker's rounding to the "
    "currency's minor unit) and then summed: total = subtotal + taxTotal."
)
class SalesOrder(Node):
    __entity__ = "SalesOrder"
    # relations a page of SalesOrders loads at once when selected (api.core.loaders.prefetch)
    __prefetch__ = {
        "customer": (crm_loaders.ROWS["Customer"], "customer_id"),
        "deal": (crm_loaders.ROWS["Deal"], "deal_id"),
        "owner": (REFERENCED_USERS, "owner_id"),
        "warehouse": (WAREHOUSES, "warehouse_id"),
    }
    __children__ = {"lines": sales_repository.LINES}
    uuid: strawberry.Private[UUID]
    customer_id: strawberry.Private[UUID]
    deal_id: strawberry.Private[UUID | None]
    warehouse_id: strawberry.Private[UUID]
    owner_id: strawberry.Private[UUID]
    id: strawberry.ID
    status: OrderStatus | None
    currency: str | None
    notes: str | None
    subtotal: Decimal | None
    tax_total: Decimal | None
    total: Decimal | None
    cost: Decimal | None = strawberry.field(description="Back office only.")
    margin: Decimal | None = strawberry.field(description="subtotal - cost; back office only.")
    confirmed_at: datetime | None
    fulfilled_at: datetime | None
    cancelled_at: datetime | None
    created_at: datetime | None
    version: int | None

    @classmethod
    def from_row(cls, r: Order) -> SalesOrder:
        return cls(
            uuid=r.id,
            id=to_global_id("SalesOrder", r.id),
            customer_id=r.customer_id,
            deal_id=r.deal_id,
            warehouse_id=r.warehouse_id,
            owner_id=r.owner_id,
            status=OrderStatus(r.status),
            **{name: getattr(r, name) for name in ORDER_COLUMNS},
        )

    @strawberry.field(metadata=at_most(MAX_LINES))
    async def lines(self, info: Info) -> list[SalesOrderLine] | None:
        lines = [SalesOrderLine.from_row(r) for r in await lines_of(info, self.uuid)]
        return await with_relations(info, lines)

    @strawberry.field
    def customer(self, info: Info) -> Customer | None:
        return crm_loaders.row(info, "Customer", self.customer_id, Customer.from_row)

    @strawberry.field(description="The won deal the order was made from (in your scope).")
    def deal(self, info: Info) -> Deal | None:
        return crm_loaders.row(info, "Deal", self.deal_id, Deal.from_row)

    @strawberry.field(
        description="The invoices made from the order (void ones too), newest first.",
        metadata=at_most(INVOICES_PER_ORDER),
    )
    async def invoices(
        self, info: Info
    ) -> list[Annotated[Invoice, strawberry.lazy(INVOICES)]] | None:
        from api.billing.types import order_invoices

        return await order_invoices(info, self.uuid)

    @user_relation(description="The user who owns the order.")
    def owner(self, info: Info) -> User | None:
        return user_reference(info, self.owner_id)

    @strawberry.field(description="Where the order's stock is reserved and shipped from.")
    def warehouse(self, info: Info) -> Warehouse | None:
        return warehouse_by_id(info, self.warehouse_id)


def order_by_id(info: Info, uuid: UUID | None) -> SalesOrder | None:
    """The SalesOrder, for relations from other types (a movement's order, an invoice's
    order): at once when prefetched (`ORDERS` in `__prefetch__`), else awaitable."""
    return ORDERS.resolve(info, uuid, SalesOrder.from_row)


async def order_of_deal(info: Info, deal_id: UUID) -> SalesOrder | None:
    """The order made from a deal (Deal.order): its live one, else a cancelled one."""
    row = await load_order_of_deal(info, deal_id)
    return from_row_or_none(SalesOrder, row)


@node_resolver("SalesOrder", entity="SalesOrder")
async def _order(context: Any, uuid: UUID) -> SalesOrder | None:
    from domain.sales.repository import orders_by_ids

    row = (await orders_by_ids(context.db, context.require_actor(), [uuid])).get(uuid)
    return from_row_or_none(SalesOrder, row)
