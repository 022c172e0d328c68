"""Use cases of tenant administration: roles as data, users and their roles.

Two rules hold everywhere: nobody grants a permission they do not hold (a role they
create, edit or assign must be covered by their own policy), and a tenant always
keeps an active tenant_admin.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any
from uuid import UUID

from sqlalchemy.ext.asyncio import AsyncConnection

from domain.admin import repository as repo
from domain.admin.errors import AdminError
from domain.admin.models import NewRole, NewUser, PermissionSpec, RoleChanges
from domain.errors import DomainError, ErrorCode, Forbidden, NotFound, ValidationFailed
from domain.kit.checks import email, not_null, required_text
from domain.kit.patch import given
from domain.kit.rows import check_version
from tenants.access.builtin import builtin_policy
from tenants.access.policy import Policy, PolicyError
from tenants.principal import Actor

KEY = re.compile(r"^[a-z][a-z0-9_]{1,62}$")
Row = repo.Row


def role_policy(row: Any) -> Policy:
    """What a stored role grants: built-in roles from code, custom ones from their row."""
    if row.builtin:
        return builtin_policy(row.key)
    return Policy.from_json(row.permissions or {}, strict=False)


def _compile(base: dict[str, Any], specs: Iterable[PermissionSpec]) -> Policy:
    """`base` with each named entity replaced, validated against the catalog."""
    merged = dict(base)
    seen: set[str] = set()
    for spec in specs:
        if spec.entity in seen:
            raise DomainError(f"{spec.entity} is listed twice.", field="permissions")
        seen.add(spec.entity)
        merged[spec.entity] = spec.as_json()
    try:
        return Policy.from_json(merged)
    except PolicyError as error:
        raise ValidationFailed(
            [DomainError(message, field=f"permissions.{path}") for path, message in error.problems]
        ) from None


def _may_grant(
    actor: Actor, policy: Policy, field: str, entities: Iterable[str] | None = None
) -> None:
    """Refuse a grant beyond the actor's own rights (only `entities`' grants, when given:
    an edit answers for what it changes, not for what it leaves as it was)."""
    if entities is not None:
        policy = Policy({e: policy.grants[e] for e in entities if e in policy.grants})
    excess = actor.policy.covers(policy)
    if excess:
        raise Forbidden(
            "You cannot grant what your own role does not: " + ", ".join(excess) + ".",
            field=field,
        )


# --------------------------------------------------------------------------- roles
async def create_role(conn: AsyncConnection, actor: Actor, new: NewRole) -> Row:
    if not KEY.match(new.key):
        raise DomainError(
            "key: 2-63 lowercase letters, digits or _, starting with a letter.", field="key"
        )
    base: dict[str, Any] = {}
    if new.copy_from is not None:
        source = await repo.role(conn, new.copy_from, reader=actor)
        if source is None:
            raise NotFound("No such role.", field="copyFrom")
        base = role_policy(source).as_json()
    policy = _compile(base, new.permissions)
    _may_grant(actor, policy, "permissions")
    row = await repo.insert_role(
        conn,
        actor.tenant_id,
        key=new.key,
        name=required_text(new.name, "name"),
        description=new.description.strip(),
        permissions=policy.as_json(),
    )
    if row is None:
        raise DomainError(
            f"A role with key {new.key!r} exists.", field="key", code=ErrorCode.DUPLICATE
        )
    return row


async def _custom_role_for_update(
    conn: AsyncConnection, actor: Actor, role_id: UUID, version: int | None
) -> Row:
    row = await repo.role(conn, role_id, reader=actor, lock="update")
    if row is None:
        raise NotFound("No such role.", field="id")
    if row.builtin:
        raise DomainError(
            f"Built-in role {row.key} is read-only; copy it with createRole(copyFrom:).",
            field="id",
            code=AdminError.READ_ONLY,
        )
    check_version(row.version, version, "role")
    return row


async def update_role(conn: AsyncConnection, actor: Actor, changes: RoleChanges) -> Row:
    row = await _custom_role_for_update(conn, actor, changes.id, changes.version)
    values: dict[str, Any] = {}
    if given(changes.name):
        values["name"] = required_text(changes.name, "name")
    if given(changes.description):
        values["description"] = (changes.description or "").strip()
    if given(changes.permissions):
        specs = not_null(changes.permissions, "permissions")
        policy = _compile(role_policy(row).as_json(), specs)
        _may_grant(actor, policy, "permissions", [p.entity for p in specs])
        values["permissions"] = policy.as_json()
    # the version moves even when nothing else does: caches key on it
    return await repo.update_role(conn, row.id, **values)


async def delete_role(
    conn: AsyncConnection, actor: Actor, role_id: UUID, version: int | None
) -> Row:
    row = await _custom_role_for_update(conn, actor, role_id, version)
    holders = (await repo.holder_counts(conn, [row.id])).get(row.id, 0)
    if holders:
        raise DomainError(
            f"{holders} user(s) hold role {row.key}; assign them another role first.",
            field="id",
            code=AdminError.IN_USE,
        )
    await repo.delete_role(conn, row.id)
    return row


# --------------------------------------------------------------------------- users
async def _grantable_role(conn: AsyncConnection, actor: Actor, role_id: UUID) -> Row:
    # share lock: the role cannot be deleted until this transaction ends
    row = await repo.role(conn, role_id, reader=actor, lock="share")
    if row is None:
        raise NotFound("No such role.", field="roleId")
    _may_grant(actor, role_policy(row), "roleId")
    return row


async def create_user(conn: AsyncConnection, actor: Actor, new: NewUser) -> Row:
    address = required_text(new.email, "email", max_length=254).lower()
    email(address)
    name = required_text(new.name, "name")
    await _grantable_role(conn, actor, new.role_id)
    row = await repo.insert_user(conn, actor.tenant_id, NewUser(address, name, new.role_id))
    if row is None:
        raise DomainError(f"{address} is already a user.", field="email", code=ErrorCode.DUPLICATE)
    return row


async def _user_for_update(
    conn: AsyncConnection, actor: Actor, user_id: UUID, version: int | None, field: str
) -> Row:
    """A user the actor may manage: one whose role grants nothing beyond the actor's
    (a user administrator cannot demote or deactivate the tenant admin)."""
    row = await repo.user_for_update(conn, user_id, reader=actor)
    if row is None:
        raise NotFound("No such user.", field=field)
    check_version(row.version, version, "user")
    held = await repo.role(conn, row.role_id, reader=None)
    if actor.policy.covers(role_policy(held)):
        raise Forbidden(
            "This user's role has rights yours does not; only someone who holds them "
            "may change this user.",
            field=field,
        )
    return row


async def _keep_an_admin(conn: AsyncConnection, admin_role: UUID, user: Row, field: str) -> None:
    """`user` stops being an active tenant_admin: refuse if no other one remains."""
    if (
        user.active
        and user.role_id == admin_role
        and not await repo.count_active_holders(conn, admin_role, besides=user.id)
    ):
        raise DomainError(
            "A tenant needs an active tenant admin: make another user tenant admin first.",
            field=field,
            code=AdminError.LAST_ADMIN,
        )


async def assign_role(
    conn: AsyncConnection, actor: Actor, user_id: UUID, role_id: UUID, version: int | None
) -> Row:
    admin_role = await repo.lock_admin_role(conn)  # first, always: one lock order
    user = await _user_for_update(conn, actor, user_id, version, "userId")
    role = await _grantable_role(conn, actor, role_id)
    if role.id == user.role_id:
        return user
    if role.id != admin_role:
        await _keep_an_admin(conn, admin_role, user, "userId")
    return await repo.update_user(conn, user.id, role_id=role.id)


async def set_active(
    conn: AsyncConnection, actor: Actor, user_id: UUID, version: int | None, *, active: bool
) -> Row:
    admin_role = await repo.lock_admin_role(conn)
    user = await _user_for_update(conn, actor, user_id, version, "id")
    if user.active == active:
        return user
    if not active:
        await _keep_an_admin(conn, admin_role, user, "id")
    return await repo.update_user(conn, user.id, active=active)
