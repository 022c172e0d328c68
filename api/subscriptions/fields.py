"""The Subscription type: each field streams the changes of one kind of entity that
the subscriber may see, each re-read as them (api.subscriptions.live)."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncGenerator, AsyncIterator
from datetime import UTC, datetime
from typing import Any
from uuid import UUID

import strawberry

from api.core.context import Info
from api.core.relay import from_global_id
from api.errors import AppError, Code
from api.subscriptions.live import LiveConnection
from api.subscriptions.payloads import (
    ActivityDue,
    Change,
    DealChanged,
    InvoiceChanged,
    OrderChanged,
    StockChanged,
)
from domain.crm.activities import DUE_PER_CHECK, fell_due
from domain.live.feed import Change as Changed


def _live(info: Info) -> LiveConnection:
    live = info.context.live
    if live is None:  # TenantTransaction lets no subscription run elsewhere
        raise AppError(Code.BAD_USER_INPUT, "Subscribe over the websocket.")
    return live


async def _changes(
    info: Info, kind: str, type_name: str, only: UUID | None = None
) -> AsyncIterator[tuple[Change, Any]]:
    """(change, entity) for every committed change of `kind` the subscriber may see."""
    live = _live(info)
    with live.subscriber(kind) as subscriber:
        await live.listen()
        while True:
            changed = await subscriber.next()
            if changed is None:
                await live.ended(subscriber)
                return
            if only is not None and changed.entity_id != only:
                continue
            found = await live.reread(info.operation, type_name, changed.entity_id)
            if found is not None:
                yield _change(changed), found


def _change(changed: Changed) -> Change:
    return Change.CREATED if changed.created else Change.UPDATED


ACCESS = "access"


@strawberry.type
class Subscription:
    @strawberry.subscription(
        description="Deals you may read as they are created or change: stage, won, lost.",
        metadata={ACCESS: ("Deal", "read")},
    )
    async def deal_changed(self, info: Info) -> AsyncGenerator[DealChanged | None, None]:
        async for change, deal in _changes(info, "deal", "Deal"):
            yield DealChanged(change=change, deal=deal)

    @strawberry.subscription(
        description="Sales orders you may read as they are created or change.",
        metadata={ACCESS: ("SalesOrder", "read")},
    )
    async def order_changed(self, info: Info) -> AsyncGenerator[OrderChanged | None, None]:
        async for change, order in _changes(info, "order", "SalesOrder"):
            yield OrderChanged(change=change, order=order)

    @strawberry.subscription(
        description="Invoices you may read as they are created or change: issued, paid, …",
        metadata={ACCESS: ("Invoice", "read")},
    )
    async def invoice_changed(self, info: Info) -> AsyncGenerator[InvoiceChanged | None, None]:
        async for change, invoice in _changes(info, "invoice", "Invoice"):
            yield InvoiceChanged(change=change, invoice=invoice)

    @strawberry.subscription(
        description="One product as its stock changes in any warehouse.",
        metadata={ACCESS: ("Product", "read")},
    )
    async def stock_changed(
        self, info: Info, product_id: strawberry.ID
    ) -> AsyncGenerator[StockChanged | None, None]:
        product = from_global_id(product_id, "Product")[1]
        async for change, found in _changes(info, "stock", "Product", only=product):
            yield StockChanged(change=change, product=found)

    @strawberry.subscription(
        description="Open activities you may read as their due time comes (checked every "
        "ATRIUM_SUBSCRIPTIONS_DUE_CHECK_SECONDS), and ones changed while due.",
        metadata={ACCESS: ("Activity", "read")},
    )
    async def activity_due(self, info: Info) -> AsyncGenerator[ActivityDue | None, None]:
        async for change, activity in _due(info):
            yield ActivityDue(change=change, activity=activity)


async def _due(info: Info) -> AsyncIterator[tuple[Change, Any]]:
    """Activities whose due time passed since the last check, and activities changed
    while due (created overdue, reassigned, re-dated into the past)."""
    live = _live(info)
    every = info.context.settings.subscriptions_due_check_seconds
    loop = asyncio.get_running_loop()
    checked = datetime.now(UTC)
    next_check = loop.time() + every
    with live.subscriber("activity") as subscriber:
        await live.listen()
        while True:
            changed = await subscriber.next(within=max(0.0, next_check - loop.time()))
            if subscriber.ended is not None:
                await live.ended(subscriber)
                return
            if changed is not None:
                found = await live.reread(info.operation, "Activity", changed.entity_id)
                if found is not None and found.overdue:
                    yield _change(changed), found
                elif found is not None:
                    await live.finish()
                continue
            next_check = loop.time() + every
            ids, checked = await _fell_due(live, info, checked)
            for id in ids:
                found = await live.reread(info.operation, "Activity", id)
                if found is not None:
                    yield Change.DUE, found


async def _fell_due(
    live: LiveConnection, info: Info, after: datetime
) -> tuple[list[UUID], datetime]:
    """The activities that fell due since `after`, and the time checked up to."""
    until = datetime.now(UTC)
    await live.begin(info.operation)
    try:
        context = info.context
        due = await fell_due(context.db, context.require_actor(), after, until)
    finally:
        await live.finish()
    # a full answer stops at its last due time; the rest come at the next check
    return [id for id, _ in due], (due[-1][1] if len(due) == DUE_PER_CHECK else until)
