from __future__ import annotations

from typing import Any
from uuid import UUID

import strawberry

from api.relay import node_resolver
from api.viewer.types import Tenant, Viewer, ViewerUser, entity_permissions
from tenants.directory import TenantRecord, tenant_by_id, user_with_tenant


@strawberry.type
class Query:
    @strawberry.field(description="The caller: their user, tenant and permissions.")
    async def viewer(self, info: strawberry.Info) -> Viewer:
        context = info.context
        actor = context.require_actor()
        user = await user_with_tenant(context.db, actor.user_id)
        return Viewer(
            user=ViewerUser(
                uuid=user.id, email=user.email, name=user.name, role_key=actor.role_key
            ),
            tenant=_tenant(user.tenant),
            permissions=entity_permissions(actor.policy),
        )


def _tenant(record: TenantRecord) -> Tenant:
    return Tenant(uuid=record.id, slug=record.slug, name=record.name)


@node_resolver("Tenant", entity=None)
async def _tenant_node(context: Any, uuid: UUID) -> Tenant | None:
    """The caller's own tenant (`viewer.tenant.id`); any other is not found."""
    if uuid != context.tenant_id:
        return None
    record = await tenant_by_id(context.db, uuid)
    return None if record is None else _tenant(record)
