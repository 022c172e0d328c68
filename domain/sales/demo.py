"""Demo sales orders in every state, for the CRM demo's customers when it made some
(and a few of our own otherwise), plus an order for a won deal that has none yet."""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING, Any
from uuid import UUID

import sqlalchemy as sa

from domain.crm.models import customers, deals
from domain.inventory.demo import demo_actor
from domain.inventory.models import products, warehouses
from domain.sales import services
from domain.sales.models import sales_orders
from domain.sales.pricing import LineInput

if TYPE_CHECKING:
    from domain.demo import DemoSeed

FALLBACK_CUSTOMERS = ("Initech", "Umbrella Retail", "Hooli Labs")
# (customer index, [(sku, quantity, discount %)], final state)
ORDERS = (
    (0, [("DESK-OAK", 2, "0"), ("CHAIR-ERG", 2, "5")], "fulfilled"),
    (1, [("MON-27", 3, "0"), ("CABLE-USB", 6, "0")], "confirmed"),
    (2, [("LAMP-LED", 4, "10")], "draft"),
    (0, [("DOCK-USB", 1, "0")], "cancelled"),
    (1, [("CHAIR-ERG", 1, "0"), ("CABLE-USB", 2, "0")], "draft"),
)
TAX_RATE = "8.25"


async def _customers(demo: DemoSeed) -> list[UUID]:
    """The first customers by name; created when the CRM demo made none."""
    conn = demo.conn
    found = list(
        await conn.scalars(
            sa.select(customers.c.id).order_by(customers.c.name, customers.c.id).limit(3)
        )
    )
    if len(found) >= len(FALLBACK_CUSTOMERS):
        return found
    for name in FALLBACK_CUSTOMERS[len(found) :]:
        found.append(
            await conn.scalar(
                sa.insert(customers)
                .values(tenant_id=demo.tenant_id, name=name, kind="company")
                .returning(customers.c.id)
            )
        )
    return found


async def _lines(conn: Any, items: list[tuple[str, int, str]]) -> list[LineInput]:
    ids = {sku: id for sku, id in await conn.execute(sa.select(products.c.sku, products.c.id))}
    return [
        LineInput(
            ids[sku], quantity, discount_percent=Decimal(discount), tax_rate=Decimal(TAX_RATE)
        )
        for sku, quantity, discount in items
    ]


async def seed(demo: DemoSeed) -> None:
    conn = demo.conn
    rep = await demo_actor(demo, "sales_rep")
    warehouse = await demo_actor(demo, "warehouse")
    manager = await demo_actor(demo, "sales_manager")
    who = await _customers(demo)
    main = await conn.scalar(sa.select(warehouses.c.id).where(warehouses.c.code == "MAIN"))
    for customer, items, state in ORDERS:
        lines = await _lines(conn, items)
        draft = services.OrderDraft(customer_id=who[customer], warehouse_id=main, lines=lines)
        order = await services.create_order(conn, rep, draft)
        if state in ("confirmed", "fulfilled", "cancelled"):
            await services.confirm_order(conn, rep, order.id)
        if state == "fulfilled":
            await services.fulfill_order(conn, warehouse, order.id)
        if state == "cancelled":
            await services.cancel_order(conn, manager, order.id)
    await _order_for_won_deal(demo)


async def _order_for_won_deal(demo: DemoSeed) -> None:
    """A draft for the first won deal of the CRM demo (if any) in the deal's currency."""
    conn = demo.conn
    deal = (
        await conn.execute(
            sa.select(deals.c.id, deals.c.currency)
            .where(
                deals.c.status == "won",
                ~sa.exists().where(sales_orders.c.deal_id == deals.c.id),
            )
            .order_by(deals.c.title, deals.c.id)
            .limit(1)
        )
    ).first()
    if deal is None:
        return
    product = await conn.scalar(
        sa.select(products.c.id)
        .where(products.c.currency == deal.currency, products.c.active)
        .order_by(products.c.sku)
        .limit(1)
    )
    if product is None:
        return
    admin = await demo_actor(demo, "tenant_admin")
    draft = services.OrderDraft(lines=[LineInput(product, 1)])
    await services.create_order_from_deal(conn, admin, deal.id, draft)
