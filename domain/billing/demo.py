"""Demo invoices from the demo orders, in every state: drafts, open (issued, not yet
due), part-paid, paid, overdue (issued long enough ago to be past due), void (and
billed again), and one with a credit note.

Issued through the services, dated in the past with their `today=` argument, oldest
first, so each series' numbers grow with the issue dates and have no gap."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from typing import Any
from uuid import uuid4

import sqlalchemy as sa

from domain.billing import services
from domain.billing.repository import today_utc
from domain.demo_seed import DemoSeed
from domain.sales.models import sales_orders
from tenants.access.builtin import ADMIN_ROLE, builtin_policy
from tenants.principal import Actor


@dataclass(frozen=True)
class Kind:
    name: str
    days_ago: int | None  # None: left a draft
    paid: Decimal = Decimal(0)  # share of the total paid
    credited: Decimal = Decimal(0)  # share of the total credited
    void: bool = False


# the most telling first, as a tenant may have few invoiceable orders; payment terms
# are at most 60 days, so 65+ days ago is overdue, and 14 days at least, so under
# 14 days ago is not due yet
KINDS = (
    Kind("overdue, part-paid", 80, paid=Decimal("0.5")),
    Kind("paid", 40, paid=Decimal(1)),
    Kind("open", 5),
    Kind("overdue", 75),
    Kind("void", 70, void=True),
    Kind("credited", 30, credited=Decimal("0.1")),
    Kind("draft", None),
    Kind("part-paid, not due", 8, paid=Decimal("0.3")),
    Kind("paid", 90, paid=Decimal(1)),
    Kind("overdue", 65),
    Kind("open", 2),
    Kind("paid", 12, paid=Decimal(1)),
    Kind("draft", None),
)


async def seed(demo: DemoSeed) -> None:
    orders = list(
        await demo.conn.scalars(
            sa.select(sales_orders.c.id)
            .where(sales_orders.c.status.in_(services.INVOICEABLE_ORDERS))
            .order_by(sales_orders.c.notes, sales_orders.c.id)
            .limit(len(KINDS))
        )
    )
    if not orders:
        return
    actor = Actor(
        tenant_id=demo.tenant_id,
        user_id=demo.users.get("accountant", demo.users[ADMIN_ROLE]),
        role_id=uuid4(),
        role_key=ADMIN_ROLE,
        role_version=0,
        policy=builtin_policy(ADMIN_ROLE),
    )
    today = today_utc()
    made = list(zip(KINDS, orders, strict=False))
    drafts = {}
    for kind, order_id in made:
        draft = await services.create_invoice_from_order(
            demo.conn, actor, order_id, f"Demo: {kind.name}"
        )
        drafts[order_id] = draft.id
    issued = [(k, o) for k, o in made if k.days_ago is not None]
    for kind, order_id in sorted(issued, key=lambda item: -(item[0].days_ago or 0)):
        await _issue(demo, actor, drafts[order_id], order_id, kind, today)


async def _issue(
    demo: DemoSeed, actor: Actor, invoice_id: Any, order_id: Any, kind: Kind, today: date
) -> None:
    conn = demo.conn
    issued_on = today - timedelta(days=kind.days_ago or 0)
    invoice = await services.issue_invoice(conn, actor, invoice_id, None, today=issued_on)
    settled_on = min(today, issued_on + timedelta(days=10))
    if kind.void:
        await services.void_invoice(conn, actor, invoice.id, None, "Billed to the wrong entity")
        # billed again, correctly, two days later (and paid)
        again = await services.create_invoice_from_order(conn, actor, order_id, "Demo: re-billed")
        redo = Kind("re-billed", (kind.days_ago or 0) - 2, paid=Decimal(1))
        return await _issue(demo, actor, again.id, order_id, redo, today)
    if kind.credited:
        await services.create_credit_note(
            conn,
            actor,
            invoice.id,
            **_share(invoice, kind.credited),
            reason="Damaged in transit",
            today=settled_on,
        )
    if kind.paid:
        await services.record_payment(
            conn,
            actor,
            invoice.id,
            **_share(invoice, kind.paid),
            paid_on=settled_on,
            method="bank transfer",
            reference=f"DEMO-{invoice.number}",
        )


def _share(invoice: Any, share: Decimal) -> dict[str, Any]:
    """That share of the invoice's total, as a payment's or credit's amount and currency."""
    return {
        "amount": (invoice.total * share).quantize(Decimal("0.01")),
        "currency_code": invoice.currency,
    }
