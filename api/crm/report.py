"""The pipeline report as GraphQL types: per stage of one pipeline, the count, amount and
probability-weighted amount of the deals it covers, per currency."""

from __future__ import annotations

from decimal import Decimal
from typing import Any
from uuid import UUID

import strawberry

from api.crm import loaders
from api.crm.deal_types import Pipeline, PipelineStage
from api.crm.filters import PipelineReportFilter
from api.errors import forbidden
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
    def pipeline(self, info: strawberry.Info) -> Pipeline | None:
        return loaders.row(info, "Pipeline", self.pipeline_id, Pipeline.from_row)


# what the report adds up: a role that may not read these on a deal may not see their sums
REVEALS = ("amount", "currency", "probability", "stage")


async def pipeline_report(info: strawberry.Info, f: PipelineReportFilter | None) -> PipelineReport:
    ctx = info.context
    hidden = [name for name in REVEALS if not ctx.policy.can_read("Deal", name)]
    if hidden:
        raise forbidden(
            f"The pipeline report reveals Deal.{hidden[0]}, which your role may not read."
        )
    actor = ctx.require_actor()
    query = f.to_domain(actor.user_id) if f is not None else report.ReportFilter()
    found = await report.pipeline_report(ctx.db, actor, query)
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
