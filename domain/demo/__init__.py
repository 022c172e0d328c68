"""The demo: two tenants, `acme` and `globex`, with a user for every built-in role.

Idempotent: a tenant that exists already is left as it is. Each area adds its demo
data in `domain/<area>/demo.py: async def seed(demo: DemoSeed)`, listed in `AREA_DEMOS` and
called in area order with the transaction bound to the tenant.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from uuid import UUID

from sqlalchemy.ext.asyncio import AsyncEngine

from domain.billing import demo as billing_demo
from domain.crm import demo as crm_demo
from domain.demo_seed import DemoSeed, demo_email
from domain.hr import demo as hr_demo
from domain.inventory import demo as inventory_demo
from domain.sales import demo as sales_demo
from domain.tenancy import provision_tenant
from tenants.access.builtin import ADMIN_ROLE, BUILTIN_ROLES
from tenants.provisioning import create_user, tenant_id_by_slug, user_id_by_email
from tenants.session import bind_tenant

__all__ = ["AREA_DEMOS", "DEMO_TENANTS", "DemoSeed", "DemoUser", "demo_email", "seed_demo"]

DEMO_TENANTS = (("acme", "Acme Corporation"), ("globex", "Globex Industries"))

# Every area's demo data, in area order (tenants.access.areas): each builds on the
# rows of the areas before it (orders on deals and products, invoices on orders).
AREA_DEMOS: tuple[Callable[[DemoSeed], Awaitable[None]], ...] = (
    hr_demo.seed,
    crm_demo.seed,
    inventory_demo.seed,
    sales_demo.seed,
    billing_demo.seed,
)


@dataclass(frozen=True)
class DemoUser:
    tenant: str
    email: str
    role: str
    tenant_id: UUID
    user_id: UUID


async def seed_demo(engine: AsyncEngine) -> list[DemoUser]:
    """Create the demo tenants unless they exist; return every demo user."""
    out: list[DemoUser] = []
    for slug, name in DEMO_TENANTS:
        async with engine.begin() as conn:
            tenant_id = await tenant_id_by_slug(conn, slug)
            if tenant_id is None:
                tenant = await provision_tenant(
                    conn,
                    slug=slug,
                    name=name,
                    admin_email=demo_email(ADMIN_ROLE, slug),
                    admin_name=f"{name} Admin",
                )
                tenant_id = tenant.id
                users = {ADMIN_ROLE: tenant.admin_user_id}
                for role in BUILTIN_ROLES:
                    if role.key != ADMIN_ROLE:
                        users[role.key] = await create_user(
                            conn,
                            tenant_id=tenant_id,
                            email=demo_email(role.key, slug),
                            name=f"{role.name} ({name})",
                            role_key=role.key,
                        )
                for seed in AREA_DEMOS:
                    await seed(DemoSeed(conn, tenant_id, slug, users))
            await bind_tenant(conn, tenant_id)
            for role in BUILTIN_ROLES:
                email = demo_email(role.key, slug)
                user_id = await user_id_by_email(conn, email)
                if user_id is not None:
                    out.append(DemoUser(slug, email, role.key, tenant_id, user_id))
    return out
