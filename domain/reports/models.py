"""The back-office reports have no tables of their own: each adds up another entity's
rows, within the reader's scope on both (record scope, domain/scope.py)."""

from __future__ import annotations

from domain.entity import Computed
from domain.ownership import ReportOf, Unowned

REPORTS = "domain/reports/repository.py"

# domain/entities.py
ENTITIES = (
    Computed("RevenueReport", ReportOf("Invoice"), REPORTS),
    Computed("ArAgingReport", ReportOf("Invoice"), REPORTS),
    Computed(
        "StockValuationReport",
        Unowned("stock and its cost are the tenant's, nobody's own"),
        REPORTS,
    ),
)
