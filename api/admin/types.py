"""Users, roles and audit events as GraphQL types, and their node(id:) resolvers."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from uuid import UUID

import strawberry
from graphql import GraphQLSchema, get_named_type
from strawberry.scalars import JSON

from api.admin import loaders
from api.core.access import REFERENCE
from api.core.context import Info
from api.core.relay import NODE_RESOLVERS, Node, node_resolver, to_global_id
from api.core.rows import convert_or_none
from api.cost import at_most
from api.strawberry_internals import graphql_schema
from api.viewer.types import PERMISSIONS, EntityPermission, entity_permissions
from domain.admin import repository as repo
from domain.admin.audit import CHANGES_PER_EVENT, auditable_entities, visible_changes
from domain.admin.services import role_policy


@strawberry.type(description="A set of permissions users hold; built-in roles are read-only.")
class Role(Node):
    __entity__ = "Role"
    row: strawberry.Private[Any]
    key: str | None
    name: str | None
    description: str | None
    builtin: bool | None
    version: int | None = strawberry.field(description="Send it back with updateRole.")

    @strawberry.field(
        description="Per entity: actions, record scope, readable/writable fields.",
        metadata=at_most(PERMISSIONS),
    )
    def permissions(self) -> list[EntityPermission] | None:
        return entity_permissions(role_policy(self.row))

    @strawberry.field(description="How many users (active or not) hold this role.")
    async def user_count(self, info: Info) -> int | None:
        return await loaders.holder_count(info, self.row.id)


def to_role(row: Any) -> Role:
    return Role(
        id=to_global_id("Role", row.id),
        row=row,
        key=row.key,
        name=row.name,
        description=row.description,
        builtin=row.builtin,
        version=row.version,
    )


@strawberry.type(
    description="A person who signs in to this tenant (or an API client's service identity); "
    "one role each. The same type wherever a user appears: `users`, a record's owner or "
    "assignee, `viewer.user`. Roles that may not read users see the `name` of those a "
    "record they read names, and their own account (email, roleKey)."
)
class User(Node):
    __entity__ = "User"
    uuid: strawberry.Private[UUID]
    role_id: strawberry.Private[UUID]
    # reached through a reference relation (a deal's owner): referable fields show
    referenced: strawberry.Private[bool]
    email: str | None
    name: str | None
    active: bool | None
    role_key: str | None = strawberry.field(description="Key of the user's role, e.g. `sales_rep`.")
    created_at: datetime | None
    version: int | None

    def belongs_to(self, user_id: UUID) -> bool:
        return self.uuid == user_id

    @strawberry.field
    async def role(self, info: Info) -> Role | None:
        row = await loaders.role_row(info, self.role_id)
        return convert_or_none(to_role, row)


def to_user(row: Any, *, referenced: bool = False) -> User:
    return User(
        id=to_global_id("User", row.id),
        uuid=row.id,
        role_id=row.role_id,
        referenced=referenced,
        email=row.email,
        name=row.name,
        active=row.active,
        role_key=row.role_key,
        created_at=row.created_at,
        version=row.version,
    )


def referenced_user(row: Any) -> User:
    return to_user(row, referenced=True)


def user_reference(info: Info, user_id: UUID | None) -> User | None:
    """The user a record names (its owner, assignee, author) as a reference: at once when
    prefetched (`REFERENCED_USERS` in `__prefetch__`), else awaitable. Declare its field
    with `user_relation`."""
    return loaders.REFERENCED_USERS.resolve(info, user_id, referenced_user)


def user_relation(description: str | None = None) -> Any:
    """A field resolved by `user_reference`: readable by any role that reads the record,
    which then sees the user's referable fields (api.core.access.REFERENCE)."""
    return strawberry.field(description=description, metadata=REFERENCE)


async def user_of(info: Info, user_id: UUID | None) -> User | None:
    """The user a row of tenant administration names (its creator, its actor), within the
    User record scope: these relations need the User read, as they always did."""
    if user_id is None:
        return None
    row = await loaders.user_row(info, user_id)
    return convert_or_none(to_user, row)


@strawberry.type(
    description="A partner integration: a service identity of this tenant under one role. "
    "It gets tokens at POST /oauth/token with its client id and secret."
)
class ApiClient(Node):
    __entity__ = "ApiClient"
    role_id: strawberry.Private[UUID]
    created_by_id: strawberry.Private[UUID | None]
    name: str | None
    client_id: str | None = strawberry.field(description="Not a secret; names the tenant too.")
    created_at: datetime | None
    secret_rotated_at: datetime | None
    revoked_at: datetime | None = strawberry.field(description="Set once revoked; final.")
    version: int | None

    @strawberry.field
    async def role(self, info: Info) -> Role | None:
        row = await loaders.role_row(info, self.role_id)
        return convert_or_none(to_role, row)

    @strawberry.field
    async def created_by(self, info: Info) -> User | None:
        return await user_of(info, self.created_by_id)


def to_api_client(row: Any) -> ApiClient:
    return ApiClient(
        id=to_global_id("ApiClient", row.id),
        role_id=row.role_id,
        created_by_id=row.created_by,
        name=row.name,
        client_id=row.client_id,
        created_at=row.created_at,
        secret_rotated_at=row.secret_rotated_at,
        revoked_at=row.revoked_at,
        version=row.version,
    )


@strawberry.type(description="One changed field; values the reader may not read are redacted.")
class FieldChange:
    field: str
    old: JSON | None
    new: JSON | None
    redacted: bool


def type_name_of(entity: str) -> str:
    """The GraphQL type whose global ids stand for rows of `entity`."""
    for type_name, (registered, _) in NODE_RESOLVERS.items():
        if registered == entity:
            return type_name
    return entity


@strawberry.type(description="A row inserted, updated or deleted: who, when, old -> new.")
class AuditEvent(Node):
    __entity__ = "AuditEvent"
    actor_id: strawberry.Private[UUID | None]
    recorded: strawberry.Private[Any]
    occurred_at: datetime | None
    entity: str | None
    entity_id: strawberry.ID | None = strawberry.field(description="Global id of the row.")
    action: str | None = strawberry.field(description="insert, update or delete.")
    request_id: str | None

    @strawberry.field
    async def actor(self, info: Info) -> User | None:
        return await user_of(info, self.actor_id)

    @strawberry.field(
        description="References to other objects are given as global ids.",
        metadata=at_most(CHANGES_PER_EVENT),
    )
    def changes(self, info: Info) -> list[FieldChange] | None:
        entity = self.entity or ""
        out = []
        for c in visible_changes(entity, self.recorded, info.context.policy):
            target = _referenced_type(graphql_schema(info.schema), entity, c.field)
            out.append(
                FieldChange(
                    field=c.field,
                    old=_as_global_id(c.old, target),
                    new=_as_global_id(c.new, target),
                    redacted=c.redacted,
                )
            )
        return out


def _referenced_type(schema: GraphQLSchema, entity: str, field: str) -> str | None:
    """The node type a field of `entity`'s type returns (User.role -> Role), if any: the
    audit log records the referenced row's uuid, the API speaks global ids."""
    owner = schema.get_type(type_name_of(entity))
    target = getattr(owner, "fields", {}).get(field)
    named = get_named_type(target.type) if target is not None else None
    if any(i.name == "Node" for i in getattr(named, "interfaces", ())):
        return str(named.name)  # type: ignore[union-attr]
    return None


def _as_global_id(value: Any, type_name: str | None) -> Any:
    if type_name is None or not isinstance(value, str):
        return value
    try:
        return to_global_id(type_name, UUID(value))
    except ValueError:
        return value


def to_audit_event(row: Any) -> AuditEvent:
    return AuditEvent(
        id=to_global_id("AuditEvent", row.id),
        actor_id=row.actor_id,
        recorded=row.changes,
        occurred_at=row.occurred_at,
        entity=row.entity,
        entity_id=to_global_id(type_name_of(row.entity), row.entity_id),
        action=row.action,
        request_id=row.request_id,
    )


@node_resolver("User", entity="User")
async def _user(context: Any, uuid: UUID) -> User | None:
    rows = await repo.users_by_ids(context.db, [uuid], reader=context.require_actor())
    return to_user(rows[uuid]) if uuid in rows else None


@node_resolver("Role", entity="Role")
async def _role(context: Any, uuid: UUID) -> Role | None:
    rows = await repo.roles_by_ids(context.db, [uuid], reader=context.require_actor())
    return to_role(rows[uuid]) if uuid in rows else None


@node_resolver("AuditEvent", entity="AuditEvent")
async def _audit_event(context: Any, uuid: UUID) -> AuditEvent | None:
    actor = context.require_actor()
    row = await repo.audit_event(
        context.db,
        uuid,
        entities=auditable_entities(actor.policy),
        reader=actor,
    )
    return convert_or_none(to_audit_event, row)


@node_resolver("ApiClient", entity="ApiClient")
async def _api_client(context: Any, uuid: UUID) -> ApiClient | None:
    rows = await repo.api_clients_by_ids(context.db, [uuid], reader=context.require_actor())
    return to_api_client(rows[uuid]) if uuid in rows else None


NODE_TYPES = (User, Role, ApiClient, AuditEvent)
