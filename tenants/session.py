"""The tenant-bound transaction: the only way application code touches tenant data.

Its first statement sets `app.tenant_id` and `app.user_id` with bind parameters and
`is_local = true`, so the settings die with the transaction and a pooled connection
carries nothing to the next request. RLS does the rest. A request's first statement
also loads its caller in the same round trip (tenants.principal.bind_and_load_actor).
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from uuid import UUID

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

# Named after the settings they set; every value is a bind parameter (`binding`).
_SETTINGS = ("tenant_id", "user_id", "request_id")
_SET_CONTEXT = sa.select(
    *(
        sa.func.set_config(f"app.{name}", sa.bindparam(name, type_=sa.Text), True).label(name)
        for name in _SETTINGS
    )
)


def bound_settings() -> sa.Subquery:
    """A one-row subquery whose evaluation sets the transaction's settings, for a
    statement that binds the tenant and reads in the same round trip (its reads must
    be evaluated after it: see tenants.principal). set_config is volatile, so
    PostgreSQL keeps the subquery apart and evaluates it once."""
    return _SET_CONTEXT.subquery("bound")


def binding(
    tenant_id: UUID, user_id: UUID | None = None, request_id: str | None = None
) -> dict[str, str]:
    """The parameters of the settings statement: an absent user or request id is an
    empty setting, which RLS and the audit trigger read as none."""
    return {
        "tenant_id": str(tenant_id),
        "user_id": str(user_id) if user_id else "",
        "request_id": request_id or "",
    }


async def bind_tenant(
    conn: AsyncConnection,
    tenant_id: UUID,
    user_id: UUID | None = None,
    request_id: str | None = None,
) -> None:
    await conn.execute(_SET_CONTEXT, binding(tenant_id, user_id, request_id))


@asynccontextmanager
async def tenant_transaction(
    engine: AsyncEngine,
    tenant_id: UUID,
    user_id: UUID | None = None,
    *,
    readonly: bool = False,
    request_id: str | None = None,
) -> AsyncIterator[AsyncConnection]:
    """One transaction bound to one tenant; commits on success, rolls back on error."""
    async with engine.connect() as conn:
        if readonly:
            conn = await conn.execution_options(postgresql_readonly=True)
        async with conn.begin():
            await bind_tenant(conn, tenant_id, user_id, request_id)
            yield conn
