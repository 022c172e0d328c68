"""Who the caller is, for `viewer`: their account and their tenant, as small read models.
Runs in the caller's tenant-bound transaction, so RLS confines it to their tenant."""

from __future__ import annotations

from dataclasses import dataclass
from uuid import UUID

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncConnection

from tenants.models import tenants, users


@dataclass(frozen=True)
class TenantRecord:
    id: UUID
    slug: str
    name: str


@dataclass(frozen=True)
class UserRecord:
    id: UUID
    email: str
    name: str
    tenant: TenantRecord


async def user_with_tenant(conn: AsyncConnection, user_id: UUID) -> UserRecord:
    """The user (who exists: the request's actor) with their tenant, in one statement."""
    query = (
        sa.select(
            users.c.email,
            users.c.name,
            tenants.c.id.label("tenant_id"),
            tenants.c.slug,
            tenants.c.name.label("tenant_name"),
        )
        .select_from(users.join(tenants, tenants.c.id == users.c.tenant_id))
        .where(users.c.id == user_id)
    )
    row = (await conn.execute(query)).one()
    tenant = TenantRecord(id=row.tenant_id, slug=row.slug, name=row.tenant_name)
    return UserRecord(id=user_id, email=row.email, name=row.name, tenant=tenant)


async def tenant_by_id(conn: AsyncConnection, tenant_id: UUID) -> TenantRecord | None:
    query = sa.select(tenants.c.slug, tenants.c.name).where(tenants.c.id == tenant_id)
    row = (await conn.execute(query)).one_or_none()
    return None if row is None else TenantRecord(id=tenant_id, slug=row.slug, name=row.name)
