"""Back-office reports, each one SQL statement: revenue by month, receivables aging,
stock valuation and order margins. Amounts are never summed across currencies."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncConnection

from domain.billing.models import credit_notes, invoices, payments
from domain.billing.repository import OPEN
from domain.inventory.models import products, stock_levels, warehouses
from domain.sales.models import sales_order_lines, sales_orders
from domain.scope import in_scope
from tenants.principal import Actor

ISSUED = ("issued", "partially_paid", "paid")
ZERO = sa.cast(0, invoices.c.total.type)


def _month(column: Any) -> Any:
    return sa.cast(sa.func.date_trunc("month", column), sa.Date)


def _same_tenant(a: sa.Table, b: sa.Table, key: str) -> sa.ColumnElement[bool]:
    return sa.and_(a.c.tenant_id == b.c.tenant_id, a.c[key] == b.c.id)


async def revenue_by_month(
    conn: AsyncConnection, actor: Actor, since: date, until: date
) -> list[Any]:
    """Per month and currency: invoiced (issued totals less credit notes, by issue date;
    void invoices left out) and paid (payments, by the day they were paid), of the
    invoices in the reader's scope."""
    scope = in_scope(actor, "RevenueReport")  # a condition on invoices
    issued = sa.select(
        _month(invoices.c.issue_date).label("month"),
        invoices.c.currency,
        invoices.c.total.label("invoiced"),
        ZERO.label("paid"),
    ).where(invoices.c.status.in_(ISSUED), invoices.c.issue_date.between(since, until), scope)
    credited = (
        sa.select(
            _month(credit_notes.c.issue_date),
            credit_notes.c.currency,
            -credit_notes.c.amount,
            ZERO,
        )
        .select_from(
            credit_notes.join(invoices, _same_tenant(credit_notes, invoices, "invoice_id"))
        )
        .where(invoices.c.status != "void", credit_notes.c.issue_date.between(since, until), scope)
    )
    paid = sa.select(
        _month(payments.c.paid_on), payments.c.currency, ZERO, payments.c.amount
    ).where(
        payments.c.paid_on.between(since, until),
        payments.c.invoice_id.in_(sa.select(invoices.c.id).where(scope).correlate(None)),
    )
    moves = sa.union_all(issued, credited, paid).subquery()
    query = (
        sa.select(
            moves.c.month,
            moves.c.currency,
            sa.func.sum(moves.c.invoiced).label("invoiced"),
            sa.func.sum(moves.c.paid).label("paid"),
        )
        .group_by(moves.c.month, moves.c.currency)
        .order_by(moves.c.month, moves.c.currency)
    )
    return list((await conn.execute(query)).all())


AGING_BUCKETS = (
    ("current", None, 0),
    ("days_1_to_30", 1, 30),
    ("days_31_to_60", 31, 60),
    ("days_61_to_90", 61, 90),
    ("over_90", 91, None),
)


async def receivables_aging(conn: AsyncConnection, actor: Actor, as_of: date) -> list[Any]:
    """Per currency: what open invoices issued by `as_of` still owe, by days past due
    (those in the reader's scope)."""
    due = invoices.c.total - invoices.c.amount_paid - invoices.c.amount_credited
    late = sa.literal(as_of, sa.Date) - invoices.c.due_date
    columns = []
    for name, low, high in AGING_BUCKETS:
        bounds = [late >= low] if low is not None else []
        bounds += [late <= high] if high is not None else []
        columns.append(sa.func.coalesce(sa.func.sum(due).filter(*bounds), ZERO).label(name))
    query = (
        sa.select(invoices.c.currency, *columns, sa.func.sum(due).label("total"))
        .where(
            invoices.c.status.in_(OPEN),
            invoices.c.issue_date <= as_of,
            in_scope(actor, "ArAgingReport"),
        )
        .group_by(invoices.c.currency)
        .order_by(invoices.c.currency)
    )
    return list((await conn.execute(query)).all())


async def stock_valuation(conn: AsyncConnection, actor: Actor) -> list[Any]:
    """Every stock level on hand, valued at the product's unit cost (null when unknown)."""
    query = (
        sa.select(
            stock_levels.c.product_id,
            stock_levels.c.warehouse_id,
            stock_levels.c.on_hand,
            products.c.unit_cost,
            (stock_levels.c.on_hand * products.c.unit_cost).label("value"),
            products.c.currency,
        )
        .select_from(
            stock_levels.join(products, _same_tenant(stock_levels, products, "product_id")).join(
                warehouses, _same_tenant(stock_levels, warehouses, "warehouse_id")
            )
        )
        .where(stock_levels.c.on_hand > 0, in_scope(actor, "StockValuationReport"))
        .order_by(products.c.sku, warehouses.c.code)
    )
    return list((await conn.execute(query)).all())


async def order_margins(
    conn: AsyncConnection, actor: Actor, since: date, until: date, limit: int
) -> list[Any]:
    """Confirmed and fulfilled orders created in [since, until] in the reader's scope:
    revenue before tax, cost from the unit costs frozen on their lines, margin and
    margin percent."""
    cost = (
        sa.select(
            sa.func.coalesce(
                sa.func.sum(sales_order_lines.c.quantity * sales_order_lines.c.unit_cost), 0
            )
        )
        .where(
            sales_order_lines.c.tenant_id == sales_orders.c.tenant_id,
            sales_order_lines.c.order_id == sales_orders.c.id,
        )
        .scalar_subquery()
    )
    rows = (
        sa.select(
            sales_orders.c.id,
            sales_orders.c.currency,
            sales_orders.c.subtotal.label("revenue"),
            cost.label("cost"),
        )
        .where(
            sales_orders.c.status.in_(("confirmed", "fulfilled")),
            sa.cast(sales_orders.c.created_at, sa.Date).between(since, until),
            in_scope(actor, "SalesOrder"),  # its reader reads those orders' margins
        )
        .order_by(sales_orders.c.created_at, sales_orders.c.id)
        .limit(limit)
    )
    return list((await conn.execute(rows)).all())


def margin_percent(revenue: Decimal, margin: Decimal) -> Decimal | None:
    if revenue == 0:
        return None
    return (margin * 100 / revenue).quantize(Decimal("0.01"))
