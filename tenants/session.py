"""The tenant-bound transaction: the only way application code touches tenant data.

Its first statement sets `app.tenant_id` and `app.user_id` with bind parameters and
`is_local = true`, so the settings die with the transaction and a pooled connection
carries nothing to the next request. RLS does the rest. The same statement bounds the
transaction in time (`statement_timeout`, `idle_in_transaction_session_timeout`, also
transaction-local, so they hold behind PgBouncer in transaction mode): no request of
one tenant holds the database for the others. A request's first statement also loads
its caller in the same round trip (tenants.principal.bind_and_load_actor).
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from uuid import UUID

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine


@dataclass(frozen=True)
class Timeouts:
    """How long, in milliseconds, one statement may run and a transaction may sit idle
    between its statements (PostgreSQL cancels the statement, SQLSTATE 57014, or ends
    the session). The defaults suit OLTP; the server takes them from its settings."""

    statement_ms: int = 5_000
    idle_in_transaction_ms: int = 15_000


OLTP = Timeouts()

# Named after the settings they set; every value is a bind parameter (`binding`).
_SETTINGS = {name: f"app.{name}" for name in ("tenant_id", "user_id", "request_id")} | {
    name: name for name in ("statement_timeout", "idle_in_transaction_session_timeout")
}
_SET_CONTEXT = sa.select(
    *(
        sa.func.set_config(setting, sa.bindparam(name, type_=sa.Text), True).label(name)
        for name, setting in _SETTINGS.items()
    )
)


def bound_settings() -> sa.Subquery:
    """A one-row subquery whose evaluation sets the transaction's settings, for a
    statement that binds the tenant and reads in the same round trip (its reads must
    be evaluated after it: see tenants.principal). set_config is volatile, so
    PostgreSQL keeps the subquery apart and evaluates it once."""
    return _SET_CONTEXT.subquery("bound")


def binding(
    tenant_id: UUID,
    user_id: UUID | None = None,
    request_id: str | None = None,
    timeouts: Timeouts = OLTP,
) -> dict[str, str]:
    """The parameters of the settings statement: an absent user or request id is an
    empty setting, which RLS and the audit trigger read as none."""
    return {
        "tenant_id": str(tenant_id),
        "user_id": str(user_id) if user_id else "",
        "request_id": request_id or "",
        "statement_timeout": str(timeouts.statement_ms),
        "idle_in_transaction_session_timeout": str(timeouts.idle_in_transaction_ms),
    }


async def bind_tenant(
    conn: AsyncConnection,
    tenant_id: UUID,
    user_id: UUID | None = None,
    request_id: str | None = None,
    timeouts: Timeouts = OLTP,
) -> None:
    await conn.execute(_SET_CONTEXT, binding(tenant_id, user_id, request_id, timeouts))


@asynccontextmanager
async def tenant_transaction(
    engine: AsyncEngine,
    tenant_id: UUID,
    user_id: UUID | None = None,
    *,
    readonly: bool = False,
    request_id: str | None = None,
    timeouts: Timeouts = OLTP,
) -> AsyncIterator[AsyncConnection]:
    """One transaction bound to one tenant; commits on success, rolls back on error."""
    async with engine.connect() as conn:
        if readonly:
            conn = await conn.execution_options(postgresql_readonly=True)
        async with conn.begin():
            await bind_tenant(conn, tenant_id, user_id, request_id, timeouts)
            yield conn
