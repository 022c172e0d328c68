from __future__ import annotations

import sqlalchemy as sa
import strawberry

from api.viewer.types import Tenant, Viewer, ViewerUser, entity_permissions
from tenants.models import tenants, users


@strawberry.type
class Query:
    @strawberry.field(description="The caller: their user, tenant and permissions.")
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
