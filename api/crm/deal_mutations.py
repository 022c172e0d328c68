"""Mutations of deals and pipelines."""

from __future__ import annotations

from typing import Any

import strawberry

from api.core.context import Info
from api.core.inputs import has_value, sent_or_none
from api.core.payloads import respond
from api.core.relay import local_id, optional_local_id
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
from api.crm.payloads import DEAL, PIPELINE, DealPayload, PipelinePayload
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
            id=optional_local_id(sent_or_none(s.id), "PipelineStage", "stages.id"),
        )
        for s in stages
    ]


def _pipeline_changes(input: UpdatePipelineInput) -> dict[str, Any]:
    """The keys the client sent (null included), the stages as drafts."""
    changes = arguments(input)
    if changes.get("stages") is not None:
        changes["stages"] = _stages(changes["stages"])
    return changes


@strawberry.type
class DealMutation:
    # Every deal use case checks everything before it writes (domain/crm/deals.py), so
    # each runs `checks_first`: no savepoint of its own.
    @strawberry.mutation(metadata={"access": ("Deal", "create")})
    async def create_deal(self, info: Info, input: CreateDealInput) -> DealPayload:
        ctx = info.context
        return await respond(
            info,
            DEAL,
            lambda: deals.create_deal(
                ctx.db, ctx.require_actor(), deals.DealDraft(**arguments(input))
            ),
            checks_first=True,
        )

    @strawberry.mutation(metadata={"access": ("Deal", "update")})
    async def update_deal(self, info: Info, input: UpdateDealInput) -> DealPayload:
        ctx = info.context
        return await respond(
            info,
            DEAL,
            lambda: deals.update_deal(
                ctx.db, ctx.require_actor(), target(input), input.version, **arguments(input)
            ),
            checks_first=True,
        )

    @strawberry.mutation(
        metadata={"access": ("Deal", "move")},
        description="Into another stage of its pipeline; a won or lost stage closes the deal.",
    )
    async def move_deal_stage(self, info: Info, input: MoveDealStageInput) -> DealPayload:
        ctx = info.context
        return await respond(
            info,
            DEAL,
            lambda: deals.move_deal_stage(
                ctx.db,
                ctx.require_actor(),
                target(input),
                version_of(input),
                local_id(input.stage, "PipelineStage", "stage"),
            ),
            checks_first=True,
        )

    @strawberry.mutation(metadata={"access": ("Deal", "win")})
    async def win_deal(self, info: Info, input: WinDealInput) -> DealPayload:
        ctx = info.context
        return await respond(
            info,
            DEAL,
            lambda: deals.win_deal(ctx.db, ctx.require_actor(), target(input), version_of(input)),
            checks_first=True,
        )

    @strawberry.mutation(metadata={"access": ("Deal", "lose")})
    async def lose_deal(self, info: Info, input: LoseDealInput) -> DealPayload:
        ctx = info.context
        return await respond(
            info,
            DEAL,
            lambda: deals.lose_deal(
                ctx.db, ctx.require_actor(), target(input), version_of(input), input.reason
            ),
            checks_first=True,
        )

    @strawberry.mutation(metadata={"access": ("Pipeline", "create")})
    async def create_pipeline(self, info: Info, input: CreatePipelineInput) -> PipelinePayload:
        ctx = info.context
        return await respond(
            info,
            PIPELINE,
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
            PIPELINE,
            lambda: pipelines.update_pipeline(
                ctx.db,
                ctx.require_actor(),
                target(input),
                input.version,
                **_pipeline_changes(input),
            ),
        )
