"""Read paths of the CRM: one keyset page per list, batch lookups for DataLoaders, a
customer's timeline. Every read applies the caller's record scope, so a row out of
scope is simply not there. Rows are returned as they are; the API maps them."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any
from uuid import UUID

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncConnection

from domain.crm.models import (
    ENTITIES,
    activities,
    deal_stage_changes,
    deals,
    leads,
)
from domain.entity import Stored, stored
from domain.errors import DomainError
from domain.kit.children import Children
from domain.ownership import OwnedBy
from domain.pagination import Listing, PageRequest, decode_cursor
from domain.ranking import first_per_parent
from domain.scope import in_scope
from domain.search import Search, search_condition
from tenants.principal import Actor

# the CRM's entities kept in a table (domain/entities.py; its reports have none)
TABLES: dict[str, sa.Table] = {e.name: e.table for e in ENTITIES if isinstance(e, Stored)}
# what the `owner_ids` filter matches: whose rows they are (an activity's assignee)
OWNER_COLUMNS: dict[str, sa.ColumnElement[Any]] = {
    e.name: e.ownership.column for e in ENTITIES if isinstance(e.ownership, OwnedBy)
}
# the catalog fields each list sorts by (their columns: the entity's description)
SORTED_BY: dict[str, tuple[str, ...]] = {
    "Lead": ("createdAt", "name"),
    "Customer": ("createdAt", "name"),
    "Contact": ("createdAt", "name"),
    "Deal": ("createdAt", "title", "amount", "expectedCloseOn"),
    "Activity": ("createdAt", "dueAt"),
    "Pipeline": ("createdAt", "name"),
}
SORTS: dict[str, dict[str, sa.Column[Any]]] = {
    name: stored(ENTITIES, name).sort_columns(*fields) for name, fields in SORTED_BY.items()
}
# keyset paging needs a total order: a missing date sorts as the far future
FAR_FUTURE: dict[type, Any] = {
    datetime: datetime(9999, 12, 31, tzinfo=UTC),
    date: date(9999, 12, 31),
}


# what each list's `search` covers: API field names, which are also the column names
SEARCHED = {
    "Lead": ("name", "company", "email"),
    "Customer": ("name", "email"),
    "Contact": ("name", "email", "title"),
    "Deal": ("title",),
    "Activity": ("subject",),
}


@dataclass(frozen=True)
class Sort:
    field: str = "createdAt"
    descending: bool = True


@dataclass(frozen=True)
class Filter:
    """Every list filter; each list uses the keys its table has."""

    search: Search | None = None
    status: Sequence[str] | None = None
    kind: Sequence[str] | None = None
    source: str | None = None
    owner_ids: Sequence[UUID] | None = None  # the owner, or the assignee of an activity
    customer_id: UUID | None = None
    pipeline_id: UUID | None = None
    stage_ids: Sequence[UUID] | None = None
    lead_id: UUID | None = None
    deal_id: UUID | None = None
    amount_min: Decimal | None = None
    amount_max: Decimal | None = None
    close_from: date | None = None
    close_to: date | None = None
    completed: bool | None = None
    overdue: bool | None = None
    due_before: datetime | None = None
    is_default: bool | None = None


def _conditions(entity: str, f: Filter) -> list[sa.ColumnElement[bool]]:
    table = TABLES[entity]
    c = table.c
    out: list[sa.ColumnElement[bool]] = []
    searched = search_condition(f.search, {name: c[name] for name in SEARCHED.get(entity, ())})
    if searched is not None:
        out.append(searched)
    for column, values in (("status", f.status), ("kind", f.kind), ("stage_id", f.stage_ids)):
        if values is not None and column in c:
            out.append(c[column].in_(list(values)))
    if f.owner_ids is not None and entity in OWNER_COLUMNS:
        out.append(OWNER_COLUMNS[entity].in_(list(f.owner_ids)))
    equals = (
        ("source", f.source),
        ("customer_id", f.customer_id),
        ("pipeline_id", f.pipeline_id),
        ("lead_id", f.lead_id),
        ("deal_id", f.deal_id),
        ("is_default", f.is_default),
    )
    for column, value in equals:
        if value is not None and column in c:
            out.append(c[column] == value)
    if "amount" in c:
        if f.amount_min is not None:
            out.append(c.amount >= f.amount_min)
        if f.amount_max is not None:
            out.append(c.amount <= f.amount_max)
    if "expected_close_on" in c:
        if f.close_from is not None:
            out.append(c.expected_close_on >= f.close_from)
        if f.close_to is not None:
            out.append(c.expected_close_on <= f.close_to)
    if "completed_at" in c:
        if f.completed is not None:
            out.append(c.completed_at.isnot(None) if f.completed else c.completed_at.is_(None))
        if f.overdue is not None:
            late = sa.and_(c.completed_at.is_(None), c.due_at < sa.func.now())
            out.append(late if f.overdue else sa.not_(late))
        if f.due_before is not None:
            out.append(c.due_at < f.due_before)
    return out


def listing(
    actor: Actor, entity: str, filter: Filter | None = None, sort: Sort | None = None
) -> Listing:
    """An entity's rows in the actor's record scope, filtered, in keyset order."""
    sort = sort or Sort()
    table = TABLES[entity]
    query = sa.select(table).where(
        in_scope(actor, entity), *_conditions(entity, filter or Filter())
    )
    column: Any = SORTS[entity][sort.field]
    if column.nullable:
        far = sa.literal(FAR_FUTURE[column.type.python_type], column.type)
        column = sa.func.coalesce(column, far).label("sort_key")
        query = query.add_columns(column)
    return Listing(query, column, table.c.id, sort.descending)


def check_cursor(page: PageRequest, listing: Listing) -> None:
    """A cursor of another list or sort order would fail in SQL: refuse it up front."""
    _check_cursor(page, listing.sort.type.python_type)


PARSERS: dict[type, Any] = {
    datetime: datetime.fromisoformat,
    date: date.fromisoformat,
    Decimal: Decimal,
    str: str,
}


def _check_cursor(page: PageRequest, sort_type: type) -> None:
    """A cursor of another list or sort order would fail in SQL: refuse it up front."""
    cursor = page.before if page.backwards else page.after
    if not cursor:
        return
    sort_value, id_value = decode_cursor(cursor, 2)
    try:
        PARSERS[sort_type](sort_value)
        UUID(id_value)
    except (ValueError, TypeError, ArithmeticError):
        raise DomainError(
            "Invalid cursor.", field="before" if page.backwards else "after"
        ) from None


async def by_ids(
    conn: AsyncConnection, actor: Actor, entity: str, ids: Sequence[UUID]
) -> dict[UUID, Any]:
    """Rows by id within record scope, for node(id:) and DataLoaders: one statement."""
    table = TABLES[entity]
    query = sa.select(table).where(table.c.id.in_(list(set(ids))), in_scope(actor, entity))
    return {r.id: r for r in await conn.execute(query)}


async def get(conn: AsyncConnection, actor: Actor, entity: str, row_id: UUID) -> Any:
    return (await by_ids(conn, actor, entity, [row_id])).get(row_id)


# How many items a customer's and a deal's lists answer at most: the reads below apply
# them, ranked per parent in SQL (api/cost.py counts the same constants).
CONTACTS_PER_CUSTOMER = 50  # the first by name
DEALS_PER_CUSTOMER = 25  # the latest, shown oldest first
HISTORY_PER_DEAL = 20  # the latest stage changes, shown oldest first


# the lists of rows that name a customer or a pipeline, as their fields show them
CHILDREN = {
    "contacts": Children("Contact", "customer_id", ("name",), limit=CONTACTS_PER_CUSTOMER),
    "deals": Children(
        "Deal", "customer_id", ("created_at",), limit=DEALS_PER_CUSTOMER, latest=True
    ),
    # at most MAX_STAGES per pipeline: its writes refuse more (domain/crm/pipelines.py)
    "stages": Children("PipelineStage", "pipeline_id", ("position",)),
}


async def stage_history(conn: AsyncConnection, deal_ids: Sequence[UUID]) -> dict[UUID, list[Any]]:
    """Each deal's latest HISTORY_PER_DEAL stage changes, oldest first (the caller has
    read the deals already)."""
    changes = deal_stage_changes.c
    query = sa.select(deal_stage_changes).where(changes.deal_id.in_(list(set(deal_ids))))
    ranked = first_per_parent(
        query, changes.deal_id, (changes.changed_at.desc(), changes.id.desc()), HISTORY_PER_DEAL
    )
    out: dict[UUID, list[Any]] = {}
    for row in await conn.execute(sa.select(ranked).order_by(ranked.c.changed_at, ranked.c.id)):
        out.setdefault(row.deal_id, []).append(row)
    return out


def _newest(query: sa.Select[Any], owner: Any, at: Any, id: Any, limit: int) -> sa.Select[Any]:
    """At most `limit` rows per customer (`owner`), the newest, ranked in SQL."""
    return sa.select(first_per_parent(query, owner, (at.desc(), id.desc()), limit))


def _activities_of(actor: Actor, customer_ids: list[UUID], limit: int) -> sa.Select[Any]:
    """Activities of the customers, and of the leads that became them, within scope."""
    lead = (
        sa.select(leads.c.id, leads.c.converted_customer_id)
        .where(leads.c.converted_customer_id.in_(customer_ids))
        .subquery()
    )
    owner = sa.func.coalesce(activities.c.customer_id, lead.c.converted_customer_id)
    query = (
        sa.select(activities, owner.label("owner_customer_id"))
        .outerjoin(lead, lead.c.id == activities.c.lead_id)
        .where(sa.or_(activities.c.customer_id.in_(customer_ids), lead.c.id.isnot(None)))
        .where(in_scope(actor, "Activity"))
    )
    return _newest(query, owner, activities.c.created_at, activities.c.id, limit)


def _deal_events_of(actor: Actor, customer_ids: list[UUID], limit: int) -> sa.Select[Any]:
    changes = deal_stage_changes.c
    query = (
        sa.select(deal_stage_changes, deals.c.customer_id)
        .join(deals, deals.c.id == changes.deal_id)
        .where(deals.c.customer_id.in_(customer_ids), in_scope(actor, "Deal"))
    )
    return _newest(query, deals.c.customer_id, changes.changed_at, changes.id, limit)


@dataclass(frozen=True)
class TimelineItem:
    at: datetime
    kind: str  # "activity", or the deal event: created, moved, won, lost, reopened
    activity: Any = None
    change: Any = None  # a deal_stage_changes row


async def timeline(
    conn: AsyncConnection,
    actor: Actor,
    customer_ids: Sequence[UUID],
    *,
    with_activities: bool,
    with_deals: bool,
    limit: int,
) -> dict[UUID, list[TimelineItem]]:
    """Activities and deal events of each customer, newest first, within record scope:
    at most two statements for any number of customers, each ranked per customer in SQL."""
    out: dict[UUID, list[TimelineItem]] = {cid: [] for cid in customer_ids}
    ids = list(set(customer_ids))
    if with_activities:
        for row in await conn.execute(_activities_of(actor, ids, limit)):
            out[row.owner_customer_id].append(
                TimelineItem(row.created_at, "activity", activity=row)
            )
    if with_deals:
        for row in await conn.execute(_deal_events_of(actor, ids, limit)):
            out[row.customer_id].append(TimelineItem(row.changed_at, row.event, change=row))
    for items in out.values():
        items.sort(key=lambda item: item.at, reverse=True)
        del items[limit:]
    return out
