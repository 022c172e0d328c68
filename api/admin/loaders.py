"""Per-request loaders of tenant administration: one statement per batch of keys."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any
from uuid import UUID

from api.core.context import Info
from api.core.loaders import Relation, keyed_loader
from domain.admin import repository as repo


async def _roles(context: Any, ids: list[UUID]) -> Mapping[UUID, Any]:
    return await repo.roles_by_ids(context.db, ids, reader=context.require_actor())


async def _users(context: Any, ids: list[UUID]) -> Mapping[UUID, Any]:
    return await repo.users_by_ids(context.db, ids, reader=context.require_actor())


async def _referenced_users(context: Any, ids: list[UUID]) -> Mapping[UUID, Any]:
    # Outside the User record scope on purpose: a user a record names (its owner) shows
    # only what Policy.read allows on a reference, its referable fields.
    return await repo.users_by_ids(context.db, ids, reader=None)


# The users records name (owners, assignees, authors): one statement per page of records.
REFERENCED_USERS = Relation("admin.referenced_users", _referenced_users, reference="User")


async def _holder_counts(context: Any, ids: list[UUID]) -> Mapping[UUID, int]:
    return await repo.holder_counts(context.db, ids)


async def role_row(info: Info, role_id: UUID) -> Any:
    return await keyed_loader(info, "admin.roles", _roles).load(role_id)


async def user_row(info: Info, user_id: UUID) -> Any:
    return await keyed_loader(info, "admin.users", _users).load(user_id)


async def holder_count(info: Info, role_id: UUID) -> int:
    count: int = await keyed_loader(info, "admin.holders", _holder_counts, 0).load(role_id)
    return count
