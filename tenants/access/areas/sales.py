"""Sales orders: drafted and confirmed by sales, shipped by the warehouse, cancelled by
managers and accounting. Cost and margin are back-office fields (ACCESS.md). Confirming
over a customer's credit limit is for those who set the limits: accounting and the
tenant admin, not sales (which only reads the limit)."""

from tenants.access.catalog import Area, EntitySpec, Grant

ORDER = (
    "customer",
    "deal",
    "owner",
    "warehouse",
    "status",
    "currency",
    "notes",
    "lines",
    "subtotal",
    "taxTotal",
    "total",
    "invoices",
    "confirmedAt",
    "fulfilledAt",
    "cancelledAt",
    "createdAt",
    "version",
)
# what creating or editing a draft writes (customer, deal and warehouse by their ids)
ORDER_WRITABLE = ("customer", "deal", "warehouse", "currency", "notes", "lines")
LINE = (
    "product",
    "quantity",
    "unitPrice",
    "discountPercent",
    "taxRate",
    "subtotal",
    "tax",
    "total",
)
LINE_WRITABLE = ("product", "quantity", "unitPrice", "discountPercent", "taxRate")
COST = ("cost", "margin")

AREA = Area(
    entities=(
        EntitySpec(
            "SalesOrder",
            {"order": ORDER, "cost": COST},
            # override_credit_limit: confirm over the customer's credit limit (domain.sales.credit)
            actions=(
                "read",
                "create",
                "update",
                "confirm",
                "fulfill",
                "cancel",
                "override_credit_limit",
            ),
            readonly=tuple(f for f in ORDER if f not in ORDER_WRITABLE) + COST,
        ),
        EntitySpec(
            "SalesOrderLine",
            {"line": LINE, "cost": ("unitCost", *COST)},
            actions=("read",),
            readonly=(*(f for f in LINE if f not in LINE_WRITABLE), "unitCost", *COST),
        ),
    ),
    grants={
        "sales_rep": (
            Grant(
                "SalesOrder",
                "read create update confirm",
                scope="own",
                read=("order",),
                write=ORDER_WRITABLE,
            ),
            Grant("SalesOrderLine", "read", scope="own", read=("line",), write=LINE_WRITABLE),
        ),
        "sales_manager": (
            Grant("SalesOrder", "read create update confirm cancel", write=ORDER_WRITABLE),
            Grant("SalesOrderLine", "read", write=LINE_WRITABLE),
        ),
        "accountant": (
            # accounting sets credit limits (ACCESS.md), so it may waive them: with
            # confirm in a custom role copied from this one, it releases held orders
            Grant("SalesOrder", "read cancel override_credit_limit"),
            Grant("SalesOrderLine", "read"),
        ),
        "warehouse": (
            Grant("SalesOrder", "read fulfill", read=("order",)),
            Grant("SalesOrderLine", "read", read=("line",)),
        ),
    },
)
