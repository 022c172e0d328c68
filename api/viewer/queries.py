from __future__ import annotations

from typing import Any
from uuid import UUID

import strawberry

from api.admin.types import to_user
from api.core.context import Info
from api.core.relay import node_resolver, to_global_id
from api.viewer.types import Tenant, Viewer
from domain.admin import repository
from tenants.directory import TenantRecord, tenant_by_id


@strawberry.type
class Query:
    @strawberry.field(
        description="The caller: their user, tenant and permissions.",
        metadata={"unguarded": "the caller's own session (api/viewer/types.py: Viewer)"},
    )
    async def viewer(self, info: Info) -> Viewer:
        context = info.context
        actor = context.require_actor()
        row = await repository.user_with_tenant(context.db, actor.user_id)
        return Viewer(
            user=to_user(row, referenced=True),
            tenant=_tenant(TenantRecord(actor.tenant_id, row.slug, row.tenant_name)),
            policy=actor.policy,
        )


def _tenant(record: TenantRecord) -> Tenant:
    return Tenant(
        uuid=record.id, id=to_global_id("Tenant", record.id), slug=record.slug, name=record.name
    )


@node_resolver("Tenant", entity=None)
async def _tenant_node(context: Any, uuid: UUID) -> Tenant | None:
    """The caller's own tenant (`viewer.tenant.id`); any other is not found."""
    if uuid != context.tenant_id:
        return None
    record = await tenant_by_id(context.db, uuid)
    return None if record is None else _tenant(record)
