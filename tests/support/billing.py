"""Invoices through the API: the documents several billing tests send, and a snapshot
of the billing tables to show that a refused write changed nothing."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa

from domain.billing.models import credit_notes, invoices, payments

INVOICE = (
    "id number status total amountDue amountPaid amountCredited dueDate issueDate overdue version"
)
VOID = f"""mutation($input: VoidInvoiceInput!) {{
  voidInvoice(input: $input) {{ invoice {{ {INVOICE} voidReason }} userErrors {{ field code message }} }} }}"""
PAY = f"""mutation($input: RecordPaymentInput!) {{
  recordPayment(input: $input) {{ payment {{ amount currency }} invoice {{ {INVOICE} }}
  userErrors {{ field code message }} }} }}"""


async def snapshot(tenant: Any) -> tuple[list[tuple[Any, ...]], int, int]:
    async with tenant.session() as conn:
        rows = (await conn.execute(sa.select(invoices).order_by(invoices.c.id))).all()
        paid = (await conn.execute(sa.select(payments))).all()
        notes = (await conn.execute(sa.select(credit_notes))).all()
    return [tuple(r) for r in rows], len(paid), len(notes)
