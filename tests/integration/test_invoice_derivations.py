"""An invoice's amountDue and overdue mean the same in Python (what the resolvers show)
and in SQL (what the compiled read path selects)."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa

from domain.billing.repository import INVOICE_DERIVED, amount_due, is_overdue
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
