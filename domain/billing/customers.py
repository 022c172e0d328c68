"""What the back office adds to a CRM customer: its latest orders and invoices, and
its receivables (payment status, overdue amount). One statement per relation for a
whole page of customers."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any
from uuid import UUID

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncConnection

from domain.billing.models import invoices
from domain.billing.repository import OPEN, overdue_condition, today_utc
from domain.kit.read_models import read
from domain.ranking import first_per_parent
from domain.sales.models import sales_orders
from domain.sales.read_models import Order
from domain.scope import in_scope
from tenants.principal import Actor

# A customer's `orders` and `invoices` answer at most this many, the newest: the read
# applies it, ranked per customer in SQL (api/cost.py counts it).
LATEST = 50
ZERO = sa.cast(0, invoices.c.total.type)


async def _latest(
    conn: AsyncConnection, table: sa.Table, customer_ids: Iterable[UUID], *where: Any
) -> dict[UUID, list[Any]]:
    query = sa.select(table).where(table.c.customer_id.in_(list(customer_ids)), *where)
    newest = (table.c.created_at.desc(), table.c.id)
    ranked = first_per_parent(query, table.c.customer_id, newest, LATEST)
    query = sa.select(ranked).order_by(ranked.c.customer_id, ranked.c.rank)
    out: dict[UUID, list[Any]] = defaultdict(list)
    for row in (await conn.execute(query)).all():
        out[row.customer_id].append(row)
    return out


async def invoices_by_customer(
    conn: AsyncConnection, actor: Actor, customer_ids: Iterable[UUID]
) -> dict[UUID, list[Any]]:
    return await _latest(conn, invoices, customer_ids, in_scope(actor, "Invoice"))


async def orders_by_customer(
    conn: AsyncConnection, actor: Actor, customer_ids: Iterable[UUID]
) -> dict[UUID, list[Order]]:
    latest = await _latest(conn, sales_orders, customer_ids, in_scope(actor, "SalesOrder"))
    return {customer: [read(Order, r) for r in rows] for customer, rows in latest.items()}


@dataclass(frozen=True)
class Receivables:
    """A customer's open balance, for `Customer.paymentStatus` and `overdueAmount`.
    Amounts are per currency: invoices in different currencies never add up."""

    invoiced: int = 0  # issued invoices, void ones left out
    open_amounts: Mapping[str, Decimal] = field(default_factory=dict)  # > 0 only
    overdue_amounts: Mapping[str, Decimal] = field(default_factory=dict)  # > 0 only

    @property
    def payment_status(self) -> str:
        if self.invoiced == 0:
            return "no_invoices"
        if self.overdue_amounts:
            return "overdue"
        return "open" if self.open_amounts else "paid"


NO_RECEIVABLES = Receivables()


async def receivables_by_customer(
    conn: AsyncConnection, customer_ids: Iterable[UUID], today: date | None = None
) -> dict[UUID, Receivables]:
    """Every invoice counts here, whatever the caller's Invoice scope: the derived
    status is granted on its own (ACCESS.md) and reveals no single invoice."""
    due = invoices.c.total - invoices.c.amount_paid - invoices.c.amount_credited
    is_open = invoices.c.status.in_(OPEN)
    query = (
        sa.select(
            invoices.c.customer_id,
            invoices.c.currency,
            sa.func.count().label("invoiced"),
            sa.func.coalesce(sa.func.sum(due).filter(is_open), ZERO).label("open_amount"),
            sa.func.coalesce(
                sa.func.sum(due).filter(overdue_condition(today or today_utc())), ZERO
            ).label("overdue_amount"),
        )
        .where(
            invoices.c.customer_id.in_(list(customer_ids)),
            invoices.c.status.not_in(("draft", "void")),
        )
        .group_by(invoices.c.customer_id, invoices.c.currency)
        .order_by(invoices.c.customer_id, invoices.c.currency)
    )
    found: dict[UUID, Receivables] = {}
    for r in (await conn.execute(query)).all():
        before = found.get(r.customer_id, NO_RECEIVABLES)
        found[r.customer_id] = Receivables(
            before.invoiced + r.invoiced,
            _with(before.open_amounts, r.currency, r.open_amount),
            _with(before.overdue_amounts, r.currency, r.overdue_amount),
        )
    return found


def _with(amounts: Mapping[str, Decimal], currency: str, amount: Decimal) -> Mapping[str, Decimal]:
    return {**amounts, currency: amount} if amount > 0 else amounts
