"""Pipelines and their ordered stages."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any
from uuid import UUID

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncConnection

from domain.crm.errors import CrmError
from domain.crm.models import deal_stage_changes, deals, pipeline_stages, pipelines
from domain.errors import DomainError, NotFound
from domain.kit.checks import not_null, percent, required_text
from domain.kit.patch import UNSET, given
from domain.kit.rows import fetch_one, update_versioned
from tenants.principal import Actor

# A pipeline has at most this many stages: every write of its stages goes through
# _stage_values, which refuses more (TOO_MANY_STAGES); api/cost.py counts it.
MAX_STAGES = 50


@dataclass(frozen=True)
class StageDraft:
    name: str
    probability: Decimal | str
    is_won: bool = False
    is_lost: bool = False
    id: UUID | None = None  # an existing stage (updatePipeline)


def _stage_values(drafts: list[StageDraft]) -> list[dict[str, Any]]:
    if not drafts:
        raise DomainError("A pipeline needs at least one stage.", field="stages")
    if len(drafts) > MAX_STAGES:
        raise DomainError(
            f"A pipeline has at most {MAX_STAGES} stages.",
            field="stages",
            code=CrmError.TOO_MANY_STAGES,
        )
    names: set[str] = set()
    out = []
    for position, draft in enumerate(drafts):
        name = required_text(draft.name, "stages.name", max_length=100)
        if name.lower() in names:
            raise DomainError(f"Stage {name!r} appears twice.", field="stages.name")
        names.add(name.lower())
        probability = percent(draft.probability, "stages.probability")
        if draft.is_won and draft.is_lost:
            raise DomainError(f"Stage {name!r} cannot be both won and lost.", field="stages")
        out.append(
            {
                "id": draft.id,
                "name": name,
                "position": position,
                "probability": probability,
                "is_won": draft.is_won,
                "is_lost": draft.is_lost,
            }
        )
    if all(v["is_won"] or v["is_lost"] for v in out):
        raise DomainError("A pipeline needs at least one open stage.", field="stages")
    for flag in ("is_won", "is_lost"):
        if sum(1 for v in out if v[flag]) > 1:
            raise DomainError("A pipeline has at most one won and one lost stage.", field="stages")
    return out


async def _clear_default(conn: AsyncConnection, keep: UUID | None = None) -> None:
    query = sa.update(pipelines).where(pipelines.c.is_default).values(is_default=False)
    if keep is not None:
        query = query.where(pipelines.c.id != keep)
    await conn.execute(query)


async def create_pipeline(
    conn: AsyncConnection, actor: Actor, *, name: str, stages: list[StageDraft], is_default: bool
) -> sa.Row[Any]:
    name = required_text(name, "name", max_length=200)
    values = _stage_values(stages)
    if is_default:
        await _clear_default(conn)
    row = (
        await conn.execute(
            sa.insert(pipelines)
            .values(tenant_id=actor.tenant_id, name=name, is_default=is_default)
            .returning(*pipelines.c)
        )
    ).one()
    await conn.execute(
        sa.insert(pipeline_stages),
        [
            {**{k: v for k, v in s.items() if k != "id"}, "tenant_id": actor.tenant_id}
            | {"pipeline_id": row.id}
            for s in values
        ],
    )
    return row


async def update_pipeline(
    conn: AsyncConnection,
    actor: Actor,
    pipeline_id: UUID,
    version: int | None,
    *,
    name: Any = UNSET,
    is_default: Any = UNSET,
    stages: Any = UNSET,  # a list of StageDraft
) -> sa.Row[Any]:
    changes: dict[str, Any] = {}
    if given(name):
        changes["name"] = required_text(name, "name", max_length=200)
    if given(is_default):
        if not not_null(is_default, "isDefault"):
            raise DomainError("Make another pipeline the default instead.", field="isDefault")
        await _clear_default(conn, keep=pipeline_id)
        changes["is_default"] = True
    row = await update_versioned(conn, pipelines, pipeline_id, version, changes, label="pipeline")
    if given(stages):
        values = _stage_values(not_null(stages, "stages"))
        await _replace_stages(conn, actor, pipeline_id, values)
    return row


async def _replace_stages(
    conn: AsyncConnection, actor: Actor, pipeline_id: UUID, values: list[dict[str, Any]]
) -> None:
    """Given stages are the new order: known ids are updated, the others inserted, and
    stages left out are removed unless a deal still sits in them."""
    existing = {
        r.id
        for r in await conn.execute(
            sa.select(pipeline_stages.c.id).where(pipeline_stages.c.pipeline_id == pipeline_id)
        )
    }
    for v in values:
        if v["id"] is not None and v["id"] not in existing:
            raise NotFound("No such stage in this pipeline.", field="stages.id")
    removed = existing - {v["id"] for v in values}
    if removed:
        changes = deal_stage_changes.c
        in_history = sa.or_(changes.from_stage_id.in_(removed), changes.to_stage_id.in_(removed))
        moved_through = sa.select(changes.deal_id).where(in_history)
        used = await conn.scalar(
            sa.select(sa.func.count()).where(
                sa.or_(deals.c.stage_id.in_(removed), deals.c.id.in_(moved_through))
            )
        )
        if used:
            raise DomainError(
                f"{used} deal(s) are or were in a stage you removed; their history keeps it.",
                field="stages",
                code=CrmError.STAGE_IN_USE,
            )
        await conn.execute(sa.delete(pipeline_stages).where(pipeline_stages.c.id.in_(removed)))
    for v in values:
        data = {k: v[k] for k in ("name", "position", "probability", "is_won", "is_lost")}
        if v["id"] is None:
            await conn.execute(
                sa.insert(pipeline_stages).values(
                    tenant_id=actor.tenant_id, pipeline_id=pipeline_id, **data
                )
            )
        else:
            await conn.execute(
                sa.update(pipeline_stages).where(pipeline_stages.c.id == v["id"]).values(**data)
            )


# ---------------------------------------------------------------------------- reads
async def default_pipeline_id(conn: AsyncConnection) -> UUID:
    found = (
        await conn.execute(
            sa.select(pipelines.c.id)
            .order_by(pipelines.c.is_default.desc(), pipelines.c.created_at)
            .limit(1)
        )
    ).scalar()
    if found is None:
        raise DomainError("Create a pipeline first.", field="pipeline")
    return UUID(str(found))


async def get_pipeline(conn: AsyncConnection, pipeline_id: UUID) -> sa.Row[Any]:
    return await fetch_one(conn, pipelines, pipeline_id, label="pipeline", field="pipeline")


async def get_stage(conn: AsyncConnection, stage_id: UUID, pipeline_id: UUID | None) -> sa.Row[Any]:
    """A stage by id; with `pipeline_id`, a stage of another pipeline is refused."""
    stage = await fetch_one(conn, pipeline_stages, stage_id, label="stage", field="stage")
    if pipeline_id is not None and stage.pipeline_id != pipeline_id:
        raise DomainError("That stage belongs to another pipeline.", field="stage")
    return stage


async def first_open_stage(conn: AsyncConnection, pipeline_id: UUID) -> sa.Row[Any]:
    stage = (
        await conn.execute(
            sa.select(pipeline_stages)
            .where(
                pipeline_stages.c.pipeline_id == pipeline_id,
                ~pipeline_stages.c.is_won,
                ~pipeline_stages.c.is_lost,
            )
            .order_by(pipeline_stages.c.position)
            .limit(1)
        )
    ).first()
    if stage is None:
        raise DomainError("The pipeline has no open stage.", field="pipeline")
    return stage


async def outcome_stage(conn: AsyncConnection, pipeline_id: UUID, won: bool) -> sa.Row[Any] | None:
    flag = pipeline_stages.c.is_won if won else pipeline_stages.c.is_lost
    return (
        await conn.execute(
            sa.select(pipeline_stages).where(pipeline_stages.c.pipeline_id == pipeline_id, flag)
        )
    ).first()
