"""What writers of any area's tables share beyond the table kit (tenants/tables.py)."""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncConnection


async def lock_tenant_table(conn: AsyncConnection, table: sa.Table) -> None:
    """Serialise this tenant's writers of `table` until the transaction ends (an
    advisory lock on the table and the tenant): for rules a row lock cannot hold, such
    as no cycle in a hierarchy or at most N rows."""
    tenant = sa.func.current_setting("app.tenant_id")
    lock = sa.func.pg_advisory_xact_lock(sa.func.hashtext(table.name), sa.func.hashtext(tenant))
    await conn.execute(sa.select(lock))
