"""Mutations of deals and pipelines."""

from __future__ import annotations

from typing import Any

import strawberry

from api.core.context import Info
from api.core.inputs import has_value
from api.core.payloads import respond
from api.core.relay import local_id
from api.crm.deal_types import Deal, Pipeline
from api.crm.inputs import (
    CreateDealInput,
    CreatePipelineInput,
    LoseDealInput,
    MoveDealStageInput,
    PipelineStageInput,
    UpdateDealInput,
    UpdatePipelineInput,
    WinDealInput,
    arguments,
    target,
)
from api.crm.payloads import DealPayload, PipelinePayload
from domain.crm import deals, pipelines


def version_of(input: Any) -> int | None:
    """The optional version of a state change (omitted: no check)."""
    return input.version if has_value(input.version) else None


def _stages(stages: list[PipelineStageInput]) -> list[pipelines.StageDraft]:
    return [
        pipelines.StageDraft(
            name=s.name,
            probability=s.probability,
            is_won=bool(s.is_won),
            is_lost=bool(s.is_lost),
            id=local_id(s.id, "PipelineStage", "stages.id") if has_value(s.id) else None,
        )
        for s in stages
    ]


@strawberry.type
class DealMutation:
    @strawberry.mutation(metadata={"access": ("Deal", "create")})
    async def create_deal(self, info: Info, input: CreateDealInput) -> DealPayload:
        ctx = info.context
        return await respond(
            info,
            DealPayload,
            "deal",
            Deal.from_row,
            lambda: deals.create_deal(
                ctx.db, ctx.require_actor(), deals.DealDraft(**arguments(input))
            ),
        )

    @strawberry.mutation(metadata={"access": ("Deal", "update")})
    async def update_deal(self, info: Info, input: UpdateDealInput) -> DealPayload:
        ctx = info.context
        return await respond(
            info,
            DealPayload,
            "deal",
            Deal.from_row,
            lambda: deals.update_deal(
                ctx.db, ctx.require_actor(), target(input), input.version, **arguments(input)
            ),
        )

    @strawberry.mutation(
        metadata={"access": ("Deal", "move")},
        description="Into another stage of its pipeline; a won or lost stage closes the deal.",
    )
    async def move_deal_stage(self, info: Info, input: MoveDealStageInput) -> DealPayload:
        ctx = info.context
        return await respond(
            info,
            DealPayload,
            "deal",
            Deal.from_row,
            lambda: deals.move_deal_stage(
                ctx.db,
                ctx.require_actor(),
                target(input),
                version_of(input),
                local_id(input.stage, "PipelineStage", "stage"),
            ),
        )

    @strawberry.mutation(metadata={"access": ("Deal", "win")})
    async def win_deal(self, info: Info, input: WinDealInput) -> DealPayload:
        ctx = info.context
        return await respond(
            info,
            DealPayload,
            "deal",
            Deal.from_row,
            lambda: deals.win_deal(ctx.db, ctx.require_actor(), target(input), version_of(input)),
        )

    @strawberry.mutation(metadata={"access": ("Deal", "lose")})
    async def lose_deal(self, info: Info, input: LoseDealInput) -> DealPayload:
        ctx = info.context
        return await respond(
            info,
            DealPayload,
            "deal",
            Deal.from_row,
            lambda: deals.lose_deal(
                ctx.db, ctx.require_actor(), target(input), version_of(input), input.reason
            ),
        )

    @strawberry.mutation(metadata={"access": ("Pipeline", "create")})
    async def create_pipeline(self, info: Info, input: CreatePipelineInput) -> PipelinePayload:
        ctx = info.context
        return await respond(
            info,
            PipelinePayload,
            "pipeline",
            Pipeline.from_row,
            lambda: pipelines.create_pipeline(
                ctx.db,
                ctx.require_actor(),
                name=input.name,
                stages=_stages(input.stages),
                is_default=bool(input.is_default),
            ),
        )

    @strawberry.mutation(metadata={"access": ("Pipeline", "update")})
    async def update_pipeline(self, info: Info, input: UpdatePipelineInput) -> PipelinePayload:
        ctx = info.context
        return await respond(
            info,
            PipelinePayload,
            "pipeline",
            Pipeline.from_row,
            lambda: pipelines.update_pipeline(
                ctx.db,
                ctx.require_actor(),
                target(input),
                input.version,
                name=input.name if has_value(input.name) else None,
                is_default=input.is_default if has_value(input.is_default) else None,
                stages=_stages(input.stages) if has_value(input.stages) else None,
            ),
        )
