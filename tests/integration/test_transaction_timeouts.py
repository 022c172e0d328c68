"""The tenant-binding statement also bounds the transaction in time, transaction-locally
(tenants/session.py), so a pooled connection carries no limit to its next use."""

from __future__ import annotations

import sqlalchemy as sa

from tenants.session import OLTP, Timeouts, bind_tenant

SHOW = sa.text(
    "SELECT current_setting('statement_timeout'),"
    " current_setting('idle_in_transaction_session_timeout')"
)


async def test_the_binding_sets_both_timeouts_for_the_transaction_only(engine, tenant):
    async with engine.connect() as conn:
        before = (await conn.execute(SHOW)).one()
        await conn.rollback()
        async with conn.begin():
            await bind_tenant(conn, tenant.id, timeouts=Timeouts(1234, 5678))
            assert tuple((await conn.execute(SHOW)).one()) == ("1234ms", "5678ms")
        assert (await conn.execute(SHOW)).one() == before
        await conn.rollback()


async def test_the_default_is_the_oltp_bound(tenant):
    async with tenant.session() as conn:
        shown = tuple((await conn.execute(SHOW)).one())
    assert shown == (f"{OLTP.statement_ms // 1000}s", f"{OLTP.idle_in_transaction_ms // 1000}s")
