"""Provisioning a tenant: the tenancy records, then each area's defaults; and an
operator's user (`atrium user create`). What is asked is checked here first, so a
mistake is a DomainError saying what is wrong, not a failed statement."""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable
from uuid import UUID

from sqlalchemy.ext.asyncio import AsyncConnection

from domain.crm import defaults as crm_defaults
from domain.errors import DomainError, ErrorCode, NotFound
from domain.kit.checks import email, required_text
from tenants.provisioning import (
    ProvisionedTenant,
    create_tenant,
    create_user,
    role_id_by_key,
    tenant_id_by_slug,
    user_id_by_email,
)

# the rule atrium_create_tenant enforces (migration 0001), which stays the backstop
SLUG = re.compile(r"^[a-z0-9][a-z0-9-]{1,62}$")

# An area seeds what every new tenant starts with (the default sales pipeline, say)
# in `domain/<area>/defaults.py: async def seed_defaults(conn, tenant_id)`, called with
# the transaction bound to the new tenant.
TenantSeeder = Callable[[AsyncConnection, UUID], Awaitable[None]]

# Every area's defaults, in area order (tenants.access.areas).
AREA_DEFAULTS: tuple[TenantSeeder, ...] = (crm_defaults.seed_defaults,)


async def provision_tenant(
    conn: AsyncConnection, *, slug: str, name: str, admin_email: str, admin_name: str = "Admin"
) -> ProvisionedTenant:
    if not SLUG.match(slug):
        raise DomainError(
            f"{slug!r} is not a valid slug: 2 to 63 lowercase letters, digits and hyphens, "
            "starting with a letter or digit.",
            field="slug",
        )
    name = required_text(name, "name", max_length=200)
    admin_email = _email(admin_email, "adminEmail")
    if await tenant_id_by_slug(conn, slug) is not None:
        raise DomainError(
            f"a tenant {slug!r} already exists.", field="slug", code=ErrorCode.DUPLICATE
        )
    tenant = await create_tenant(
        conn, slug=slug, name=name, admin_email=admin_email, admin_name=admin_name
    )
    for seed_defaults in AREA_DEFAULTS:
        await seed_defaults(conn, tenant.id)
    return tenant


async def add_user(
    conn: AsyncConnection,
    tenant_id: UUID,
    *,
    email: str,
    name: str,
    role_key: str,
    external_subject: str | None = None,
) -> UUID:
    """A user of the tenant the transaction is bound to, with the role of that key: what
    an operator adds from the command line (trusted with any role)."""
    address = _email(email, "email")
    name = required_text(name, "name", max_length=200)
    if await role_id_by_key(conn, role_key) is None:
        raise NotFound(f"no role {role_key!r} in this tenant.", field="role")
    if await user_id_by_email(conn, address) is not None:
        raise DomainError(
            f"{address} is already a user of this tenant.",
            field="email",
            code=ErrorCode.DUPLICATE,
        )
    return await create_user(
        conn,
        tenant_id=tenant_id,
        email=address,
        name=name,
        role_key=role_key,
        external_subject=external_subject,
    )


def _email(value: str, field: str) -> str:
    address = required_text(value, field, max_length=254).lower()
    email(address, field)
    return address
