"""The pipeline report as GraphQL types: per stage of one pipeline, the count, amount and
probability-weighted amount of the deals it covers, per currency."""

from __future__ import annotations

from decimal import Decimal
from typing import Any
from uuid import UUID

import strawberry

from api.crm import loaders
from api.crm.deal_types import Pipeline, PipelineStage
from api.crm.filters import DateRange, PipelineReportFilter, _enums, _id, _ids, _value, given
from api.crm.types import maybe
from domain.crm import report


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
    amounts: list[CurrencyAmount]

    @strawberry.field
    def stage(self) -> PipelineStage | None:
        return PipelineStage.from_row(self.stage_row)


@strawberry.type(description="The sales pipeline, stage by stage, in your record scope.")
class PipelineReport:
    __entity__ = "PipelineReport"

    pipeline_id: strawberry.Private[UUID]
    stages: list[PipelineReportStage] | None
    totals: list[CurrencyAmount] | None

    @strawberry.field
    async def pipeline(self, info: strawberry.Info) -> Pipeline | None:
        return maybe(Pipeline, await loaders.row(info, "Pipeline", self.pipeline_id))


def report_filter(f: PipelineReportFilter | None, user_id: UUID) -> report.ReportFilter:
    if f is None:
        return report.ReportFilter()
    close = f.expected_close_on if given(f.expected_close_on) else DateRange()
    return report.ReportFilter(
        pipeline_id=_id(f.pipeline, "Pipeline"),
        owner_ids=[user_id] if f.owned_by_me else _ids(f.owner, "User"),
        close_from=_value(close.from_),
        close_to=_value(close.to),
        status=_enums(f.status),
    )


async def pipeline_report(info: strawberry.Info, f: PipelineReportFilter | None) -> PipelineReport:
    ctx = info.context
    actor = ctx.require_actor()
    found = await report.pipeline_report(ctx.db, actor, report_filter(f, actor.user_id))
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
