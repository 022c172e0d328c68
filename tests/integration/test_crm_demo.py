"""The CRM demo: a few hundred records per tenant, the same ones every time."""

from __future__ import annotations

import sqlalchemy as sa

from domain.crm import demo
from domain.crm.models import activities, customers, deals, leads
from domain.demo import DemoSeed


async def _seed(tenant):
    users = {role: await tenant.user(role) for role in ("sales_rep", "sales_manager")}
    async with tenant.session() as conn:
        await demo.seed(DemoSeed(conn, tenant.id, "acme", users))
    return users


async def _snapshot(tenant):
    async with tenant.session() as conn:
        found = {}
        for table, column in ((customers, "name"), (leads, "email"), (deals, "amount")):
            found[table.name] = list(
                await conn.scalars(sa.select(table.c[column]).order_by(table.c.id))
            )
        found["statuses"] = dict(
            (
                await conn.execute(
                    sa.select(deals.c.status, sa.func.count()).group_by(deals.c.status)
                )
            ).all()
        )
        found["activities"] = await conn.scalar(sa.select(sa.func.count()).select_from(activities))
        return found


async def test_demo_is_deterministic_and_spread_over_the_pipeline(make_tenant):
    one, two = await make_tenant("One"), await make_tenant("Two")
    users = await _seed(one)
    await _seed(two)
    first, second = await _snapshot(one), await _snapshot(two)
    assert first == second  # same slug, same data
    assert len(first["customers"]) == demo.CUSTOMERS and len(first["leads"]) == demo.LEADS
    assert set(first["statuses"]) == {"open", "won", "lost"}
    assert first["activities"] == demo.ACTIVITIES
    async with one.session() as conn:
        owners = set(await conn.scalars(sa.select(deals.c.owner_id).distinct()))
    assert owners == {users["sales_rep"], users["sales_manager"]}
