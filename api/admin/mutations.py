"""Tenant administration mutations: custom roles, users and their roles.

Each resolver turns its input into a command and calls one service; the services
refuse grants beyond the caller's own permissions and keep an active tenant admin.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

import strawberry

from api.admin.inputs import (
    AssignRoleInput,
    CreateRoleInput,
    CreateUserInput,
    DeleteRoleInput,
    UpdateRoleInput,
    UserActivationInput,
)
from api.admin.types import Role, User, to_role, to_user
from api.payloads import UserError, run_service
from api.relay import local_id, to_global_id
from domain.admin import services

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


async def _role_payload(info: strawberry.Info, call: Service) -> RolePayload:
    row, errors = await run_service(info, call)
    return RolePayload(role=to_role(row) if row is not None else None, user_errors=errors)


async def _user_payload(info: strawberry.Info, call: Service) -> UserPayload:
    row, errors = await run_service(info, call)
    return UserPayload(user=to_user(row) if row is not None else None, user_errors=errors)


async def _set_active(
    info: strawberry.Info, input: UserActivationInput, active: bool
) -> UserPayload:
    ctx = info.context
    return await _user_payload(
        info,
        lambda: services.set_active(
            ctx.db,
            ctx.require_actor(),
            local_id(input.id, "User", "id"),
            input.version,
            active=active,
        ),
    )


@strawberry.type
class Mutation:
    @strawberry.mutation(metadata={"access": ("Role", "create")})
    async def create_role(self, info: strawberry.Info, input: CreateRoleInput) -> RolePayload:
        ctx = info.context
        return await _role_payload(
            info, lambda: services.create_role(ctx.db, ctx.require_actor(), input.command())
        )

    @strawberry.mutation(metadata={"access": ("Role", "update")})
    async def update_role(self, info: strawberry.Info, input: UpdateRoleInput) -> RolePayload:
        ctx = info.context
        return await _role_payload(
            info, lambda: services.update_role(ctx.db, ctx.require_actor(), input.command())
        )

    @strawberry.mutation(metadata={"access": ("Role", "delete")})
    async def delete_role(self, info: strawberry.Info, input: DeleteRoleInput) -> DeleteRolePayload:
        ctx = info.context
        row, errors = await run_service(
            info,
            lambda: services.delete_role(
                ctx.db, ctx.require_actor(), local_id(input.id, "Role", "id"), input.version
            ),
        )
        deleted = to_global_id("Role", row.id) if row is not None else None
        return DeleteRolePayload(deleted_role_id=deleted, user_errors=errors)

    @strawberry.mutation(metadata={"access": ("User", "create")})
    async def create_user(self, info: strawberry.Info, input: CreateUserInput) -> UserPayload:
        ctx = info.context
        return await _user_payload(
            info, lambda: services.create_user(ctx.db, ctx.require_actor(), input.command())
        )

    @strawberry.mutation(
        metadata={"access": ("User", "update")},
        description="Give a user another role; a tenant keeps at least one active tenant admin.",
    )
    async def assign_role(self, info: strawberry.Info, input: AssignRoleInput) -> UserPayload:
        ctx = info.context
        return await _user_payload(
            info,
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
    async def deactivate_user(
        self, info: strawberry.Info, input: UserActivationInput
    ) -> UserPayload:
        return await _set_active(info, input, active=False)

    @strawberry.mutation(metadata={"access": ("User", "reactivate")})
    async def reactivate_user(
        self, info: strawberry.Info, input: UserActivationInput
    ) -> UserPayload:
        return await _set_active(info, input, active=True)
