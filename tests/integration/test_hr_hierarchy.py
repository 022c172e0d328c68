"""Two concurrent manager changes that would each be fine alone but close a cycle
together: the second waits for the first and is refused."""

from __future__ import annotations

import asyncio

import sqlalchemy as sa

from domain.errors import DomainError
from domain.hr import services
from domain.hr.models import Changes, employees
from tenants.access.builtin import builtin_policy
from tenants.principal import Actor
from tests.support.hr import add_employee

WAITING = sa.text("SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND NOT granted")


async def test_concurrent_edits_cannot_close_a_manager_cycle(tenant, engine):
    a = await add_employee(tenant, "Ada")
    b = await add_employee(tenant, "Bo")
    actor = Actor(
        tenant.id, tenant.admin_id, tenant.admin_id, "hr_manager", 1, builtin_policy("hr_manager")
    )

    def report(employee, manager):
        return Changes({"manager_id": manager}, id=employee, version=1)

    async with tenant.session(tenant.admin_id) as first:
        await services.update_employee(first, actor, report(a, b))  # a -> b, not committed yet

        async def second():
            async with tenant.session(tenant.admin_id) as conn:
                await services.update_employee(conn, actor, report(b, a))  # b -> a

        task = asyncio.create_task(second())
        async with engine.connect() as probe:
            while not await probe.scalar(WAITING):  # the second edit waits on the lock
                assert not task.done(), task.exception()
                await asyncio.sleep(0.01)
    # the first commits; the second then sees a -> b and refuses b -> a
    try:
        await task
        raise AssertionError("the second edit should have been refused")
    except DomainError as error:
        assert error.code == "MANAGER_CYCLE"
    async with tenant.session() as conn:
        rows = dict((await conn.execute(sa.select(employees.c.id, employees.c.manager_id))).all())
    assert rows == {a: b, b: None}
