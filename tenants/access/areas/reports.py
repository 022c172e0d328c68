"""Back-office reports. Each is an entity so a role's access to it is data (ACCESS.md:
revenue, AR aging, margins and stock valuation are accounting's; the warehouse reads
valuation; sales managers read revenue and aging but not margins)."""

from tenants.access.catalog import Area, EntitySpec, Grant

REVENUE = ("month", "currency", "invoiced", "paid")
AGING = ("currency", "current", "days1To30", "days31To60", "days61To90", "over90", "total")
VALUATION = ("product", "warehouse", "onHand", "unitCost", "value", "currency")
MARGIN = ("order", "currency", "revenue", "cost", "margin", "marginPercent")


def _report(name: str, fields: tuple[str, ...]) -> EntitySpec:
    return EntitySpec(name, {"rows": fields}, actions=("read",), readonly=fields)


AREA = Area(
    entities=(
        _report("RevenueReport", REVENUE),
        _report("ArAgingReport", AGING),
        _report("StockValuationReport", VALUATION),
        _report("OrderMarginReport", MARGIN),
    ),
    grants={
        "sales_manager": (Grant("RevenueReport", "read"), Grant("ArAgingReport", "read")),
        "accountant": (
            Grant("RevenueReport", "read"),
            Grant("ArAgingReport", "read"),
            Grant("StockValuationReport", "read"),
            Grant("OrderMarginReport", "read"),
        ),
        "warehouse": (Grant("StockValuationReport", "read"),),
    },
)
