"""Demo inventory: two warehouses, a small catalogue and its opening stock, written
through the services so the stock ledger starts in step with the levels."""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING

from domain.inventory import services
from tenants.principal import Actor, PolicyCache, Principal, load_actor

if TYPE_CHECKING:
    from domain.demo import DemoSeed

WAREHOUSES = (("MAIN", "Main warehouse"), ("EAST", "East depot"))
# sku, name, unit price, unit cost, reorder point, units in MAIN, units in EAST
PRODUCTS = (
    ("DESK-OAK", "Oak desk", "420.00", "250.00", 5, 12, 4),
    ("CHAIR-ERG", "Ergonomic chair", "289.00", "160.00", 10, 30, 8),
    ("LAMP-LED", "LED desk lamp", "39.90", "14.50", 20, 15, 0),
    ("MON-27", "27-inch monitor", "249.00", "185.00", 8, 6, 6),
    ("CABLE-USB", "USB-C cable", "9.99", "1.80", 50, 400, 120),
    ("DOCK-USB", "USB-C dock", "129.00", "70.00", 5, 3, 0),
)
CURRENCY = "USD"


async def demo_actor(demo: DemoSeed, role_key: str) -> Actor:
    actor = await load_actor(
        demo.conn, Principal(demo.tenant_id, demo.users[role_key]), PolicyCache()
    )
    assert actor is not None
    return actor


async def seed(demo: DemoSeed) -> None:
    actor = await demo_actor(demo, "warehouse")
    conn = demo.conn
    sites = [await services.create_warehouse(conn, actor, code, name) for code, name in WAREHOUSES]
    admin = await demo_actor(demo, "tenant_admin")  # the warehouse role may not set costs
    for sku, name, price, cost, reorder, *units in PRODUCTS:
        product = await services.create_product(
            conn,
            admin,
            {
                "sku": sku,
                "name": name,
                "unit_price": Decimal(price),
                "unit_cost": Decimal(cost),
                "currency": CURRENCY,
                "reorder_point": reorder,
            },
        )
        for site, quantity in zip(sites, units, strict=True):
            if quantity:
                await services.receive_stock(
                    conn, actor, product.id, site.id, quantity, "opening stock"
                )
