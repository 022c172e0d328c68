"""Concurrency: two admins deactivating each other at once never leave the tenant
without an active tenant admin (both changes take the tenant_admin role's lock)."""

import asyncio

import pytest
import sqlalchemy as sa

from domain.admin import services
from domain.errors import DomainError
from tenants.access.builtin import ADMIN_ROLE, builtin_policy
from tenants.models import users
from tenants.principal import Actor
from tenants.provisioning import role_id_by_key
from tenants.session import tenant_transaction


async def _blocked_on_a_lock(engine) -> bool:
    async with engine.connect() as conn:
        waiting = await conn.scalar(
            sa.text(
                "SELECT count(*) FROM pg_stat_activity "
                "WHERE wait_event_type = 'Lock' AND datname = current_database()"
            )
        )
    return bool(waiting)


async def test_two_admins_deactivating_each_other_leave_one_active(tenant):
    second = await tenant.user(ADMIN_ROLE)
    async with tenant.session() as conn:
        admin_role = await role_id_by_key(conn, ADMIN_ROLE)
    policy = builtin_policy(ADMIN_ROLE)

    def actor(user_id):
        return Actor(tenant.id, user_id, admin_role, ADMIN_ROLE, 1, policy)

    async def deactivate(by, whom, locked=None, release=None):
        async with tenant_transaction(tenant.engine, tenant.id, by) as conn:
            await services.set_active(conn, actor(by), whom, None, active=False)
            if locked is not None:
                locked.set()  # done, but not committed: its locks are held
                await release.wait()

    locked, release = asyncio.Event(), asyncio.Event()
    first = asyncio.create_task(deactivate(tenant.admin_id, second, locked, release))
    await locked.wait()
    other = asyncio.create_task(deactivate(second, tenant.admin_id))
    for _ in range(500):  # until the second waits for the first's lock (bounded)
        if other.done() or await _blocked_on_a_lock(tenant.engine):
            break
        await asyncio.sleep(0.01)
    release.set()
    await first
    with pytest.raises(DomainError) as refused:
        await other
    assert refused.value.code == "LAST_ADMIN"

    async with tenant.session() as conn:
        active = await conn.scalar(
            sa.select(sa.func.count()).where(users.c.role_id == admin_role, users.c.active)
        )
    assert active == 1
