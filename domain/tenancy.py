"""Provisioning a tenant: the tenancy records, then each area's defaults."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from uuid import UUID

from sqlalchemy.ext.asyncio import AsyncConnection

from tenants.provisioning import ProvisionedTenant, create_tenant

# Each area appends a coroutine that seeds what every new tenant starts with
# (the default sales pipeline, say). Called with the transaction bound to the tenant.
TenantSeeder = Callable[[AsyncConnection, UUID], Awaitable[None]]
TENANT_DEFAULTS: list[TenantSeeder] = []


async def provision_tenant(
    conn: AsyncConnection, *, slug: str, name: str, admin_email: str, admin_name: str = "Admin"
) -> ProvisionedTenant:
    tenant = await create_tenant(
        conn, slug=slug, name=name, admin_email=admin_email, admin_name=admin_name
    )
    for seed in TENANT_DEFAULTS:
        await seed(conn, tenant.id)
    return tenant
