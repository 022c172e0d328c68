"""Who am I, in which tenant, and what may I do."""

from __future__ import annotations

from uuid import UUID

import strawberry

from api.hr.loaders import own_employee_row
from api.hr.types import Employee, maybe
from api.relay import Node, to_global_id
from tenants.access.catalog import catalog
from tenants.access.policy import Policy, Read


@strawberry.type(description="The signed-in user's own account.")
class ViewerUser:
    __unguarded__ = "the caller's own account: every signed-in user reads who they are"
    uuid: strawberry.Private[UUID]
    email: str
    name: str
    role_key: str = strawberry.field(description="Key of the user's role, e.g. `sales_rep`.")

    @strawberry.field
    def id(self) -> strawberry.ID:
        return to_global_id("User", self.uuid)


@strawberry.type
class Tenant(Node):
    __unguarded__ = "the caller's own tenant: node(id:) finds no other (api/viewer/queries.py)"
    uuid: strawberry.Private[UUID]
    slug: str
    name: str

    @strawberry.field
    def id(self) -> strawberry.ID:
        return to_global_id("Tenant", self.uuid)


@strawberry.type(description="What the viewer's role allows on one entity type.")
class EntityPermission:
    __unguarded__ = "what the caller's own role allows, for a frontend to show or hide"
    entity: str
    actions: list[str]
    scope: str | None = strawberry.field(description="own, team or all; null without access.")
    readable_fields: list[str]
    own_record_fields: list[str] = strawberry.field(
        description="Fields readable only on the viewer's own record (e.g. their own salary)."
    )
    writable_fields: list[str]


def entity_permissions(policy: Policy) -> list[EntityPermission]:
    out = []
    for spec in catalog().entities.values():
        grant = policy.grants.get(spec.name)
        readable = [f for f in spec.fields if policy.read(spec.name, f) is Read.ALLOW]
        own = [f for f in spec.fields if policy.read(spec.name, f) is Read.SELF]
        out.append(
            EntityPermission(
                entity=spec.name,
                actions=sorted(grant.actions) if grant else [],
                scope=grant.scope if grant and grant.actions else None,
                readable_fields=readable,
                own_record_fields=own,
                writable_fields=[f for f in spec.fields if policy.can_write(spec.name, f)],
            )
        )
    return out


@strawberry.type(description="The caller: user, tenant and permissions.")
class Viewer:
    __unguarded__ = "the caller's own session; its employee record is checked field by field"
    user: ViewerUser
    tenant: Tenant
    permissions: list[EntityPermission]

    @strawberry.field(
        description="The viewer's own employee record, read in full; null without one.",
        # readable whatever the role: it only ever returns the viewer's row (api.access)
        metadata={"own_record": True},
    )
    async def employee(self, info: strawberry.Info) -> Employee | None:
        return maybe(Employee, await own_employee_row(info))
