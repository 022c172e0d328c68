from __future__ import annotations

from typing import Any
from uuid import UUID

import sqlalchemy as sa
import strawberry

from api.relay import node_resolver
from api.viewer.types import Tenant, Viewer, ViewerUser, entity_permissions
from tenants.models import tenants, users


@strawberry.type
class Query:
    @strawberry.field(
        description="The caller: their user, tenant and permissions.",
        metadata={"unguarded": "the caller's own session (api/viewer/types.py: Viewer)"},
    )
    async def viewer(self, info: strawberry.Info) -> Viewer:
        context = info.context
        actor = context.require_actor()
        row = (
            await context.db.execute(
                sa.select(
                    users.c.email, users.c.name, tenants.c.slug, tenants.c.name.label("tenant_name")
                )
                .select_from(users.join(tenants, tenants.c.id == users.c.tenant_id))
                .where(users.c.id == actor.user_id)
            )
        ).one()
        return Viewer(
            user=ViewerUser(
                uuid=actor.user_id, email=row.email, name=row.name, role_key=actor.role_key
            ),
            tenant=Tenant(uuid=actor.tenant_id, slug=row.slug, name=row.tenant_name),
            permissions=entity_permissions(actor.policy),
        )


@node_resolver("Tenant", entity=None)
async def _tenant_node(context: Any, uuid: UUID) -> Tenant | None:
    """The caller's own tenant (`viewer.tenant.id`); any other is not found."""
    if uuid != context.tenant_id:
        return None
    query = sa.select(tenants.c.slug, tenants.c.name).where(tenants.c.id == uuid)
    row = (await context.db.execute(query)).one()
    return Tenant(uuid=uuid, slug=row.slug, name=row.name)
