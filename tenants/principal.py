"""Who is calling: the verified token's subject, resolved against the database."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from uuid import UUID

import sqlalchemy as sa
from cachetools import LRUCache
from sqlalchemy.dialects.postgresql import UUID as PG_UUID
from sqlalchemy.ext.asyncio import AsyncConnection

from tenants.access.builtin import builtin_policy
from tenants.access.policy import Policy
from tenants.models import roles, users
from tenants.session import OLTP, Timeouts, binding, bound_settings


@dataclass(frozen=True)
class Principal:
    """A verified token: which tenant, and which user (or API client)."""

    tenant_id: UUID
    user_id: UUID


@dataclass(frozen=True)
class Actor:
    """A principal whose user and role were looked up in this transaction."""

    tenant_id: UUID
    user_id: UUID
    role_id: UUID
    role_key: str
    role_version: int
    policy: Policy
    # record scope is applied by domain/scope.py: in_scope(actor, entity)


def _actor_row(user_id: sa.ColumnElement[Any]) -> sa.Select[Any]:
    return (
        sa.select(users.c.role_id, roles.c.key, roles.c.builtin, roles.c.version)
        .join(roles, sa.and_(roles.c.tenant_id == users.c.tenant_id, roles.c.id == users.c.role_id))
        .where(users.c.id == user_id, users.c.active)
    )


_ACTOR = _actor_row(sa.bindparam("user_id"))

_BOUND = bound_settings()
# The actor's row, read after the settings are set: a LATERAL sub-select that names
# the bound row is evaluated for that row, and OFFSET 0 keeps PostgreSQL from merging
# it into a join it could order the other way. RLS on users and roles then sees this
# transaction's tenant, as it would in a statement of its own.
_BOUND_ACTOR = (
    _actor_row(sa.cast(_BOUND.c.user_id, PG_UUID)).offset(sa.literal_column("0")).lateral("actor")
)
_BIND_AND_LOAD_ACTOR = sa.select(_BOUND_ACTOR).select_from(_BOUND.join(_BOUND_ACTOR, sa.true()))


class PolicyCache:
    """Compiled policies by (role id, role version): an edited role has a new version,
    so the next request compiles the new one."""

    def __init__(self, size: int = 1024) -> None:
        self._items: LRUCache[tuple[UUID, int], Policy] = LRUCache(size)

    async def get(
        self, conn: AsyncConnection, role_id: UUID, key: str, builtin: bool, version: int
    ) -> Policy:
        cache_key = (role_id, version)
        policy = self._items.get(cache_key)
        if policy is None:
            if builtin:
                policy = builtin_policy(key)
            else:
                raw = await conn.scalar(sa.select(roles.c.permissions).where(roles.c.id == role_id))
                policy = Policy.from_json(raw or {}, strict=False)
            self._items[cache_key] = policy
        return policy


async def load_actor(
    conn: AsyncConnection, principal: Principal, cache: PolicyCache
) -> Actor | None:
    """The active user behind a principal, with their current role, in a transaction
    already bound to its tenant; None when the user does not exist in this tenant or
    was deactivated."""
    row = (await conn.execute(_ACTOR, {"user_id": principal.user_id})).first()
    return None if row is None else await _actor(conn, principal, row, cache)


async def bind_and_load_actor(
    conn: AsyncConnection,
    principal: Principal,
    cache: PolicyCache,
    request_id: str | None = None,
    timeouts: Timeouts = OLTP,
) -> Actor | None:
    """`bind_tenant` (for the principal's tenant and user, with its timeouts) and
    `load_actor` in one round trip: the fixed cost of every request. The transaction is
    bound even when the answer is None."""
    params = binding(principal.tenant_id, principal.user_id, request_id, timeouts)
    row = (await conn.execute(_BIND_AND_LOAD_ACTOR, params)).first()
    return None if row is None else await _actor(conn, principal, row, cache)


async def _actor(
    conn: AsyncConnection, principal: Principal, row: Any, cache: PolicyCache
) -> Actor:
    policy = await cache.get(conn, row.role_id, row.key, row.builtin, row.version)
    return Actor(
        tenant_id=principal.tenant_id,
        user_id=principal.user_id,
        role_id=row.role_id,
        role_key=row.key,
        role_version=row.version,
        policy=policy,
    )
