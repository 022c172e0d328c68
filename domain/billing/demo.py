"""Demo invoices from the demo orders, when the sales demo made any: one issued and
open, one part-paid, one paid and one overdue (issued long enough ago)."""

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
    for kind, order in zip(("open", "part_paid", "paid", "overdue"), orders, strict=False):
        await _invoice(demo, actor, order.id, kind, today)


async def _invoice(demo: DemoSeed, actor: Actor, order_id: Any, kind: str, today: Any) -> None:
    conn = demo.conn
    draft = await services.create_invoice_from_order(conn, actor, order_id, f"Demo: {kind}")
    issued_on = today - timedelta(days=75) if kind == "overdue" else today - timedelta(days=5)
    invoice = await services.issue_invoice(conn, actor, draft.id, None, today=issued_on)
    if kind in ("part_paid", "paid"):
        amount = invoice.total if kind == "paid" else (invoice.total / 2).quantize(Decimal("0.01"))
        await services.record_payment(
            conn,
            actor,
            invoice.id,
            amount=amount,
            currency_code=invoice.currency,
            paid_on=today,
            method="bank transfer",
            reference=f"DEMO-{invoice.number}",
        )
