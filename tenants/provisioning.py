"""Creating tenants and their users. Runs inside a transaction the caller owns."""

from __future__ import annotations

from dataclasses import dataclass
from uuid import UUID

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncConnection

from tenants.access.builtin import ADMIN_ROLE, BUILTIN_ROLES
from tenants.models import roles, users
from tenants.session import bind_tenant


@dataclass(frozen=True)
class ProvisionedTenant:
    id: UUID
    slug: str
    admin_user_id: UUID


async def tenant_id_by_slug(conn: AsyncConnection, slug: str) -> UUID | None:
    value = await conn.scalar(sa.text("SELECT atrium_tenant_id(:slug)"), {"slug": slug})
    return value if value is None else UUID(str(value))


async def create_tenant(
    conn: AsyncConnection, *, slug: str, name: str, admin_email: str, admin_name: str = "Admin"
) -> ProvisionedTenant:
    """Register the tenant, seed its built-in roles and its first tenant_admin.

    Leaves the transaction bound to the new tenant so callers can seed more."""
    tenant_id = UUID(
        str(
            await conn.scalar(
                sa.text("SELECT atrium_create_tenant(:slug, :name)"), {"slug": slug, "name": name}
            )
        )
    )
    await bind_tenant(conn, tenant_id)
    await conn.execute(
        roles.insert(),
        [
            {
                "tenant_id": tenant_id,
                "key": role.key,
                "name": role.name,
                "description": role.description,
                "builtin": True,
                "permissions": {},  # built-in roles read their permissions from code
            }
            for role in BUILTIN_ROLES
        ],
    )
    admin_id = await create_user(
        conn, tenant_id=tenant_id, email=admin_email, name=admin_name, role_key=ADMIN_ROLE
    )
    return ProvisionedTenant(id=tenant_id, slug=slug, admin_user_id=admin_id)


async def role_id_by_key(conn: AsyncConnection, key: str) -> UUID | None:
    return await conn.scalar(sa.select(roles.c.id).where(roles.c.key == key))


async def create_user(
    conn: AsyncConnection,
    *,
    tenant_id: UUID,
    email: str,
    name: str,
    role_key: str,
    external_subject: str | None = None,
) -> UUID:
    """`external_subject`: who the OIDC identity provider says this is (tenants/identities.py)."""
    role_id = await role_id_by_key(conn, role_key)
    if role_id is None:
        raise LookupError(f"no role {role_key!r} in this tenant")
    user_id: UUID = await conn.scalar(
        users.insert()
        .values(
            tenant_id=tenant_id,
            email=email.strip().lower(),
            name=name,
            role_id=role_id,
            external_subject=external_subject,
        )
        .returning(users.c.id)
    )
    return user_id


async def user_id_by_email(conn: AsyncConnection, email: str) -> UUID | None:
    return await conn.scalar(
        sa.select(users.c.id).where(sa.func.lower(users.c.email) == email.strip().lower())
    )
