"""The demo seeds inventory and orders in every state, with the ledger in step."""

from __future__ import annotations

import sqlalchemy as sa

from domain.demo import seed_demo
from domain.inventory.models import stock_levels
from domain.sales.models import sales_orders
from tenants.provisioning import tenant_id_by_slug
from tenants.session import tenant_transaction
from tests.backoffice import ledger_matches_levels


async def test_demo_orders_in_every_state(engine):
    await seed_demo(engine)
    async with engine.connect() as conn:
        tenant_id = await tenant_id_by_slug(conn, "acme")
    async with tenant_transaction(engine, tenant_id) as conn:
        statuses = set(await conn.scalars(sa.select(sales_orders.c.status)))
        assert statuses == {"draft", "confirmed", "fulfilled", "cancelled"}
        assert await ledger_matches_levels(conn)
        reserved = await conn.scalar(sa.select(sa.func.sum(stock_levels.c.reserved)))
        assert reserved == 9  # the confirmed order: 3 monitors and 6 cables
