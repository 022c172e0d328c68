"""The demo: two tenants, `acme` and `globex`, with a user for every built-in role.

Idempotent: a tenant that exists already is left as it is. Each area adds its demo
data in `domain/<area>/demo.py: async def seed(demo: DemoSeed)`, called in area order
with the transaction bound to the tenant.
"""

from __future__ import annotations

from dataclasses import dataclass
from uuid import UUID

from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from domain.tenancy import provision_tenant
from tenants.access.areas import area_modules
from tenants.access.builtin import ADMIN_ROLE, BUILTIN_ROLES
from tenants.provisioning import create_user, tenant_id_by_slug, user_id_by_email
from tenants.session import bind_tenant

DEMO_TENANTS = (("acme", "Acme Corporation"), ("globex", "Globex Industries"))
HOME_CURRENCY = {"acme": "EUR", "globex": "USD"}


@dataclass(frozen=True)
class DemoSeed:
    conn: AsyncConnection
    tenant_id: UUID
    slug: str
    users: dict[str, UUID]  # role key -> user id ("tenant_admin" is the admin)

    @property
    def currencies(self) -> tuple[str, str]:
        """The tenant's home currency (most deals, salaries, the full catalogue), then the
        one its export deals use (a smaller export catalogue)."""
        home = HOME_CURRENCY.get(self.slug, "EUR")
        return home, "USD" if home == "EUR" else "EUR"


def demo_email(role_key: str, slug: str) -> str:
    local = "admin" if role_key == ADMIN_ROLE else role_key
    return f"{local}@{slug}.example"


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
                for module in area_modules("domain", "demo"):
                    await module.seed(DemoSeed(conn, tenant_id, slug, users))
            await bind_tenant(conn, tenant_id)
            for role in BUILTIN_ROLES:
                email = demo_email(role.key, slug)
                user_id = await user_id_by_email(conn, email)
                if user_id is not None:
                    out.append(DemoUser(slug, email, role.key, tenant_id, user_id))
    return out
