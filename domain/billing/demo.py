"""Demo invoices from the demo orders, when the sales demo made any: overdue and
part-paid, paid, open, and overdue (issued long enough ago to be past due)."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from typing import Any
from uuid import uuid4

import sqlalchemy as sa

from domain.billing import services
from domain.billing.repository import today_utc
from domain.demo import DemoSeed
from domain.sales.models import sales_orders
from tenants.access.builtin import ADMIN_ROLE, builtin_policy
from tenants.principal import Actor

# (what it shows, issued days ago, share paid): the most telling first, as the sales
# demo may have only a couple of confirmed or fulfilled orders
KINDS = (
    ("overdue, part-paid", 75, Decimal("0.5")),
    ("paid", 10, Decimal(1)),
    ("open", 5, Decimal(0)),
    ("overdue", 60, Decimal(0)),
)


async def seed(demo: DemoSeed) -> None:
    orders = (
        await demo.conn.execute(
            sa.select(sales_orders.c.id)
            .where(sales_orders.c.status.in_(services.INVOICEABLE_ORDERS))
            .order_by(sales_orders.c.created_at, sales_orders.c.id)
            .limit(4)
        )
    ).all()
    if not orders:
        return
    actor = Actor(
        tenant_id=demo.tenant_id,
        user_id=demo.users.get("accountant", demo.users[ADMIN_ROLE]),
        role_id=uuid4(),
        role_key=ADMIN_ROLE,
        role_version=0,
        policy=builtin_policy(ADMIN_ROLE),
    )
    today = today_utc()
    for kind, order in zip(KINDS, orders, strict=False):
        await _invoice(demo, actor, order.id, kind, today)


async def _invoice(
    demo: DemoSeed, actor: Actor, order_id: Any, kind: tuple[str, int, Decimal], today: Any
) -> None:
    name, days_ago, share = kind
    conn = demo.conn
    draft = await services.create_invoice_from_order(conn, actor, order_id, f"Demo: {name}")
    issued_on = today - timedelta(days=days_ago)
    invoice = await services.issue_invoice(conn, actor, draft.id, None, today=issued_on)
    if share:
        await services.record_payment(
            conn,
            actor,
            invoice.id,
            amount=(invoice.total * share).quantize(Decimal("0.01")),
            currency_code=invoice.currency,
            paid_on=today,
            method="bank transfer",
            reference=f"DEMO-{invoice.number}",
        )
