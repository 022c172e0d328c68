"""Activities: calls, emails, meetings, notes and follow-up tasks."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any
from uuid import UUID

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncConnection

from domain.crm.customers import require_customer
from domain.crm.models import activities, deals, leads
from domain.errors import DomainError
from domain.kit.checks import choice, optional_text, required_text
from domain.kit.rows import fetch_one, require_user, update_versioned
from domain.scope import check_assignee, in_scope
from tenants.principal import Actor

ENTITY = "Activity"
KINDS = ("call", "email", "meeting", "note", "task")


@dataclass(frozen=True)
class ActivityDraft:
    kind: str
    subject: str
    notes: str | None = None
    due_at: datetime | None = None
    assigned_to: UUID | None = None
    lead_id: UUID | None = None
    deal_id: UUID | None = None
    customer_id: UUID | None = None
    completed: bool = False


async def log_activity(conn: AsyncConnection, actor: Actor, draft: ActivityDraft) -> sa.Row[Any]:
    kind = choice(draft.kind, KINDS, "kind")
    subject = required_text(draft.subject, "subject", max_length=300)
    notes = optional_text(draft.notes, "notes", max_length=20000)
    if draft.due_at is not None and draft.due_at.tzinfo is None:
        raise DomainError("dueAt needs a time zone offset.", field="dueAt")
    assigned = draft.assigned_to or actor.user_id
    await check_assignee(conn, actor, ENTITY, assigned, "assignedTo")
    if draft.assigned_to is not None:
        await require_user(conn, assigned, "assignedTo")
    # a link must be to a record the caller may see (own leads/deals for a sales rep)
    if draft.lead_id is not None:
        await fetch_one(
            conn, leads, draft.lead_id, where=in_scope(actor, "Lead"),
            label="lead", field="lead",
        )  # fmt: skip
    customer_id = draft.customer_id
    if draft.deal_id is not None:
        deal = await fetch_one(
            conn, deals, draft.deal_id, where=in_scope(actor, "Deal"),
            label="deal", field="deal",
        )  # fmt: skip
        customer_id = customer_id or deal.customer_id
    if customer_id is not None:
        await require_customer(conn, actor, customer_id)
    return (
        await conn.execute(
            sa.insert(activities)
            .values(
                tenant_id=actor.tenant_id,
                kind=kind,
                subject=subject,
                notes=notes,
                due_at=draft.due_at,
                completed_at=sa.func.now() if draft.completed else None,
                assigned_to=assigned,
                created_by=actor.user_id,
                lead_id=draft.lead_id,
                deal_id=draft.deal_id,
                customer_id=customer_id,
            )
            .returning(*activities.c)
        )
    ).one()


async def complete_activity(
    conn: AsyncConnection, actor: Actor, activity_id: UUID, version: int | None
) -> sa.Row[Any]:
    scope = in_scope(actor, ENTITY)
    current = await fetch_one(conn, activities, activity_id, where=scope, label="activity")
    if current.completed_at is not None:
        raise DomainError("The activity is completed already.", field="id")
    return await update_versioned(
        conn,
        activities,
        activity_id,
        version,
        {"completed_at": sa.func.now()},
        where=scope,
        label="activity",
    )


def is_overdue(row: Any, now: datetime | None = None) -> bool:
    """Not completed and past its due time (the `overdue` filter's rule, in Python)."""
    moment = now or datetime.now(UTC)
    return row.completed_at is None and row.due_at is not None and row.due_at < moment


# the most activities one check of `fell_due` answers (activityDue hears of the rest
# at its next check: their due time stays past `after`)
DUE_PER_CHECK = 100


async def fell_due(
    conn: AsyncConnection, actor: Actor, after: datetime, until: datetime
) -> list[tuple[UUID, datetime]]:
    """The open activities in the actor's scope whose due time came in (after, until],
    soonest first, with their due time."""
    query = (
        sa.select(activities.c.id, activities.c.due_at)
        .where(
            activities.c.completed_at.is_(None),
            activities.c.due_at > after,
            activities.c.due_at <= until,
            in_scope(actor, ENTITY),
        )
        .order_by(activities.c.due_at, activities.c.id)
        .limit(DUE_PER_CHECK)
    )
    return [(row.id, row.due_at) for row in await conn.execute(query)]
