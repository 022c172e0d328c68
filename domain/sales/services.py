"""Sales order use cases: draft, edit, confirm (reserve), fulfil (ship), cancel (release).

Every use case that touches stock locks the order row first, then the stock levels in
(product, warehouse) order (domain.inventory.stock), so concurrent confirmations queue
instead of deadlocking and never reserve more than is on hand. Totals follow the
rounding rule of domain.sales.pricing (per line, then summed).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from typing import Any
from uuid import UUID

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncConnection

from domain.crm.models import customers, deals
from domain.errors import DomainError, ErrorCode, NotFound, ValidationFailed
from domain.inventory.models import warehouses
from domain.inventory.repository import products_by_ids, sole_warehouses
from domain.inventory.stock import InsufficientStock, Movement, apply
from domain.kit.read_models import read
from domain.kit.rows import check_version
from domain.money import currency as currency_code
from domain.money import decimal_string
from domain.sales import repository
from domain.sales.credit import ensure_within_limit
from domain.sales.errors import SalesError
from domain.sales.models import sales_order_lines, sales_orders
from domain.sales.pricing import Line, LineInput, price_lines, totals
from domain.sales.read_models import Order, OrderLine
from domain.scope import in_scope
from domain.webhooks import events
from domain.webhooks.outbox import emit
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
async def _customer(conn: AsyncConnection, actor: Actor, customer_id: UUID) -> None:
    query = sa.select(customers.c.id).where(
        customers.c.id == customer_id, in_scope(actor, "Customer")
    )
    if await conn.scalar(query) is None:
        raise NotFound("No such customer.", field="customerId")


async def _warehouse(conn: AsyncConnection, warehouse_id: UUID | None) -> UUID:
    if warehouse_id is None:  # implied only when there is exactly one
        found = await sole_warehouses(conn)
        if not found:
            raise DomainError("Create a warehouse before taking orders.", field="warehouseId")
        if len(found) > 1:
            raise DomainError("Choose the warehouse the order ships from.", field="warehouseId")
        return found[0]
    if await conn.scalar(sa.select(warehouses.c.id).where(warehouses.c.id == warehouse_id)) is None:
        raise NotFound("No such warehouse.", field="warehouseId")
    return warehouse_id


async def _price(
    conn: AsyncConnection, items: Sequence[LineInput], currency: str | None
) -> tuple[str, list[Line]]:
    chosen = currency_code(currency) if currency else None
    found = await products_by_ids(conn, [i.product_id for i in items])
    return price_lines(items, found, chosen)


async def _write_lines(
    conn: AsyncConnection, actor: Actor, order_id: UUID, lines: Sequence[Line]
) -> dict[str, Any]:
    await conn.execute(sa.delete(sales_order_lines).where(sales_order_lines.c.order_id == order_id))
    await conn.execute(
        sa.insert(sales_order_lines),
        [
            {
                "tenant_id": actor.tenant_id,
                "order_id": order_id,
                **{k: v for k, v in asdict(line).items() if k != "cost"},
            }
            for line in lines
        ],
    )
    return asdict(totals(lines))


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


async def _set(conn: AsyncConnection, order_id: UUID, **values: Any) -> Order:
    row = (
        await conn.execute(
            sa.update(sales_orders)
            .where(sales_orders.c.id == order_id)
            .values(**values, version=sales_orders.c.version + 1)
            .returning(*sales_orders.c)
        )
    ).one()
    return read(Order, row)


async def _lines(conn: AsyncConnection, order_id: UUID) -> list[OrderLine]:
    return await repository.order_lines(conn, order_id)


# --------------------------------------------------------------------------- drafts
async def create_order(
    conn: AsyncConnection, actor: Actor, draft: OrderDraft, deal_id: UUID | None = None
) -> Order:
    """A draft order owned by the actor; prices default to the products' prices."""
    if draft.customer_id is None:
        raise DomainError("customerId is required.", field="customerId")
    await _customer(conn, actor, draft.customer_id)
    warehouse_id = await _warehouse(conn, draft.warehouse_id)
    currency, lines = await _price(conn, draft.lines or (), draft.currency)
    order_id = await conn.scalar(
        sa.insert(sales_orders)
        .values(
            tenant_id=actor.tenant_id,
            customer_id=draft.customer_id,
            deal_id=deal_id,
            warehouse_id=warehouse_id,
            owner_id=actor.user_id,
            currency=currency,
            notes=(draft.notes or "").strip(),
        )
        .returning(sales_orders.c.id)
    )
    amounts = await _write_lines(conn, actor, order_id, lines)
    await conn.execute(
        sa.update(sales_orders).where(sales_orders.c.id == order_id).values(**amounts)
    )
    return (await repository.orders_by_ids(conn, actor, [order_id]))[order_id]


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
    order = await create_order(conn, actor, filled, deal_id=deal_id)
    if order.subtotal != deal.amount and not accept_amount_difference:
        raise DomainError(
            f"The lines come to {_money(order.subtotal, deal.currency)} before tax, the deal "
            f"to {_money(deal.amount, deal.currency)}: give lines that add up to the deal, "
            "or send acceptAmountDifference: true.",
            field="lines",
            code=SalesError.DEAL_AMOUNT_MISMATCH,
        )
    return order


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
    The currency stays the order's unless a new one is given."""
    order = await _locked(conn, actor, order_id, version, "draft")
    values: dict[str, Any] = {}
    if "customer_id" in draft.changed and draft.customer_id is not None:
        await _customer(conn, actor, draft.customer_id)
        values["customer_id"] = draft.customer_id
    if "warehouse_id" in draft.changed and draft.warehouse_id is not None:
        values["warehouse_id"] = await _warehouse(conn, draft.warehouse_id)
    if "notes" in draft.changed:
        values["notes"] = (draft.notes or "").strip()
    if "lines" in draft.changed or "currency" in draft.changed:
        items = draft.lines
        if items is None:
            items = [_as_input(i, r) for i, r in enumerate(await _lines(conn, order_id))]
        chosen = draft.currency or order.currency
        values["currency"], lines = await _price(conn, items, chosen)
        values.update(await _write_lines(conn, actor, order_id, lines))
    return await _set(conn, order_id, **values)


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


async def confirm_order(
    conn: AsyncConnection, actor: Actor, order_id: UUID, version: int | None = None
) -> Order:
    """Reserve every line's stock in the order's warehouse, all or nothing: a shortfall
    is INSUFFICIENT_STOCK at each short line and nothing is reserved. An order that
    would take its customer over the credit limit is CREDIT_LIMIT_EXCEEDED
    (domain.sales.credit; locks the customer between the order and the stock)."""
    order = await _locked(conn, actor, order_id, version, "draft")
    lines = await _lines(conn, order_id)
    if not lines:
        raise DomainError("An order needs at least one line.", field="lines")
    await ensure_within_limit(conn, actor, order)
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
    row = await _set(conn, order_id, status="confirmed", confirmed_at=sa.func.now())
    await emit(conn, actor.tenant_id, "order.confirmed", events.order(row))
    return row


async def fulfill_order(
    conn: AsyncConnection, actor: Actor, order_id: UUID, version: int | None = None
) -> Order:
    """Ship a confirmed order: on hand and reserved both go down by each line."""
    order = await _locked(conn, actor, order_id, version, "confirmed")
    await apply(conn, actor, _movements(order, await _lines(conn, order_id), "shipment"))
    row = await _set(conn, order_id, status="fulfilled", fulfilled_at=sa.func.now())
    await emit(conn, actor.tenant_id, "order.fulfilled", events.order(row))
    return row


async def cancel_order(
    conn: AsyncConnection, actor: Actor, order_id: UUID, version: int | None = None
) -> Order:
    """Cancel a draft or a confirmed order; a confirmed one releases its reservations."""
    order = await _locked(conn, actor, order_id, version, "draft", "confirmed")
    if order.status == "confirmed":
        await apply(conn, actor, _movements(order, await _lines(conn, order_id), "release"))
    row = await _set(conn, order_id, status="cancelled", cancelled_at=sa.func.now())
    await emit(conn, actor.tenant_id, "order.cancelled", events.order(row))
    return row
