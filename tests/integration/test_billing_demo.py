"""The billing demo on its own: invoices in every state from whatever orders there are
(the full demo is checked in test_backoffice_demo.py)."""

from __future__ import annotations

from collections import Counter
from decimal import Decimal

import sqlalchemy as sa

from domain.billing import demo
from domain.billing.models import credit_notes, invoices
from domain.billing.repository import amount_due, is_overdue
from domain.demo import DemoSeed
from tests.support.orders import arrange_order


async def test_demo_invoices_cover_every_state(tenant):
    async with tenant.session(tenant.admin_id) as conn:
        for _ in range(len(demo.KINDS)):
            await arrange_order(conn, tenant.id, tenant.admin_id)  # payment terms 30 days
        await demo.seed(DemoSeed(conn, tenant.id, tenant.slug, {"tenant_admin": tenant.admin_id}))
        rows = (await conn.execute(sa.select(invoices).order_by(invoices.c.sequence))).all()
        credited = await conn.scalar(sa.select(sa.func.sum(credit_notes.c.amount)))
    numbers = [r.number for r in rows if r.number]
    assert len(set(numbers)) == len(numbers) == len(demo.KINDS) - 1  # 2 drafts, 1 re-billed
    states = Counter((r.status, is_overdue(r), amount_due(r) == 0) for r in rows)
    assert states == {
        ("draft", False, False): 2,
        ("issued", False, False): 3,  # two open, one credited (due today)
        ("issued", True, False): 2,
        ("partially_paid", False, False): 1,
        ("partially_paid", True, False): 1,
        ("paid", False, True): 4,  # three paid, one re-billed after a void
        ("void", False, True): 1,
    }
    assert credited == Decimal("12.0000")  # 10% of 120


async def test_demo_without_orders_makes_no_invoices(tenant):
    async with tenant.session(tenant.admin_id) as conn:
        await demo.seed(DemoSeed(conn, tenant.id, tenant.slug, {"tenant_admin": tenant.admin_id}))
        assert await conn.scalar(sa.select(sa.func.count()).select_from(invoices)) == 0
