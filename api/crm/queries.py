"""CRM queries: the lists (keyset connections with typed filter and orderBy, within the
caller's record scope) and the pipeline report."""

from __future__ import annotations

from typing import Any

import strawberry

from api.compiled.sources import listing
from api.core.context import Info
from api.core.relay import Connection, connection, page_request
from api.crm.deal_types import Deal, Pipeline
from api.crm.filters import (
    ActivityFilter,
    ActivityOrder,
    ContactFilter,
    ContactOrder,
    CustomerFilter,
    CustomerOrder,
    DealFilter,
    DealOrder,
    LeadFilter,
    LeadOrder,
    PipelineFilter,
    PipelineOrder,
    PipelineReportFilter,
    sort,
)
from api.crm.report import (
    FORECAST_REVEALS,
    REVEALS,
    ForecastReport,
    PipelineReport,
    forecast_report,
    pipeline_report,
)
from api.crm.types import Activity, Contact, Customer, Lead
from api.timeouts import long_running
from domain.crm import repository
from domain.pagination import Listing, run_listing
from tenants.principal import Actor


async def _page(
    info: Info,
    entity: str,
    kind: Any,
    filter: Any,
    order_by: Any,
    paging: tuple[int | None, str | None, int | None, str | None],
) -> Connection[Any]:
    ctx = info.context
    actor = ctx.require_actor()
    page = page_request(info, *paging)
    rows = _listing(actor, entity, filter, order_by)
    repository.check_cursor(page, rows)
    found = await run_listing(ctx.db, rows, page)
    return await connection(info, found, kind.from_row)


def _listing(actor: Actor, entity: str, filter: Any, order_by: Any) -> Listing:
    """The rows of a list: the resolver pages them, the compiled read path selects from them."""
    where = filter.to_domain(actor.user_id) if filter is not None else None
    return repository.listing(actor, entity, where, sort(order_by))


def _compiled(entity: str) -> Any:
    return listing(
        entity,
        lambda actor, filter, order_by: _listing(actor, entity, filter, order_by),
        repository.check_cursor,
    )


@strawberry.type
class Query:
    @strawberry.field(
        description="Leads in your record scope, newest first unless `orderBy`.",
        metadata=_compiled("Lead"),
    )
    async def leads(
        self,
        info: Info,
        filter: LeadFilter | None = None,
        order_by: LeadOrder | None = None,
        first: int | None = None,
        after: str | None = None,
        last: int | None = None,
        before: str | None = None,
    ) -> Connection[Lead] | None:
        return await _page(info, "Lead", Lead, filter, order_by, (first, after, last, before))

    @strawberry.field(
        description="Customers, newest first unless `orderBy`.", metadata=_compiled("Customer")
    )
    async def customers(
        self,
        info: Info,
        filter: CustomerFilter | None = None,
        order_by: CustomerOrder | None = None,
        first: int | None = None,
        after: str | None = None,
        last: int | None = None,
        before: str | None = None,
    ) -> Connection[Customer] | None:
        paging = (first, after, last, before)
        return await _page(info, "Customer", Customer, filter, order_by, paging)

    @strawberry.field(
        description="Contacts, newest first unless `orderBy`.", metadata=_compiled("Contact")
    )
    async def contacts(
        self,
        info: Info,
        filter: ContactFilter | None = None,
        order_by: ContactOrder | None = None,
        first: int | None = None,
        after: str | None = None,
        last: int | None = None,
        before: str | None = None,
    ) -> Connection[Contact] | None:
        paging = (first, after, last, before)
        return await _page(info, "Contact", Contact, filter, order_by, paging)

    @strawberry.field(
        description="Deals in your record scope, newest first unless `orderBy`.",
        metadata=_compiled("Deal"),
    )
    async def deals(
        self,
        info: Info,
        filter: DealFilter | None = None,
        order_by: DealOrder | None = None,
        first: int | None = None,
        after: str | None = None,
        last: int | None = None,
        before: str | None = None,
    ) -> Connection[Deal] | None:
        return await _page(info, "Deal", Deal, filter, order_by, (first, after, last, before))

    @strawberry.field(
        description="Activities in your record scope, newest first unless `orderBy`. "
        "My overdue follow-ups: `filter: {assignedToMe: true, overdue: true}`.",
        metadata=_compiled("Activity"),
    )
    async def activities(
        self,
        info: Info,
        filter: ActivityFilter | None = None,
        order_by: ActivityOrder | None = None,
        first: int | None = None,
        after: str | None = None,
        last: int | None = None,
        before: str | None = None,
    ) -> Connection[Activity] | None:
        paging = (first, after, last, before)
        return await _page(info, "Activity", Activity, filter, order_by, paging)

    @strawberry.field(
        description="Sales pipelines, newest first unless `orderBy`.",
        metadata=_compiled("Pipeline"),
    )
    async def pipelines(
        self,
        info: Info,
        filter: PipelineFilter | None = None,
        order_by: PipelineOrder | None = None,
        first: int | None = None,
        after: str | None = None,
        last: int | None = None,
        before: str | None = None,
    ) -> Connection[Pipeline] | None:
        paging = (first, after, last, before)
        return await _page(info, "Pipeline", Pipeline, filter, order_by, paging)

    @strawberry.field(
        metadata={"access": ("PipelineReport", "read"), "reveals": REVEALS, **long_running()},
        description="Count, amount and probability-weighted amount of deals per stage of one "
        "pipeline (the default one unless `filter.pipeline`), within your record scope.",
    )
    async def pipeline_report(
        self, info: Info, filter: PipelineReportFilter | None = None
    ) -> PipelineReport | None:
        return await pipeline_report(info, filter)

    @strawberry.field(
        metadata={
            "access": ("ForecastReport", "read"),
            "reveals": FORECAST_REVEALS,
            **long_running(),
        },
        description="Open deals by the month they are expected to close in: count, amount "
        "and probability-weighted amount per currency, within your record scope (all "
        "pipelines unless `filter.pipeline`; other statuses with `filter.status`).",
    )
    async def forecast_report(
        self, info: Info, filter: PipelineReportFilter | None = None
    ) -> ForecastReport | None:
        return await forecast_report(info, filter)
