"""Deals: create, edit, move through the pipeline, win or lose; every stage change is
recorded in deal_stage_changes (who, when, from -> to).

Every use case here makes all its checks before its first write (a stale version is
found by the UPDATE itself, which then writes nothing), so a refusal leaves nothing to
undo: api/crm/deal_mutations.py runs them `checks_first`, without a savepoint."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any
from uuid import UUID

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncConnection

from domain.crm import pipelines as pl
from domain.crm.customers import require_contact, require_customer
from domain.crm.errors import CrmError
from domain.crm.models import deal_stage_changes, deals
from domain.errors import DomainError
from domain.kit.checks import money, percent, required_text
from domain.kit.patch import UNSET, patch
from domain.kit.rows import fetch_one, require_user, update_versioned
from domain.money import currency as money_currency
from domain.scope import check_assignee, in_scope
from domain.webhooks import events
from domain.webhooks.outbox import emit
from tenants.principal import Actor

ENTITY = "Deal"


@dataclass(frozen=True)
class DealDraft:
    title: str
    customer_id: UUID
    amount: Decimal | str
    currency: str
    contact_id: UUID | None = None
    owner_id: UUID | None = None
    pipeline_id: UUID | None = None
    stage_id: UUID | None = None
    probability: Decimal | str | None = None
    expected_close_on: date | None = None
    lead_id: UUID | None = None


async def _check_contact(
    conn: AsyncConnection, actor: Actor, contact_id: UUID, customer_id: UUID
) -> None:
    contact = await require_contact(conn, actor, contact_id)
    if contact.customer_id != customer_id:
        raise DomainError("That contact belongs to another customer.", field="contact")


async def record_change(
    conn: AsyncConnection,
    actor: Actor,
    deal_id: UUID,
    from_stage: UUID | None,
    to_stage: UUID,
    event: str,
) -> None:
    await conn.execute(
        sa.insert(deal_stage_changes).values(
            tenant_id=actor.tenant_id,
            deal_id=deal_id,
            from_stage_id=from_stage,
            to_stage_id=to_stage,
            changed_by=actor.user_id,
            event=event,
        )
    )


async def create_deal(conn: AsyncConnection, actor: Actor, draft: DealDraft) -> sa.Row[Any]:
    title = required_text(draft.title, "title", max_length=300)
    value = money(draft.amount, "amount")
    code = money_currency(draft.currency)
    owner_id = draft.owner_id or actor.user_id
    await check_assignee(conn, actor, ENTITY, owner_id)
    await require_customer(conn, actor, draft.customer_id)
    if draft.contact_id is not None:
        await _check_contact(conn, actor, draft.contact_id, draft.customer_id)
    if draft.owner_id is not None:
        await require_user(conn, owner_id, "owner")
    pipeline_id = draft.pipeline_id
    if draft.stage_id is not None:
        stage = await pl.get_stage(conn, draft.stage_id, pipeline_id)
        pipeline_id = stage.pipeline_id
        if stage.is_won or stage.is_lost:
            raise DomainError(
                "A new deal starts in an open stage; use winDeal or loseDeal.", field="stage"
            )
    else:
        if pipeline_id is None:
            pipeline_id = await pl.default_pipeline_id(conn)
        else:
            await pl.get_pipeline(conn, pipeline_id)
        stage = await pl.first_open_stage(conn, pipeline_id)
    probability = stage.probability if draft.probability is None else percent(draft.probability)
    deal = (
        sa.insert(deals)
        .values(
            tenant_id=actor.tenant_id,
            title=title,
            customer_id=draft.customer_id,
            contact_id=draft.contact_id,
            owner_id=owner_id,
            pipeline_id=pipeline_id,
            stage_id=stage.id,
            amount=value,
            currency=code,
            probability=probability,
            expected_close_on=draft.expected_close_on,
            lead_id=draft.lead_id,
        )
        .returning(*deals.c)
        .cte("new_deal")
    )
    # its first history entry in the same statement
    created = sa.select(
        deal.c.tenant_id,
        deal.c.id,
        sa.literal(stage.id, deal_stage_changes.c.to_stage_id.type),
        sa.literal(actor.user_id, deal_stage_changes.c.changed_by.type),
        sa.literal("created"),
    )
    history = deal_stage_changes.insert().from_select(
        ["tenant_id", "deal_id", "to_stage_id", "changed_by", "event"], created
    )
    return (await conn.execute(sa.select(deal).add_cte(history.cte("history")))).one()


async def update_deal(
    conn: AsyncConnection,
    actor: Actor,
    deal_id: UUID,
    version: int | None,
    *,
    title: Any = UNSET,
    customer_id: Any = UNSET,
    contact_id: Any = UNSET,
    owner_id: Any = UNSET,
    amount: Any = UNSET,
    currency: Any = UNSET,
    probability: Any = UNSET,
    expected_close_on: Any = UNSET,
) -> sa.Row[Any]:
    scope = in_scope(actor, ENTITY)
    current = await fetch_one(conn, deals, deal_id, where=scope, label="deal")
    changes = patch(
        {
            "title": title if title is UNSET else required_text(title, "title", max_length=300),
            "amount": amount if amount in (UNSET, None) else money(amount, "amount"),
            "currency": currency if currency in (UNSET, None) else money_currency(currency),
            "probability": (probability if probability in (UNSET, None) else percent(probability)),
            "expected_close_on": expected_close_on,
            "customer_id": customer_id,
            "contact_id": contact_id,
            "owner_id": owner_id,
        }
    )
    for key in ("amount", "currency", "probability", "customer_id", "owner_id"):
        if key in changes and changes[key] is None:
            raise DomainError(f"{key} cannot be cleared.", field=key)
    settled = {"amount", "currency", "probability", "customer_id"} & changes.keys()
    if current.status != "open" and settled:
        raise DomainError(
            f"The deal is {current.status}; its {', '.join(sorted(settled))} stay as closed.",
            field=sorted(settled)[0],
            code=CrmError.DEAL_CLOSED,
        )
    if "owner_id" in changes:
        await check_assignee(conn, actor, ENTITY, changes["owner_id"])
        await require_user(conn, changes["owner_id"], "owner")
    customer = changes.get("customer_id", current.customer_id)
    if "customer_id" in changes:
        await require_customer(conn, actor, customer)
    contact = changes.get("contact_id", current.contact_id)
    if contact is not None and ("contact_id" in changes or "customer_id" in changes):
        await _check_contact(conn, actor, contact, customer)
    return await update_versioned(conn, deals, deal_id, version, changes, where=scope, label="deal")


async def _open_deal(
    conn: AsyncConnection, actor: Actor, deal_id: UUID, version: int | None
) -> sa.Row[Any]:
    deal = await fetch_one(
        conn, deals, deal_id, where=in_scope(actor, ENTITY), label="deal", lock=True
    )
    if deal.status != "open":
        raise DomainError(
            f"The deal is already {deal.status}; a closed deal cannot move.",
            field="id",
            code=CrmError.DEAL_CLOSED,
        )
    return deal


async def _close(
    conn: AsyncConnection,
    actor: Actor,
    deal: sa.Row[Any],
    version: int | None,
    *,
    won: bool,
    reason: str | None,
    stage: sa.Row[Any] | None = None,
) -> sa.Row[Any]:
    stage = stage or await pl.outcome_stage(conn, deal.pipeline_id, won)
    stage_id = stage.id if stage is not None else deal.stage_id
    row = await update_versioned(
        conn,
        deals,
        deal.id,
        version,
        {
            "status": "won" if won else "lost",
            "closed_at": sa.func.now(),
            "stage_id": stage_id,
            "probability": Decimal(100 if won else 0),
            "lost_reason": None if won else reason,
        },
        label="deal",
    )
    await record_change(conn, actor, deal.id, deal.stage_id, stage_id, "won" if won else "lost")
    await emit(conn, actor.tenant_id, "deal.won" if won else "deal.lost", events.deal(row))
    return row


async def move_deal_stage(
    conn: AsyncConnection, actor: Actor, deal_id: UUID, version: int | None, stage_id: UUID
) -> sa.Row[Any]:
    deal = await _open_deal(conn, actor, deal_id, version)
    stage = await pl.get_stage(conn, stage_id, deal.pipeline_id)
    if stage.is_won or stage.is_lost:
        reason = None if stage.is_won else "Moved to a lost stage."
        return await _close(
            conn, actor, deal, version, won=stage.is_won, reason=reason, stage=stage
        )
    if stage.id == deal.stage_id:
        raise DomainError("The deal is already in that stage.", field="stage")
    row = await update_versioned(
        conn,
        deals,
        deal.id,
        version,
        {"stage_id": stage.id, "probability": stage.probability},
        label="deal",
    )
    await record_change(conn, actor, deal.id, deal.stage_id, stage.id, "moved")
    return row


async def win_deal(
    conn: AsyncConnection, actor: Actor, deal_id: UUID, version: int | None
) -> sa.Row[Any]:
    deal = await _open_deal(conn, actor, deal_id, version)
    return await _close(conn, actor, deal, version, won=True, reason=None)


async def lose_deal(
    conn: AsyncConnection, actor: Actor, deal_id: UUID, version: int | None, reason: str
) -> sa.Row[Any]:
    reason = required_text(reason, "reason", max_length=1000)
    deal = await _open_deal(conn, actor, deal_id, version)
    return await _close(conn, actor, deal, version, won=False, reason=reason)
