"""The billing demo: issued, part-paid, paid and overdue invoices from the demo orders."""

from __future__ import annotations

import sqlalchemy as sa

from domain.billing import demo
from domain.billing.models import invoices
from domain.billing.repository import amount_due, is_overdue
from domain.demo import DemoSeed
from tests.arrange_orders import arrange_order


async def test_demo_invoices_cover_every_state(tenant):
    async with tenant.session(tenant.admin_id) as conn:
        for _ in range(4):
            await arrange_order(conn, tenant.id, tenant.admin_id)
        await demo.seed(DemoSeed(conn, tenant.id, tenant.slug, {"tenant_admin": tenant.admin_id}))
        rows = (await conn.execute(sa.select(invoices).order_by(invoices.c.sequence))).all()
    assert len({r.number for r in rows}) == 4 and all(r.number for r in rows)
    states = sorted((r.status, is_overdue(r), amount_due(r) == 0) for r in rows)
    assert states == [
        ("issued", False, False),
        ("issued", True, False),
        ("paid", False, True),
        ("partially_paid", False, False),
    ]


async def test_demo_without_orders_makes_no_invoices(tenant):
    async with tenant.session(tenant.admin_id) as conn:
        await demo.seed(DemoSeed(conn, tenant.id, tenant.slug, {"tenant_admin": tenant.admin_id}))
        assert await conn.scalar(sa.select(sa.func.count()).select_from(invoices)) == 0
