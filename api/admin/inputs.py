"""Filters, sort orders and mutation inputs of tenant administration.

Keys of filters and inputs are catalog field names (checked by api.core.access); keys that
are not fields say what they reveal (`__reveals__`) or write (`__writes__`).
"""

from __future__ import annotations

from datetime import datetime
from enum import Enum
from typing import TypeVar

import strawberry

from api.core.inputs import LOCATORS, sent_items, sent_or_none
from api.core.relay import local_id
from api.ordering import OrderDirection
from domain.admin.models import NewApiClient, NewRole, NewUser, PermissionSpec, RoleChanges
from domain.admin.repository import ROLE_SEARCH, USER_SEARCH

T = TypeVar("T")


@strawberry.input(description="Users whose fields match every given key.")
class UserFilter:
    __entity__ = "User"
    __searches__ = {"search": tuple(USER_SEARCH)}
    active: bool | None = None
    role: strawberry.ID | None = strawberry.field(default=None, description="A role's id.")
    search: str | None = strawberry.field(
        default=None, description="Part of email or name (those your role may read)."
    )


@strawberry.enum
class UserOrderField(Enum):
    EMAIL = "email"
    NAME = "name"
    CREATED_AT = "createdAt"


@strawberry.input
class UserOrder:
    __entity__ = "User"
    field: UserOrderField
    direction: OrderDirection = OrderDirection.ASC


@strawberry.input(description="Roles whose fields match every given key.")
class RoleFilter:
    __entity__ = "Role"
    __searches__ = {"search": tuple(ROLE_SEARCH)}
    builtin: bool | None = None
    search: str | None = strawberry.field(
        default=None, description="Part of key or name (those your role may read)."
    )


@strawberry.enum
class RoleOrderField(Enum):
    KEY = "key"
    NAME = "name"


@strawberry.input
class RoleOrder:
    __entity__ = "Role"
    field: RoleOrderField
    direction: OrderDirection = OrderDirection.ASC


@strawberry.input(description="A time range: from `gte` (inclusive) to `lt` (exclusive).")
class TimeRange:
    gte: datetime | None = None
    lt: datetime | None = None


@strawberry.input(description="Audit events matching every given key.")
class AuditEventFilter:
    __entity__ = "AuditEvent"
    entity: str | None = strawberry.field(default=None, description="An entity, e.g. `User`.")
    entity_id: strawberry.ID | None = strawberry.field(
        default=None, description="The global id of the changed row."
    )
    actor: strawberry.ID | None = strawberry.field(default=None, description="A user's id.")
    occurred_at: TimeRange | None = None


@strawberry.input(description="What a role grants on one entity (names as in the catalog).")
class PermissionInput:
    entity: str
    actions: list[str] = strawberry.field(
        default_factory=list, description="read, create, update, delete and the entity's own."
    )
    scope: str = strawberry.field(default="all", description="own, team or all.")
    readable_fields: list[str] = strawberry.field(default_factory=list)
    writable_fields: list[str] = strawberry.field(default_factory=list)

    def spec(self) -> PermissionSpec:
        return PermissionSpec(
            entity=self.entity,
            actions=tuple(self.actions),
            scope=self.scope,
            read=tuple(self.readable_fields),
            write=tuple(self.writable_fields),
        )


def _specs(permissions: list[PermissionInput] | None) -> tuple[PermissionSpec, ...]:
    return tuple(p.spec() for p in permissions or ())


@strawberry.input(description="A custom role, from scratch or copied from another role.")
class CreateRoleInput:
    __entity__ = "Role"
    __writes__ = {"copyFrom": ("permissions",)}
    key: str
    name: str
    description: str | None = strawberry.UNSET
    copy_from: strawberry.ID | None = strawberry.field(
        default=strawberry.UNSET,
        description="A role (e.g. a built-in one) whose permissions to start from.",
    )
    permissions: list[PermissionInput] | None = strawberry.field(
        default=strawberry.UNSET,
        description="Per entity; replaces what copyFrom grants for that entity.",
    )

    def command(self) -> NewRole:
        copy_from = sent_or_none(self.copy_from)
        return NewRole(
            key=self.key,
            name=self.name,
            description=sent_or_none(self.description) or "",
            copy_from=local_id(copy_from, "Role", "copyFrom") if copy_from else None,
            permissions=_specs(sent_or_none(self.permissions)),
        )


@strawberry.input(description="Edit a custom role; takes effect on its users' next request.")
class UpdateRoleInput:
    __entity__ = "Role"
    id: strawberry.ID
    version: int
    name: str | None = strawberry.UNSET
    description: str | None = strawberry.UNSET
    permissions: list[PermissionInput] | None = strawberry.field(
        default=strawberry.UNSET,
        description="Per entity; entities not listed keep their grant. "
        "List an entity with no actions to take it away.",
    )

    def command(self) -> RoleChanges:
        sent = dict(sent_items(self, LOCATORS))
        if sent.get("permissions") is not None:
            sent["permissions"] = _specs(sent["permissions"])
        return RoleChanges(id=local_id(self.id, "Role", "id"), version=self.version, **sent)


@strawberry.input
class DeleteRoleInput:
    __entity__ = "Role"
    id: strawberry.ID
    version: int | None = None


@strawberry.input
class CreateUserInput:
    __entity__ = "User"
    __writes__ = {"roleId": ("role",)}
    email: str
    name: str
    role_id: strawberry.ID

    def command(self) -> NewUser:
        return NewUser(
            email=self.email, name=self.name, role_id=local_id(self.role_id, "Role", "roleId")
        )


@strawberry.input(description="Deactivate or reactivate a user.")
class UserActivationInput:
    __entity__ = "User"
    id: strawberry.ID
    version: int | None = None


@strawberry.input(description="Give a user another role; takes effect on their next request.")
class AssignRoleInput:
    __entity__ = "User"
    __locators__ = ("userId", "version", "clientMutationId")
    __writes__ = {"roleId": ("role",)}
    user_id: strawberry.ID
    role_id: strawberry.ID
    version: int | None = None


@strawberry.input(description="A partner API client acting under `roleId` (no wider than yours).")
class CreateApiClientInput:
    __entity__ = "ApiClient"
    __writes__ = {"roleId": ("role",)}
    name: str
    role_id: strawberry.ID

    def command(self) -> NewApiClient:
        return NewApiClient(name=self.name, role_id=local_id(self.role_id, "Role", "roleId"))


@strawberry.input(description="An API client, by id.")
class ApiClientInput:
    __entity__ = "ApiClient"
    id: strawberry.ID
