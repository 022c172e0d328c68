"""Back-office aggregate reports. Each is an entity so a role's access to it is data, and
each is read only by a role that may also read every field it sums (api/reports/types.py:
revenue sums payments and credit notes, so it stays accounting's; the warehouse reads
valuation; sales managers read aging). The order margin report is no entity: it shows
single orders' margins, so `SalesOrder.margin` decides who reads it."""

from tenants.access.catalog import Area, EntitySpec, Grant

REVENUE = ("month", "currency", "invoiced", "paid")
AGING = ("currency", "current", "days1To30", "days31To60", "days61To90", "over90", "total")
VALUATION = ("product", "warehouse", "onHand", "unitCost", "value", "currency")


def _report(name: str, fields: tuple[str, ...]) -> EntitySpec:
    return EntitySpec(name, {"rows": fields}, actions=("read",), readonly=fields)


AREA = Area(
    entities=(
        _report("RevenueReport", REVENUE),
        _report("ArAgingReport", AGING),
        _report("StockValuationReport", VALUATION),
    ),
    grants={
        "sales_manager": (Grant("ArAgingReport", "read"),),
        "accountant": (
            Grant("RevenueReport", "read"),
            Grant("ArAgingReport", "read"),
            Grant("StockValuationReport", "read"),
        ),
        "warehouse": (Grant("StockValuationReport", "read"),),
    },
)
