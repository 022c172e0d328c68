"""The pipeline report as GraphQL types: per stage of one pipeline, the count, amount and
probability-weighted amount of the deals it covers, per currency."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any
from uuid import UUID

import strawberry

from api.core.context import Info
from api.cost import at_most
from api.crm import loaders
from api.crm.deal_types import Pipeline, PipelineStage
from api.crm.filters import PipelineReportFilter
from domain.crm import report
from domain.crm.pipelines import MAX_STAGES
from domain.money import MAX_CURRENCIES

PER_CURRENCY = at_most(MAX_CURRENCIES)


@strawberry.type(description="Deals of one currency.")
class CurrencyAmount:
    currency: str
    count: int
    amount: Decimal
    weighted_amount: Decimal = strawberry.field(description="Sum of amount times probability.")

    @classmethod
    def of(cls, total: report.CurrencyTotal) -> CurrencyAmount:
        return cls(
            currency=total.currency,
            count=total.count,
            amount=total.amount,
            weighted_amount=total.weighted_amount,
        )


@strawberry.type
class PipelineReportStage:
    stage_row: strawberry.Private[Any]
    count: int
    amounts: list[CurrencyAmount] = strawberry.field(metadata=PER_CURRENCY)

    @strawberry.field
    def stage(self) -> PipelineStage | None:
        return PipelineStage.from_row(self.stage_row)


@strawberry.type(description="The sales pipeline, stage by stage, in your record scope.")
class PipelineReport:
    __entity__ = "PipelineReport"

    pipeline_id: strawberry.Private[UUID]
    stages: list[PipelineReportStage] | None = strawberry.field(metadata=at_most(MAX_STAGES))
    totals: list[CurrencyAmount] | None = strawberry.field(metadata=PER_CURRENCY)

    @strawberry.field
    def pipeline(self, info: Info) -> Pipeline | None:
        return loaders.row(info, "Pipeline", self.pipeline_id, Pipeline.from_row)


# what each report adds up: a role that may not read these on a deal may not see sums
# (metadata "reveals" of the root fields, enforced by api.core.access)
REVEALS = {"Deal": ("amount", "currency", "probability", "stage")}
FORECAST_REVEALS = {"Deal": ("amount", "currency", "probability", "expectedCloseOn")}


def _deal_filter(info: Info, f: PipelineReportFilter | None) -> report.ReportFilter:
    ctx = info.context
    return f.to_domain(ctx.require_actor().user_id) if f is not None else report.ReportFilter()


async def pipeline_report(info: Info, f: PipelineReportFilter | None) -> PipelineReport:
    ctx = info.context
    query = _deal_filter(info, f)
    found = await report.pipeline_report(ctx.db, ctx.require_actor(), query)
    return PipelineReport(
        pipeline_id=found.pipeline_id,
        stages=[
            PipelineReportStage(
                stage_row=line.stage,
                count=line.count,
                amounts=[CurrencyAmount.of(t) for t in line.amounts],
            )
            for line in found.stages
        ],
        totals=[CurrencyAmount.of(t) for t in found.totals],
    )


@strawberry.type(description="Open deals expected to close in one month.")
class ForecastMonth:
    month: date = strawberry.field(description="The first day of the month.")
    amounts: list[CurrencyAmount] = strawberry.field(metadata=PER_CURRENCY)


@strawberry.type(
    description="Open deals (unless `filter.status`) by the month they are expected to "
    "close in, per currency, in your record scope."
)
class ForecastReport:
    __entity__ = "ForecastReport"

    months: list[ForecastMonth] | None = strawberry.field(description="In calendar order.")
    undated: list[CurrencyAmount] | None = strawberry.field(
        description="Deals without an expected close date.", metadata=PER_CURRENCY
    )
    totals: list[CurrencyAmount] | None = strawberry.field(metadata=PER_CURRENCY)


async def forecast_report(info: Info, f: PipelineReportFilter | None) -> ForecastReport:
    ctx = info.context
    query = _deal_filter(info, f)
    found = await report.forecast(ctx.db, ctx.require_actor(), query)
    return ForecastReport(
        months=[
            ForecastMonth(month=m.month, amounts=[CurrencyAmount.of(t) for t in m.amounts])
            for m in found.months
        ],
        undated=[CurrencyAmount.of(t) for t in found.undated],
        totals=[CurrencyAmount.of(t) for t in found.totals],
    )
