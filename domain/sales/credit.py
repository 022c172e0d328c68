"""Credit control: confirming an order may not take its customer's exposure over the
customer's credit limit.

Exposure, in the limit's currency only (amounts in different currencies never add up,
so an order or invoice in another currency neither counts against a limit nor is held
by it):

    what open invoices (issued, part-paid) still owe
  + the totals of confirmed and fulfilled orders no live invoice bills yet
    (none issued, part-paid or paid; a draft or void one bills nothing)
  + the total of the order being confirmed (tax included, as its invoice will be)

A role with the SalesOrder action `override_credit_limit` confirms over the limit.
The customer row is locked for the rest of the confirming transaction, so two
confirmations for one customer queue and the second one counts the first.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncConnection

from domain.billing.models import invoices
from domain.billing.repository import OPEN
from domain.crm.models import customers
from domain.errors import DomainError
from domain.kit.read_models import read
from domain.money import decimal_string
from domain.sales.errors import SalesError
from domain.sales.models import sales_order_lines, sales_orders
from domain.sales.read_models import OrderLine
from domain.sales.repository import LINE_SELECT
from tenants.principal import Actor

OVERRIDE = "override_credit_limit"
BILLING = ("issued", "partially_paid", "paid")  # an invoice that bills its order
UNBILLED = ("confirmed", "fulfilled")


def _lines_and_locked_limit() -> sa.Select[Any]:
    lines = LINE_SELECT.where(
        sales_order_lines.c.order_id == sa.bindparam("locked_order")
    ).subquery("line")
    return (
        sa.select(customers.c.credit_limit, customers.c.credit_currency, lines)
        .select_from(customers.outerjoin(lines, sa.true()))
        .where(customers.c.id == sa.bindparam("locked_customer"))
        .order_by(lines.c.position)
        .with_for_update(of=customers, key_share=True)
    )


LINES_AND_LOCKED_LIMIT = _lines_and_locked_limit()


async def lines_and_locked_limit(conn: AsyncConnection, order: Any) -> tuple[Any, list[OrderLine]]:
    """The customer's limit, the row locked FOR NO KEY UPDATE (that queues concurrent
    confirmations but not the inserts of orders and invoices that reference it), and
    the order's lines, in one statement. The caller holds the order locked already, so
    its lines cannot change; the exposure is read after this, once the lock is held."""
    params = {"locked_order": order.id, "locked_customer": order.customer_id}
    rows = (await conn.execute(LINES_AND_LOCKED_LIMIT, params)).all()
    return rows[0], [read(OrderLine, r) for r in rows if r.id is not None]


async def exposure(conn: AsyncConnection, customer_id: Any, currency: str) -> Decimal:
    """What the customer owes and has ordered unbilled, in `currency` (see above)."""
    due = invoices.c.total - invoices.c.amount_paid - invoices.c.amount_credited
    owed = sa.select(sa.func.coalesce(sa.func.sum(due), 0)).where(
        invoices.c.customer_id == customer_id,
        invoices.c.currency == currency,
        invoices.c.status.in_(OPEN),
    )
    billed = sa.exists().where(
        invoices.c.tenant_id == sales_orders.c.tenant_id,
        invoices.c.order_id == sales_orders.c.id,
        invoices.c.status.in_(BILLING),
    )
    ordered = sa.select(sa.func.coalesce(sa.func.sum(sales_orders.c.total), 0)).where(
        sales_orders.c.customer_id == customer_id,
        sales_orders.c.currency == currency,
        sales_orders.c.status.in_(UNBILLED),
        ~billed,
    )
    total = await conn.scalar(sa.select(owed.scalar_subquery() + ordered.scalar_subquery()))
    return Decimal(total or 0)  # both sums coalesce to 0: never NULL


def exceeds_limit(exposure: Decimal, order_total: Decimal, limit: Decimal) -> bool:
    """Confirming takes the exposure to exactly the limit at most; reaching it is fine."""
    return exposure + order_total > limit


def may_override(actor: Actor) -> bool:
    return actor.policy.can("SalesOrder", OVERRIDE)


async def ensure_within_limit(conn: AsyncConnection, order: Any, customer: Any) -> None:
    """CREDIT_LIMIT_EXCEEDED when confirming `order` would take its customer over the
    limit; `customer` is its limit as lines_and_locked_limit read it (locked)."""
    if customer.credit_limit is None or customer.credit_currency != order.currency:
        return
    before = await exposure(conn, order.customer_id, order.currency)
    if exceeds_limit(before, order.total, customer.credit_limit):
        code = order.currency
        raise DomainError(
            f"Confirming this order ({decimal_string(order.total)} {code}) would take the "
            f"customer's exposure from {decimal_string(before)} to "
            f"{decimal_string(before + order.total)} {code}, over its credit limit of "
            f"{decimal_string(customer.credit_limit)} {code}. Ask someone who may override "
            "the credit limit, or have accounting raise it.",
            field="id",
            code=SalesError.CREDIT_LIMIT_EXCEEDED,
        )
