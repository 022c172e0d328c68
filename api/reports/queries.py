"""Back-office reports; who reads which: the fields each reveals (api/reports/types.py)
and, for the aggregates, the catalog (tenants/access/areas/reports.py)."""

from __future__ import annotations

from datetime import date, timedelta

import strawberry

from api.billing.types import copied
from api.core.context import Info
from api.core.relay import with_relations
from api.cost import at_most
from api.errors import bad_input
from api.reports import types as t
from api.timeouts import long_running
from domain.billing.repository import today_utc
from domain.money import MAX_CURRENCIES
from domain.reports import repository as reports


def _range(since: date | None, until: date | None) -> tuple[date, date]:
    """Defaults to the last twelve months, this one included."""
    until = until or today_utc()
    since = since or (until.replace(day=1) - timedelta(days=334)).replace(day=1)
    if since > until:
        raise bad_input("`since` must not be after `until`.", argument="since")
    return since, until


@strawberry.type
class Query:
    @strawberry.field(
        description="Invoiced and paid per month and currency (default: the last 12 months).",
        metadata={
            "access": ("RevenueReport", "read"),
            "reveals": t.REVENUE_REVEALS,
            **long_running(),
        },
    )
    async def revenue_report(
        self, info: Info, since: date | None = None, until: date | None = None
    ) -> list[t.RevenueReport] | None:
        rows = await reports.revenue_by_month(
            info.context.db, info.context.require_actor(), *_range(since, until)
        )
        return [copied(t.RevenueReport, r) for r in rows]

    @strawberry.field(
        description="Open receivables by days past due, per currency, as of a day (default today).",
        metadata={
            "access": ("ArAgingReport", "read"),
            "reveals": t.AGING_REVEALS,
            **at_most(MAX_CURRENCIES),  # one row per currency
            **long_running(),
        },
    )
    async def ar_aging_report(
        self, info: Info, as_of: date | None = None
    ) -> list[t.ArAgingReport] | None:
        rows = await reports.receivables_aging(
            info.context.db, info.context.require_actor(), as_of or today_utc()
        )
        return [copied(t.ArAgingReport, r) for r in rows]

    @strawberry.field(
        description="Stock on hand valued at unit cost, per product and warehouse.",
        metadata={
            "access": ("StockValuationReport", "read"),
            "reveals": t.VALUATION_REVEALS,
            **long_running(),
        },
    )
    async def stock_valuation_report(self, info: Info) -> list[t.StockValuationReport] | None:
        rows = await reports.stock_valuation(info.context.db, info.context.require_actor())
        valuation = [
            t.StockValuationReport(
                product_id=r.product_id,
                warehouse_id=r.warehouse_id,
                on_hand=r.on_hand,
                unit_cost=r.unit_cost,
                value=r.value,
                currency=r.currency,
            )
            for r in rows
        ]
        return await with_relations(info, valuation)

    @strawberry.field(
        description="Margins of confirmed and fulfilled orders created in a period.",
        metadata={
            "access": ("SalesOrder", "read"),
            "reveals": t.MARGIN_REVEALS,
            **long_running(),
        },
    )
    async def order_margin_report(
        self,
        info: Info,
        since: date | None = None,
        until: date | None = None,
        first: int = 50,
    ) -> list[t.OrderMarginReport] | None:
        if not 0 <= first <= info.context.settings.max_page_size:
            raise bad_input(
                f"`first` must be between 0 and {info.context.settings.max_page_size}.",
                argument="first",
            )
        rows = await reports.order_margins(
            info.context.db, info.context.require_actor(), *_range(since, until), first
        )
        margins = [
            t.OrderMarginReport(
                order_id=r.id,
                currency=r.currency,
                revenue=r.revenue,
                cost=r.cost,
                margin=r.revenue - r.cost,
                margin_percent=reports.margin_percent(r.revenue, r.revenue - r.cost),
            )
            for r in rows
        ]
        return await with_relations(info, margins)
