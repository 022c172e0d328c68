"""The caller's tenant, for `viewer.tenant` and `node(id:)`, as a small read model.
Runs in the caller's tenant-bound transaction, so RLS confines it to their tenant."""

from __future__ import annotations

from dataclasses import dataclass
from uuid import UUID

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncConnection

from tenants.models import tenants


@dataclass(frozen=True)
class TenantRecord:
    id: UUID
    slug: str
    name: str


async def tenant_by_id(conn: AsyncConnection, tenant_id: UUID) -> TenantRecord | None:
    query = sa.select(tenants.c.slug, tenants.c.name).where(tenants.c.id == tenant_id)
    row = (await conn.execute(query)).one_or_none()
    return None if row is None else TenantRecord(id=tenant_id, slug=row.slug, name=row.name)
