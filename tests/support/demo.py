"""Every area's demo data (domain/<area>/demo.py) in a test tenant, as `atrium serve
--demo` seeds it, with a user for every built-in role."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from domain.demo import AREA_DEMOS, DemoSeed
from tenants.access.builtin import ADMIN_ROLE, BUILTIN_ROLES


async def seed_every_area(tenant: Any) -> dict[str, UUID]:
    """Seed every area's demo into `tenant` (a TenantHandle) in one transaction as its
    admin; return the user of each built-in role, keyed by role."""
    users = {ADMIN_ROLE: tenant.admin_id}
    for role in BUILTIN_ROLES:
        if role.key != ADMIN_ROLE:
            users[role.key] = await tenant.user(role.key)
    async with tenant.session(tenant.admin_id) as conn:
        for seed in AREA_DEMOS:
            await seed(DemoSeed(conn, tenant.id, tenant.slug, users))
    return users
