from __future__ import annotations

from typing import Any
from uuid import UUID

import sqlalchemy as sa
import strawberry

from api.admin.types import to_user
from api.core.context import Info
from api.core.relay import node_resolver, to_global_id
from api.viewer.types import Tenant, Viewer, entity_permissions
from domain.admin.repository import USER_COLUMNS
from tenants.models import tenants, users


@strawberry.type
class Query:
    @strawberry.field(description="The caller: their user, tenant and permissions.")
    async def viewer(self, info: Info) -> Viewer:
        context = info.context
        actor = context.require_actor()
        row = (
            await context.db.execute(
                sa.select(*USER_COLUMNS, tenants.c.slug, tenants.c.name.label("tenant_name"))
                .select_from(users.join(tenants, tenants.c.id == users.c.tenant_id))
                .where(users.c.id == actor.user_id)
            )
        ).one()
        return Viewer(
            user=to_user(row, referenced=True),
            tenant=Tenant(
                uuid=actor.tenant_id,
                id=to_global_id("Tenant", actor.tenant_id),
                slug=row.slug,
                name=row.tenant_name,
            ),
            permissions=entity_permissions(actor.policy),
        )


@node_resolver("Tenant", entity=None)
async def _tenant_node(context: Any, uuid: UUID) -> Tenant | None:
    """The caller's own tenant (`viewer.tenant.id`); any other is not found."""
    if uuid != context.tenant_id:
        return None
    query = sa.select(tenants.c.slug, tenants.c.name).where(tenants.c.id == uuid)
    row = (await context.db.execute(query)).one()
    return Tenant(uuid=uuid, id=to_global_id("Tenant", uuid), slug=row.slug, name=row.name)
