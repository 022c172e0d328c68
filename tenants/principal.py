"""Who is calling: the verified token's subject, resolved against the database."""

from __future__ import annotations

from collections import OrderedDict
from dataclasses import dataclass
from uuid import UUID

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncConnection

from tenants.access.builtin import builtin_policy
from tenants.access.policy import Policy
from tenants.models import roles, users


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


_ACTOR = (
    sa.select(users.c.role_id, roles.c.key, roles.c.builtin, roles.c.version)
    .join(roles, sa.and_(roles.c.tenant_id == users.c.tenant_id, roles.c.id == users.c.role_id))
    .where(users.c.id == sa.bindparam("user_id"), users.c.active)
)


class PolicyCache:
    """Compiled policies by (role id, role version): an edited role has a new version,
    so the next request compiles the new one."""

    def __init__(self, size: int = 1024) -> None:
        self._items: OrderedDict[tuple[UUID, int], Policy] = OrderedDict()
        self._size = size

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
            if len(self._items) > self._size:
                self._items.popitem(last=False)
        return policy


async def load_actor(
    conn: AsyncConnection, principal: Principal, cache: PolicyCache
) -> Actor | None:
    """The active user behind a principal, with their current role; None when the user
    does not exist in this tenant or was deactivated."""
    row = (await conn.execute(_ACTOR, {"user_id": principal.user_id})).first()
    if row is None:
        return None
    policy = await cache.get(conn, row.role_id, row.key, row.builtin, row.version)
    return Actor(
        tenant_id=principal.tenant_id,
        user_id=principal.user_id,
        role_id=row.role_id,
        role_key=row.key,
        role_version=row.version,
        policy=policy,
    )
