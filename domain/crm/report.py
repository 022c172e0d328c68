"""The pipeline report (count, amount and probability-weighted amount of deals per
stage of one pipeline) and the forecast (the same for open deals, by the month they
are expected to close in). Per currency: amounts of different currencies never add up."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any
from uuid import UUID

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncConnection

from domain.crm import pipelines as pl
from domain.crm.models import deals, pipeline_stages
from domain.money import round_money
from domain.scope import in_scope
from tenants.principal import Actor

ENTITY = "PipelineReport"


@dataclass(frozen=True)
class ReportFilter:
    pipeline_id: UUID | None = None
    owner_ids: Sequence[UUID] | None = None
    close_from: date | None = None
    close_to: date | None = None
    status: Sequence[str] | None = None


@dataclass(frozen=True)
class CurrencyTotal:
    currency: str
    count: int
    amount: Decimal
    weighted_amount: Decimal


@dataclass
class StageLine:
    stage: Any  # a pipeline_stages row
    count: int = 0
    amounts: list[CurrencyTotal] = field(default_factory=list)


@dataclass(frozen=True)
class Report:
    pipeline_id: UUID
    stages: list[StageLine]
    totals: list[CurrencyTotal]

    @property
    def count(self) -> int:
        return sum(line.count for line in self.stages)


def _conditions(actor: Actor, f: ReportFilter, pipeline_id: UUID) -> list[Any]:
    return [deals.c.pipeline_id == pipeline_id, *_scope_and_filter(actor, ENTITY, f)]


def _scope_and_filter(actor: Actor, entity: str, f: ReportFilter) -> list[Any]:
    # the report's record scope, never wider than the role's on Deal (domain/scope.py)
    out: list[Any] = [in_scope(actor, entity)]
    if f.owner_ids is not None:
        out.append(deals.c.owner_id.in_(list(f.owner_ids)))
    if f.close_from is not None:
        out.append(deals.c.expected_close_on >= f.close_from)
    if f.close_to is not None:
        out.append(deals.c.expected_close_on <= f.close_to)
    if f.status is not None:
        out.append(deals.c.status.in_(list(f.status)))
    return out


async def pipeline_report(conn: AsyncConnection, actor: Actor, f: ReportFilter) -> Report:
    """Two statements: the pipeline's stages, and the deals grouped by stage and currency."""
    pipeline_id = f.pipeline_id
    if pipeline_id is None:
        pipeline_id = await pl.default_pipeline_id(conn)
    else:
        await pl.get_pipeline(conn, pipeline_id)
    stages = {
        row.id: StageLine(row)
        for row in await conn.execute(
            sa.select(pipeline_stages)
            .where(pipeline_stages.c.pipeline_id == pipeline_id)
            .order_by(pipeline_stages.c.position)
        )
    }
    query = (
        sa.select(
            deals.c.stage_id,
            deals.c.currency,
            sa.func.count().label("n"),
            sa.func.sum(deals.c.amount).label("amount"),
            sa.func.sum(deals.c.amount * deals.c.probability / 100).label("weighted"),
        )
        .where(*_conditions(actor, f, pipeline_id))
        .group_by(deals.c.stage_id, deals.c.currency)
        .order_by(deals.c.stage_id, deals.c.currency)
    )
    totals: dict[str, list[Any]] = {}
    for row in await conn.execute(query):
        line = stages[row.stage_id]
        line.count += row.n
        line.amounts.append(
            CurrencyTotal(
                row.currency,
                row.n,
                round_money(row.amount, row.currency),
                round_money(row.weighted, row.currency),
            )
        )
        total = totals.setdefault(row.currency, [0, Decimal(0), Decimal(0)])
        total[0] += row.n
        total[1] += row.amount
        total[2] += row.weighted
    return Report(pipeline_id=pipeline_id, stages=list(stages.values()), totals=_totals(totals))


FORECAST = "ForecastReport"


@dataclass(frozen=True)
class ForecastMonth:
    month: date  # the first day of the month the deals are expected to close in
    amounts: list[CurrencyTotal]


@dataclass(frozen=True)
class Forecast:
    months: list[ForecastMonth]  # in calendar order
    undated: list[CurrencyTotal]  # deals without an expected close date
    totals: list[CurrencyTotal]


async def forecast(conn: AsyncConnection, actor: Actor, f: ReportFilter) -> Forecast:
    """Open deals (unless `f.status` says otherwise) by the month they are expected to
    close in, per currency: count, amount and probability-weighted amount. All
    pipelines unless `f.pipeline_id`. One statement."""
    conditions = _scope_and_filter(actor, FORECAST, f)
    if f.pipeline_id is not None:
        conditions.append(deals.c.pipeline_id == f.pipeline_id)
    if f.status is None:
        conditions.append(deals.c.status == "open")
    # via timestamp without time zone: the month must not depend on the session's zone
    day = sa.cast(deals.c.expected_close_on, sa.DateTime(timezone=False))
    month = sa.cast(sa.func.date_trunc("month", day), sa.Date).label("month")
    query = (
        sa.select(
            month,
            deals.c.currency,
            sa.func.count().label("n"),
            sa.func.sum(deals.c.amount).label("amount"),
            sa.func.sum(deals.c.amount * deals.c.probability / 100).label("weighted"),
        )
        .where(*conditions)
        .group_by(month, deals.c.currency)
        .order_by(month.asc().nulls_last(), deals.c.currency)
    )
    months: dict[date, list[CurrencyTotal]] = {}
    undated: list[CurrencyTotal] = []
    totals: dict[str, list[Any]] = {}
    for row in await conn.execute(query):
        line = CurrencyTotal(
            row.currency,
            row.n,
            round_money(row.amount, row.currency),
            round_money(row.weighted, row.currency),
        )
        if row.month is None:
            undated.append(line)
        else:
            months.setdefault(row.month, []).append(line)
        total = totals.setdefault(row.currency, [0, Decimal(0), Decimal(0)])
        total[0] += row.n
        total[1] += row.amount
        total[2] += row.weighted
    return Forecast(
        months=[ForecastMonth(m, lines) for m, lines in months.items()],
        undated=undated,
        totals=_totals(totals),
    )


def _totals(totals: dict[str, list[Any]]) -> list[CurrencyTotal]:
    return [
        CurrencyTotal(code, n, round_money(a, code), round_money(w, code))
        for code, (n, a, w) in sorted(totals.items())
    ]
