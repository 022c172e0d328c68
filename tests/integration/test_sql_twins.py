"""What the compiled read path computes in SQL means the same as the Python the
resolvers use: an invoice's amountDue and overdue, a global id."""

from __future__ import annotations

import uuid
from typing import Any

import sqlalchemy as sa

from domain.billing.repository import INVOICE_DERIVED, amount_due, is_overdue
from domain.ids import global_id, sql_global_id
from tests.support.demo import seed_every_area


async def test_both_forms_agree_on_every_invoice(tenant: Any) -> None:
    await seed_every_area(tenant)
    async with tenant.session(tenant.admin_id) as conn:
        rows = (await conn.execute(INVOICE_DERIVED.select())).all()
        # a void one and an overdue one, whatever the demo holds
        issued = next(r for r in rows if r.number is not None)
        await conn.execute(
            sa.text("update invoices set status = 'void' where id = :id"), {"id": issued.id}
        )
        rows = (await conn.execute(INVOICE_DERIVED.select())).all()
    assert rows and any(r.status == "void" for r in rows)
    for r in rows:
        assert (r.amount_due, r.overdue) == (amount_due(r), is_overdue(r)), r


async def test_a_global_id_prints_the_same_in_sql(tenant: Any) -> None:
    ids = [uuid.uuid4() for _ in range(5)]
    # long enough that PostgreSQL's base64 breaks the line (past 57 bytes of input)
    names = ["Deal", "WebhookDelivery", "A" * 40]
    async with tenant.session(tenant.admin_id) as conn:
        for name in names:
            for row_id in ids:
                printed = await conn.scalar(sa.select(sql_global_id(name, sa.literal(row_id))))
                assert printed == global_id(name, row_id)
