"""Sales order use cases: draft, edit, confirm (reserve), fulfil (ship), cancel (release).

Every use case that touches stock locks the order row first, then the stock levels in
(product, warehouse) order (domain.inventory.stock), so concurrent confirmations queue
instead of deadlocking and never reserve more than is on hand. Totals follow the
rounding rule of domain.sales.pricing (per line, then summed).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict, dataclass, field, replace
from typing import Any
from uuid import UUID

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncConnection

from domain.crm.models import deals
from domain.errors import DomainError, ErrorCode, NotFound, ValidationFailed
from domain.inventory.stock import InsufficientStock, Movement, apply
from domain.kit.rows import check_version
from domain.money import currency as currency_code
from domain.money import decimal_string
from domain.sales import order_writes, repository
from domain.sales.credit import ensure_within_limit, lines_and_locked_limit, may_override
from domain.sales.errors import SalesError
from domain.sales.pricing import Line, LineInput, price_lines, totals
from domain.sales.read_models import Order, OrderLine
from domain.scope import in_scope
from domain.webhooks import events
from domain.webhooks.outbox import event_parameters
from tenants.principal import Actor

ENTITY = "SalesOrder"


@dataclass(frozen=True)
class OrderDraft:
    """What createOrder / updateOrder may set; None leaves a field as it is (on update)."""

    customer_id: UUID | None = None
    warehouse_id: UUID | None = None
    currency: str | None = None
    notes: str | None = None
    lines: Sequence[LineInput] | None = None
    changed: frozenset[str] = field(default_factory=frozenset)  # fields given on update


# --------------------------------------------------------------------------- helpers
@dataclass(frozen=True)
class Checked:
    """A draft's changes checked (and its lines priced), nothing written yet: the
    values its row will take, and its lines (None: they stay as they are)."""

    values: dict[str, Any]
    lines: list[Line] | None = None


def _warehouse(asked: UUID | None, found: Sequence[UUID]) -> UUID:
    """The warehouse asked for (it must exist), or the tenant's only one."""
    if asked is not None:
        if not found:
            raise NotFound("No such warehouse.", field="warehouseId")
        return asked
    if not found:
        raise DomainError("Create a warehouse before taking orders.", field="warehouseId")
    if len(found) > 1:
        raise DomainError("Choose the warehouse the order ships from.", field="warehouseId")
    return found[0]


async def _checked(
    conn: AsyncConnection,
    actor: Actor,
    *,
    customer_id: UUID | None = None,
    warehouse_id: UUID | None = None,
    pick_warehouse: bool = False,
    items: Sequence[LineInput] | None = None,
    currency: str | None = None,
) -> Checked:
    """Check the customer and the warehouse given (or pick the tenant's only one), and
    price the lines given (in `currency`, else their first product's): one statement,
    no write. In that order, the first problem is the one raised."""
    facts = await order_writes.draft_facts(
        conn,
        actor,
        customer_id,
        warehouse_id,
        pick_warehouse=pick_warehouse,
        product_ids=[i.product_id for i in items or ()],
    )
    values: dict[str, Any] = {}
    if customer_id is not None:
        if not facts.customer_found:
            raise NotFound("No such customer.", field="customerId")
        values["customer_id"] = customer_id
    if warehouse_id is not None or pick_warehouse:
        values["warehouse_id"] = _warehouse(warehouse_id, facts.warehouse_ids)
    if items is None:
        return Checked(values)
    chosen = currency_code(currency) if currency else None
    values["currency"], lines = price_lines(items, facts.products, chosen)
    return Checked({**values, **asdict(totals(lines))}, lines)


async def _locked(
    conn: AsyncConnection, actor: Actor, order_id: UUID, version: int | None, *states: str
) -> Order:
    """The order, locked; NotFound out of scope, Conflict on a stale version,
    INVALID_STATE unless it is in one of `states`."""
    order = await repository.lock_order(conn, actor, order_id)
    if order is None:
        raise NotFound("No such order.", field="id")
    check_version(order.version, version, "order")
    if order.status not in states:
        raise DomainError(
            f"The order is {order.status}; this needs it {' or '.join(states)}.",
            field="id",
            code=ErrorCode.INVALID_STATE,
        )
    return order


async def _lines(conn: AsyncConnection, order_id: UUID) -> list[OrderLine]:
    return await repository.order_lines(conn, order_id)


# --------------------------------------------------------------------------- drafts
# Every use case below makes all its checks before its first write, and its writes
# cannot be refused: a refusal leaves nothing to undo (api/core/payloads.py runs them
# without a savepoint).
async def create_order(
    conn: AsyncConnection, actor: Actor, draft: OrderDraft, deal_id: UUID | None = None
) -> Order:
    """A draft order owned by the actor; prices default to the products' prices.
    Two statements: the facts, then the order with its lines."""
    return await _insert(conn, actor, await _checked_draft(conn, actor, draft), draft, deal_id)


async def _checked_draft(conn: AsyncConnection, actor: Actor, draft: OrderDraft) -> Checked:
    if draft.customer_id is None:
        raise DomainError("customerId is required.", field="customerId")
    return await _checked(
        conn,
        actor,
        customer_id=draft.customer_id,
        warehouse_id=draft.warehouse_id,
        pick_warehouse=True,
        items=draft.lines or (),
        currency=draft.currency,
    )


async def _insert(
    conn: AsyncConnection, actor: Actor, checked: Checked, draft: OrderDraft, deal_id: UUID | None
) -> Order:
    values = {**checked.values, "deal_id": deal_id, "notes": (draft.notes or "").strip()}
    return await order_writes.insert_order(conn, actor, values, checked.lines or [])


async def create_order_from_deal(
    conn: AsyncConnection,
    actor: Actor,
    deal_id: UUID,
    draft: OrderDraft,
    accept_amount_difference: bool = False,
) -> Order:
    """A draft for a won deal, with what the deal knows: its customer, its currency and
    its amount. A deal records no products, so the lines are the caller's
    (LINES_REQUIRED without them), and they must come to the deal's amount before tax
    (DEAL_AMOUNT_MISMATCH) unless `accept_amount_difference` says the difference is
    meant: a won 1,000 EUR deal never quietly becomes a 29.97 EUR order."""
    deal = await _won_deal(conn, actor, deal_id)
    if not draft.lines:
        raise DomainError(
            f"The deal records its amount ({_money(deal.amount, deal.currency)}) but no "
            "products: give the order's lines.",
            field="lines",
            code=SalesError.LINES_REQUIRED,
        )
    filled = OrderDraft(
        customer_id=deal.customer_id,
        warehouse_id=draft.warehouse_id,
        currency=deal.currency,
        notes=draft.notes,
        lines=draft.lines,
    )
    checked = await _checked_draft(conn, actor, filled)
    subtotal = checked.values["subtotal"]
    if subtotal != deal.amount and not accept_amount_difference:
        raise DomainError(
            f"The lines come to {_money(subtotal, deal.currency)} before tax, the deal "
            f"to {_money(deal.amount, deal.currency)}: give lines that add up to the deal, "
            "or send acceptAmountDifference: true.",
            field="lines",
            code=SalesError.DEAL_AMOUNT_MISMATCH,
        )
    return await _insert(conn, actor, checked, filled, deal_id)


def _money(amount: Any, currency: str) -> str:
    return f"{decimal_string(amount)} {currency}"


async def _won_deal(conn: AsyncConnection, actor: Actor, deal_id: UUID) -> Any:
    """The deal, locked (two requests for one deal cannot both pass the duplicate
    check); NotFound out of scope, DEAL_NOT_WON unless won, DUPLICATE when it has a
    live order."""
    query = (
        sa.select(deals.c.customer_id, deals.c.currency, deals.c.amount, deals.c.status)
        .where(deals.c.id == deal_id, in_scope(actor, "Deal"))
        .with_for_update()
    )
    deal = (await conn.execute(query)).first()
    if deal is None:
        raise NotFound("No such deal.", field="dealId")
    if deal.status != "won":
        raise DomainError(
            f"Only a won deal becomes an order; this one is {deal.status}.",
            field="dealId",
            code=SalesError.DEAL_NOT_WON,
        )
    existing = await repository.any_order_of_deal(conn, deal_id)
    if existing is not None and existing.status != "cancelled":
        raise DomainError(
            "This deal has an order already.", field="dealId", code=ErrorCode.DUPLICATE
        )
    return deal


async def update_order(
    conn: AsyncConnection, actor: Actor, order_id: UUID, version: int, draft: OrderDraft
) -> Order:
    """Edit a draft; lines, when given, replace all lines, and totals are recomputed.
    The currency stays the order's unless a new one is given. The order is locked and
    checked, the changes checked (one statement), then all written in one."""
    order = await _locked(conn, actor, order_id, version, "draft")
    changed = draft.changed
    customer_id = draft.customer_id if "customer_id" in changed else None
    warehouse_id = draft.warehouse_id if "warehouse_id" in changed else None
    items = None
    if "lines" in changed or "currency" in changed:
        items = draft.lines
        if items is None:
            items = [_as_input(i, r) for i, r in enumerate(await _lines(conn, order_id))]
    checked = Checked({})
    if customer_id is not None or warehouse_id is not None or items is not None:
        checked = await _checked(
            conn,
            actor,
            customer_id=customer_id,
            warehouse_id=warehouse_id,
            items=items,
            currency=draft.currency or order.currency,
        )
    values = dict(checked.values)
    if "notes" in changed:
        values["notes"] = (draft.notes or "").strip()
    return await order_writes.update_order_row(conn, order_id, values, lines=checked.lines)


def _as_input(position: int, line: OrderLine) -> LineInput:
    """A stored line to price again; one whose product is gone cannot be."""
    if line.product_id is None:
        raise NotFound("No such product.", field=f"lines.{position}.productId")
    return LineInput(
        line.product_id, line.quantity, line.unit_price, line.discount_percent, line.tax_rate
    )


# --------------------------------------------------------------------------- stock steps
def _movements(order: Any, lines: Sequence[Any], kind: str) -> list[Movement]:
    on_hand, reserved = {"reservation": (0, 1), "release": (0, -1), "shipment": (-1, -1)}[kind]
    return [
        Movement(
            line.product_id,
            order.warehouse_id,
            kind,
            on_hand * line.quantity,
            reserved * line.quantity,
            order_id=order.id,
        )
        for line in lines
    ]


async def _to_status(
    conn: AsyncConnection, actor: Actor, order: Order, status: str, stamp: str, event: str
) -> Order:
    """The locked `order` moved to `status` (its `stamp` time now), version bumped, and
    the webhook `event` queued, in one statement; the event tells the order as it
    becomes (its status is the only field of the payload that changes)."""
    payload = events.order(replace(order, status=status))
    return await order_writes.update_order_row(
        conn,
        order.id,
        {"status": status},
        stamp=stamp,
        event=event_parameters(actor.tenant_id, event, payload),
    )


async def _lines_within_credit(
    conn: AsyncConnection, actor: Actor, order: Order
) -> list[OrderLine]:
    """The order's lines, once it is known that confirming it keeps its customer within
    the credit limit (domain.sales.credit; the customer is locked between the order
    and the stock, unless the actor may override the limit)."""
    if may_override(actor):
        return _needs_lines(await _lines(conn, order.id))
    customer, lines = await lines_and_locked_limit(conn, order)
    _needs_lines(lines)
    await ensure_within_limit(conn, order, customer)
    return lines


def _needs_lines(lines: list[OrderLine]) -> list[OrderLine]:
    if not lines:
        raise DomainError("An order needs at least one line.", field="lines")
    return lines


async def confirm_order(
    conn: AsyncConnection, actor: Actor, order_id: UUID, version: int | None = None
) -> Order:
    """Reserve every line's stock in the order's warehouse, all or nothing: a shortfall
    is INSUFFICIENT_STOCK at each short line and nothing is reserved. An order that
    would take its customer over the credit limit is CREDIT_LIMIT_EXCEEDED.
    Four statements: the order locked, its lines (and credit), the stock reserved,
    the order confirmed (and its event queued); a fifth reads the exposure of a
    customer with a limit."""
    order = await _locked(conn, actor, order_id, version, "draft")
    lines = await _lines_within_credit(conn, actor, order)
    try:
        await apply(conn, actor, _movements(order, lines, "reservation"))
    except InsufficientStock as short:
        missing = {s.product_id: s for s in short.shortfalls}
        problems: list[DomainError] = [
            InsufficientStock([missing[line.product_id]], field=f"lines.{i}.quantity")
            for i, line in enumerate(lines)
            if line.product_id in missing
        ]
        raise (problems[0] if len(problems) == 1 else ValidationFailed(problems)) from None
    return await _to_status(conn, actor, order, "confirmed", "confirmed_at", "order.confirmed")


async def fulfill_order(
    conn: AsyncConnection, actor: Actor, order_id: UUID, version: int | None = None
) -> Order:
    """Ship a confirmed order: on hand and reserved both go down by each line."""
    order = await _locked(conn, actor, order_id, version, "confirmed")
    await apply(conn, actor, _movements(order, await _lines(conn, order_id), "shipment"))
    return await _to_status(conn, actor, order, "fulfilled", "fulfilled_at", "order.fulfilled")


async def cancel_order(
    conn: AsyncConnection, actor: Actor, order_id: UUID, version: int | None = None
) -> Order:
    """Cancel a draft or a confirmed order; a confirmed one releases its reservations."""
    order = await _locked(conn, actor, order_id, version, "draft", "confirmed")
    if order.status == "confirmed":
        await apply(conn, actor, _movements(order, await _lines(conn, order_id), "release"))
    return await _to_status(conn, actor, order, "cancelled", "cancelled_at", "order.cancelled")
