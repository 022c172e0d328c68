"""Gapless document numbers: one counter row per (tenant, series, year).

The counter is bumped with one `INSERT … ON CONFLICT DO UPDATE … RETURNING`, in the
caller's transaction. The row stays locked until that transaction ends, so concurrent
issues in the same tenant queue up on it; if the caller's transaction (or savepoint)
rolls back, the increment rolls back with it and the number is handed out again:
numbers are unique and leave no hole. Other tenants and other years have rows of
their own and never wait on each other.
"""

from __future__ import annotations

from uuid import UUID

from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncConnection

from domain.billing.models import invoice_counters

INVOICE_SERIES = "INV"
CREDIT_NOTE_SERIES = "CN"


async def next_number(conn: AsyncConnection, tenant_id: UUID, series: str, year: int) -> int:
    c = invoice_counters.c
    statement = (
        insert(invoice_counters)
        .values(tenant_id=tenant_id, series=series, year=year, last_number=1)
        .on_conflict_do_update(
            index_elements=[c.tenant_id, c.series, c.year],
            set_={"last_number": c.last_number + 1},
        )
        .returning(c.last_number)
    )
    return int((await conn.execute(statement)).scalar_one())


def format_number(series: str, year: int, sequence: int) -> str:
    """`INV-2026-000042`: sorts as text in issue order within a series and year."""
    return f"{series}-{year}-{sequence:06d}"
