"""Provisioning a tenant: the tenancy records, then each area's defaults."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from uuid import UUID

from sqlalchemy.ext.asyncio import AsyncConnection

from domain.crm import defaults as crm_defaults
from tenants.provisioning import ProvisionedTenant, create_tenant

# An area seeds what every new tenant starts with (the default sales pipeline, say)
# in `domain/<area>/defaults.py: async def seed_defaults(conn, tenant_id)`, called with
# the transaction bound to the new tenant.
TenantSeeder = Callable[[AsyncConnection, UUID], Awaitable[None]]

# Every area's defaults, in area order (tenants.access.areas).
AREA_DEFAULTS: tuple[TenantSeeder, ...] = (crm_defaults.seed_defaults,)


async def provision_tenant(
    conn: AsyncConnection, *, slug: str, name: str, admin_email: str, admin_name: str = "Admin"
) -> ProvisionedTenant:
    tenant = await create_tenant(
        conn, slug=slug, name=name, admin_email=admin_email, admin_name=admin_name
    )
    for seed_defaults in AREA_DEFAULTS:
        await seed_defaults(conn, tenant.id)
    return tenant
