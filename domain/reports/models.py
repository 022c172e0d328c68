"""The back-office reports have no tables of their own: each adds up another entity's
rows, within the reader's scope on both (record scope, domain/scope.py)."""

from __future__ import annotations

from domain.ownership import Ownership, ReportOf, Unowned

OWNERSHIP: dict[str, Ownership] = {
    "RevenueReport": ReportOf("Invoice"),
    "ArAgingReport": ReportOf("Invoice"),
    "StockValuationReport": Unowned("stock and its cost are the tenant's, nobody's own"),
}
