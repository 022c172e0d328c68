"""Mutations of deals and pipelines."""

from __future__ import annotations

from typing import Any

import strawberry

from api.core.relay import local_id
from api.crm.deal_types import Deal, Pipeline
from api.crm.filters import given
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
from api.crm.payloads import DealPayload, PipelinePayload, respond
from domain.crm import deals, pipelines


def version_of(input: Any) -> int | None:
    """The optional version of a state change (omitted: no check)."""
    return input.version if given(input.version) else None


def _stages(stages: list[PipelineStageInput]) -> list[pipelines.StageDraft]:
    return [
        pipelines.StageDraft(
            name=s.name,
            probability=s.probability,
            is_won=bool(s.is_won),
            is_lost=bool(s.is_lost),
            id=local_id(s.id, "PipelineStage", "stages.id") if given(s.id) else None,
        )
        for s in stages
    ]


@strawberry.type
class DealMutation:
    @strawberry.mutation(metadata={"access": ("Deal", "create")})
    async def create_deal(self, info: strawberry.Info, input: CreateDealInput) -> DealPayload:
        ctx = info.context
        return await respond(
            info,
            DealPayload,
            Deal,
            lambda: deals.create_deal(
                ctx.db, ctx.require_actor(), deals.DealDraft(**arguments(input))
            ),
        )

    @strawberry.mutation(metadata={"access": ("Deal", "update")})
    async def update_deal(self, info: strawberry.Info, input: UpdateDealInput) -> DealPayload:
        ctx = info.context
        return await respond(
            info,
            DealPayload,
            Deal,
            lambda: deals.update_deal(
                ctx.db, ctx.require_actor(), target(input), input.version, **arguments(input)
            ),
        )

    @strawberry.mutation(
        metadata={"access": ("Deal", "move")},
        description="Into another stage of its pipeline; a won or lost stage closes the deal.",
    )
    async def move_deal_stage(
        self, info: strawberry.Info, input: MoveDealStageInput
    ) -> DealPayload:
        ctx = info.context
        return await respond(
            info,
            DealPayload,
            Deal,
            lambda: deals.move_deal_stage(
                ctx.db,
                ctx.require_actor(),
                target(input),
                version_of(input),
                local_id(input.stage, "PipelineStage", "stage"),
            ),
        )

    @strawberry.mutation(metadata={"access": ("Deal", "win")})
    async def win_deal(self, info: strawberry.Info, input: WinDealInput) -> DealPayload:
        ctx = info.context
        return await respond(
            info,
            DealPayload,
            Deal,
            lambda: deals.win_deal(ctx.db, ctx.require_actor(), target(input), version_of(input)),
        )

    @strawberry.mutation(metadata={"access": ("Deal", "lose")})
    async def lose_deal(self, info: strawberry.Info, input: LoseDealInput) -> DealPayload:
        ctx = info.context
        return await respond(
            info,
            DealPayload,
            Deal,
            lambda: deals.lose_deal(
                ctx.db, ctx.require_actor(), target(input), version_of(input), input.reason
            ),
        )

    @strawberry.mutation(metadata={"access": ("Pipeline", "create")})
    async def create_pipeline(
        self, info: strawberry.Info, input: CreatePipelineInput
    ) -> PipelinePayload:
        ctx = info.context
        return await respond(
            info,
            PipelinePayload,
            Pipeline,
            lambda: pipelines.create_pipeline(
                ctx.db,
                ctx.require_actor(),
                name=input.name,
                stages=_stages(input.stages),
                is_default=bool(input.is_default),
            ),
        )

    @strawberry.mutation(metadata={"access": ("Pipeline", "update")})
    async def update_pipeline(
        self, info: strawberry.Info, input: UpdatePipelineInput
    ) -> PipelinePayload:
        ctx = info.context
        return await respond(
            info,
            PipelinePayload,
            Pipeline,
            lambda: pipelines.update_pipeline(
                ctx.db,
                ctx.require_actor(),
                target(input),
                input.version,
                name=input.name if given(input.name) else None,
                is_default=input.is_default if given(input.is_default) else None,
                stages=_stages(input.stages) if given(input.stages) else None,
            ),
        )
