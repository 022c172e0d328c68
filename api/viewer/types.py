"""Who am I, in which tenant, and what may I do."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated
from uuid import UUID

import strawberry

from api.core.context import Info
from api.core.relay import Node
from api.core.rows import from_row_or_none
from api.cost import at_most
from api.hr.loaders import own_employee_row
from api.hr.types import Employee
from tenants.access.catalog import catalog
from tenants.access.policy import Policy, Read

if TYPE_CHECKING:
    from api.admin.types import User


@strawberry.type
class Tenant(Node):
    __unguarded__ = "the caller's own tenant: node(id:) finds no other (api/viewer/queries.py)"
    uuid: strawberry.Private[UUID]
    slug: str
    name: str
    id: strawberry.ID


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
    reference_fields: list[str] = strawberry.field(
        description="Fields readable where a record the viewer reads names the row (e.g. the "
        "name of a deal's owner), though not in the entity's own lists or node(id:)."
    )
    writable_fields: list[str]


# one EntityPermission per entity of the (static) catalog
PERMISSIONS = len(catalog().entities)


def entity_permissions(policy: Policy) -> list[EntityPermission]:
    out = []
    for spec in catalog().entities.values():
        grant = policy.grants.get(spec.name)
        # readable: on the rows of its record scope; the others on some rows beyond it
        readable = [f for f in spec.fields if policy.can_read(spec.name, f)]
        decisions = {f: policy.read(spec.name, f) for f in spec.fields}
        own = [f for f, d in decisions.items() if Read.SELF in d and f not in readable]
        reference = [f for f, d in decisions.items() if Read.REFERENCE in d]
        out.append(
            EntityPermission(
                entity=spec.name,
                actions=sorted(grant.actions) if grant else [],
                scope=grant.scope if grant and grant.actions else None,
                readable_fields=readable,
                own_record_fields=own,
                reference_fields=reference,
                writable_fields=[f for f in spec.fields if policy.can_write(spec.name, f)],
            )
        )
    return out


@strawberry.type(description="The caller: user, tenant and permissions.")
class Viewer:
    __unguarded__ = "the caller's own session; its employee record is checked field by field"
    user: Annotated[User, strawberry.lazy("api.admin.types")] = strawberry.field(
        description="The viewer's own account: email, name and roleKey whatever the role.",
        # the viewer's own row (Read.SELF), reached as a reference (Read.REFERENCE)
        metadata={"own_record": True, "reference": True},
    )
    tenant: Tenant
    policy: strawberry.Private[Policy]

    @strawberry.field(metadata=at_most(PERMISSIONS))
    def permissions(self) -> list[EntityPermission]:
        # computed when asked for only: it walks every field of the catalog, several
        # times the cost of the rest of a `viewer { user { id } }` request
        return entity_permissions(self.policy)

    @strawberry.field(
        description="The viewer's own employee record, read in full; null without one.",
        # readable whatever the role: it only ever returns the viewer's row (api.core.access)
        metadata={"own_record": True},
    )
    async def employee(self, info: Info) -> Employee | None:
        return from_row_or_none(Employee, await own_employee_row(info))
