"""Inventory: products, warehouses, stock levels and the stock movement ledger.

Sales sees what it needs to sell (sku, name, price, stock available to promise);
costs and the movement ledger stay with accounting and the warehouse (ACCESS.md).
"""

from tenants.access.catalog import Area, EntitySpec, Grant

PRODUCT_CATALOG = (
    "sku",
    "name",
    "description",
    "unitPrice",
    "currency",
    "active",
    "reorderPoint",
    "createdAt",
    "version",
)
PRODUCT_STOCK = ("onHand", "reserved", "available", "stockLevels")
LEVEL = ("product", "warehouse", "onHand", "reserved", "available")
LEDGER = (
    "product",
    "warehouse",
    "kind",
    "quantity",
    "reservedChange",
    "reason",
    "order",
    "createdAt",
    "createdBy",
)
STOCK_ACTIONS = ("read", "receive", "adjust", "transfer")

AREA = Area(
    entities=(
        EntitySpec(
            "Product",
            {"catalog": PRODUCT_CATALOG, "cost": ("unitCost",), "stock": PRODUCT_STOCK},
            actions=("read", "create", "update"),
            readonly=("createdAt", "version", *PRODUCT_STOCK),
        ),
        EntitySpec(
            "Warehouse",
            {"site": ("code", "name", "createdAt"), "stock": ("stockLevels",)},
            actions=("read", "create", "update"),
            readonly=("createdAt", "stockLevels"),
        ),
        EntitySpec(
            "StockLevel",
            {"level": LEVEL},
            actions=("read",),
            readonly=LEVEL,
        ),
        EntitySpec(
            "StockMovement",
            {"ledger": LEDGER},
            actions=STOCK_ACTIONS,
            readonly=tuple(f for f in LEDGER if f not in ("quantity", "reason")),
            description="Append-only: receive, adjust and transfer write movements; nothing edits them.",
        ),
    ),
    grants={
        "sales_rep": (
            Grant("Product", "read", read=("catalog", "stock")),
            Grant("Warehouse", "read"),
            Grant("StockLevel", "read"),
        ),
        "sales_manager": (
            Grant("Product", "read", read=("catalog", "stock")),
            Grant("Warehouse", "read"),
            Grant("StockLevel", "read"),
        ),
        "accountant": (
            Grant("Product", "read create update", write=("catalog", "cost")),
            Grant("Warehouse", "read"),
            Grant("StockLevel", "read"),
            Grant("StockMovement", "read"),
        ),
        "warehouse": (
            Grant("Product", "read create update", write=("catalog",)),
            Grant("Warehouse", "read create update", write=("site",)),
            Grant("StockLevel", "read"),
            Grant("StockMovement", " ".join(STOCK_ACTIONS), write=("quantity", "reason")),
        ),
    },
)
