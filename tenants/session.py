"""The tenant-bound transaction: the only way application code touches tenant data.

Its first statement sets `app.tenant_id` and `app.user_id` with bind parameters and
`is_local = true`, so the settings die with the transaction and a pooled connection
carries nothing to the next request. RLS does the rest.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from uuid import UUID

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

_SET_CONTEXT = sa.text(
    "SELECT set_config('app.tenant_id', :tenant_id, true),"
    " set_config('app.user_id', :user_id, true),"
    " set_config('app.request_id', :request_id, true)"
)


async def bind_tenant(
    conn: AsyncConnection,
    tenant_id: UUID,
    user_id: UUID | None = None,
    request_id: str | None = None,
) -> None:
    await conn.execute(
        _SET_CONTEXT,
        {
            "tenant_id": str(tenant_id),
            "user_id": str(user_id) if user_id else "",
            "request_id": request_id or "",
        },
    )


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
