"""Tenant administration mutations: custom roles, users and their roles, API clients.

Each resolver turns its input into a command and calls one service; the services
refuse grants beyond the caller's own permissions and keep an active tenant admin.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

import strawberry

from api.admin.inputs import (
    ApiClientInput,
    AssignRoleInput,
    CreateApiClientInput,
    CreateRoleInput,
    CreateUserInput,
    DeleteRoleInput,
    UpdateRoleInput,
    UserActivationInput,
)
from api.admin.types import ApiClient, Role, User, to_api_client, to_role, to_user
from api.core.context import Info
from api.core.payloads import Answer, UserError, respond
from api.core.relay import local_id, to_global_id
from domain.admin import api_clients, services

Service = Callable[[], Awaitable[Any]]


@strawberry.type
class RolePayload:
    role: Role | None
    user_errors: list[UserError]


@strawberry.type
class DeleteRolePayload:
    deleted_role_id: strawberry.ID | None
    user_errors: list[UserError]


@strawberry.type
class UserPayload:
    user: User | None
    user_errors: list[UserError]


@strawberry.type
class ApiClientPayload:
    api_client: ApiClient | None
    user_errors: list[UserError]


@strawberry.type(description="The secret is shown here only: store it now.")
class ApiClientSecretPayload:
    api_client: ApiClient | None
    client_id: str | None
    client_secret: str | None
    user_errors: list[UserError]


def _issued(issued: Any) -> dict[str, object]:
    """An API client with its secret, shown in this payload only."""
    return {
        "api_client": to_api_client(issued.client),
        "client_id": issued.client.client_id,
        "client_secret": issued.client_secret,
    }


SECRET = Answer(ApiClientSecretPayload, _issued)


async def _set_active(info: Info, input: UserActivationInput, active: bool) -> UserPayload:
    ctx = info.context
    return await respond(
        info,
        USER,
        lambda: services.set_active(
            ctx.db,
            ctx.require_actor(),
            local_id(input.id, "User", "id"),
            input.version,
            active=active,
        ),
    )


# What each mutation answers: its payload, the field of the record, the row's conversion.
API_CLIENT = Answer.record(ApiClientPayload, "api_client", to_api_client)
DELETED_ROLE_ID = Answer.record(
    DeleteRolePayload, "deleted_role_id", lambda row: to_global_id("Role", row.id)
)
ROLE = Answer.record(RolePayload, "role", to_role)
USER = Answer.record(UserPayload, "user", to_user)


@strawberry.type
class Mutation:
    @strawberry.mutation(metadata={"access": ("Role", "create")})
    async def create_role(self, info: Info, input: CreateRoleInput) -> RolePayload:
        ctx = info.context
        return await respond(
            info,
            ROLE,
            lambda: services.create_role(ctx.db, ctx.require_actor(), input.command()),
        )

    @strawberry.mutation(metadata={"access": ("Role", "update")})
    async def update_role(self, info: Info, input: UpdateRoleInput) -> RolePayload:
        ctx = info.context
        return await respond(
            info,
            ROLE,
            lambda: services.update_role(ctx.db, ctx.require_actor(), input.command()),
        )

    @strawberry.mutation(metadata={"access": ("Role", "delete")})
    async def delete_role(self, info: Info, input: DeleteRoleInput) -> DeleteRolePayload:
        ctx = info.context
        return await respond(
            info,
            DELETED_ROLE_ID,
            lambda: services.delete_role(
                ctx.db, ctx.require_actor(), local_id(input.id, "Role", "id"), input.version
            ),
        )

    @strawberry.mutation(metadata={"access": ("User", "create")})
    async def create_user(self, info: Info, input: CreateUserInput) -> UserPayload:
        ctx = info.context
        return await respond(
            info,
            USER,
            lambda: services.create_user(ctx.db, ctx.require_actor(), input.command()),
        )

    @strawberry.mutation(
        metadata={"access": ("User", "update")},
        description="Give a user another role; a tenant keeps at least one active tenant admin.",
    )
    async def assign_role(self, info: Info, input: AssignRoleInput) -> UserPayload:
        ctx = info.context
        return await respond(
            info,
            USER,
            lambda: services.assign_role(
                ctx.db,
                ctx.require_actor(),
                local_id(input.user_id, "User", "userId"),
                local_id(input.role_id, "Role", "roleId"),
                input.version,
            ),
        )

    @strawberry.mutation(
        metadata={"access": ("User", "deactivate")},
        description="The user can no longer sign in (from their next request on).",
    )
    async def deactivate_user(self, info: Info, input: UserActivationInput) -> UserPayload:
        return await _set_active(info, input, active=False)

    @strawberry.mutation(metadata={"access": ("User", "reactivate")})
    async def reactivate_user(self, info: Info, input: UserActivationInput) -> UserPayload:
        return await _set_active(info, input, active=True)

    @strawberry.mutation(
        metadata={"access": ("ApiClient", "create")},
        description="A partner API client under a role no wider than yours; its secret "
        "is in this payload only.",
    )
    async def create_api_client(
        self, info: Info, input: CreateApiClientInput
    ) -> ApiClientSecretPayload:
        ctx = info.context
        return await respond(
            info,
            SECRET,
            lambda: api_clients.create_api_client(ctx.db, ctx.require_actor(), input.command()),
        )

    @strawberry.mutation(
        metadata={"access": ("ApiClient", "rotate")},
        description="A new secret (in this payload only); the old one stops working at once.",
    )
    async def rotate_api_client_secret(
        self, info: Info, input: ApiClientInput
    ) -> ApiClientSecretPayload:
        ctx = info.context
        return await respond(
            info,
            SECRET,
            lambda: api_clients.rotate_secret(
                ctx.db, ctx.require_actor(), local_id(input.id, "ApiClient", "id")
            ),
        )

    @strawberry.mutation(
        metadata={"access": ("ApiClient", "revoke")},
        description="No new tokens; the client's tokens stop working on their next request.",
    )
    async def revoke_api_client(self, info: Info, input: ApiClientInput) -> ApiClientPayload:
        ctx = info.context
        return await respond(
            info,
            API_CLIENT,
            lambda: api_clients.revoke(
                ctx.db, ctx.require_actor(), local_id(input.id, "ApiClient", "id")
            ),
        )
