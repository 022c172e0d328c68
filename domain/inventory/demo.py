"""Demo inventory: two warehouses, a small catalogue and its opening stock, written
through the services so the stock ledger starts in step with the levels."""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING

from domain.inventory import services
from domain.inventory.repository import is_low_stock
from tenants.principal import Actor, PolicyCache, Principal, load_actor

if TYPE_CHECKING:
    from domain.demo_seed import DemoSeed

WAREHOUSES = (("MAIN", "Main warehouse"), ("EAST", "East depot"))
# sku, name, unit price, unit cost, reorder point, units in MAIN, units in EAST; in the
# tenant's home currency. Lamps, docks and headsets start with no more available than
# their reorder point, so `products(filter: {lowStock: true})` has something to show
# (the demo orders leave them alone, so nothing is reserved of them).
PRODUCTS = (
    ("DESK-OAK", "Oak desk", "420.00", "250.00", 5, 40, 20),
    ("CHAIR-ERG", "Ergonomic chair", "289.00", "160.00", 10, 60, 25),
    ("LAMP-LED", "LED desk lamp", "39.90", "14.50", 20, 15, 0),
    ("MON-27", "27-inch monitor", "249.00", "185.00", 8, 40, 20),
    ("CABLE-USB", "USB-C cable", "9.99", "1.80", 50, 400, 120),
    ("DOCK-USB", "USB-C dock", "129.00", "70.00", 5, 3, 0),
    ("KEYB-MEC", "Mechanical keyboard", "89.00", "38.00", 10, 50, 25),
    ("HEADSET", "Wireless headset", "149.00", "72.00", 6, 4, 2),
    ("CAM-4K", "4K webcam", "119.00", "55.00", 6, 30, 20),
    ("SHELF-MET", "Metal shelving unit", "210.00", "120.00", 3, 20, 10),
)
# what is also sold in the export currency (SKU suffixed with it), stocked in MAIN
EXPORT = ("DESK-OAK", "CHAIR-ERG", "MON-27", "CABLE-USB", "KEYB-MEC")
LOW_STOCK = frozenset(p[0] for p in PRODUCTS if is_low_stock(p[5] + p[6], p[4]))


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
    home, export = demo.currencies
    items = [(home, "", p) for p in PRODUCTS]
    items += [(export, f"-{export}", (*p[:6], 0)) for p in PRODUCTS if p[0] in EXPORT]
    for currency, suffix, (sku, name, price, cost, reorder, *units) in items:
        product = await services.create_product(
            conn,
            admin,
            {
                "sku": sku + suffix,
                "name": name,
                "unit_price": Decimal(price),
                "unit_cost": Decimal(cost),
                "currency": currency,
                "reorder_point": reorder,
            },
        )
        for site, quantity in zip(sites, units, strict=True):
            if quantity:
                await services.receive_stock(
                    conn, actor, product.id, site.id, quantity, "opening stock"
                )
