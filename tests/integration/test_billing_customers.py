"""A customer's receivables: payment status and overdue amount, for a page of customers."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

from domain.billing import customers, services
from domain.billing.repository import today_utc
from tests.support.orders import actor_for, arrange_invoice, arrange_order


async def test_payment_status_per_customer(tenant):
    actor = actor_for(tenant)
    overdue = await arrange_invoice(tenant, today=today_utc() - timedelta(days=45))
    open_ = await arrange_invoice(tenant)
    paid = await arrange_invoice(tenant)
    void = await arrange_invoice(tenant)
    async with tenant.session(tenant.admin_id) as conn:
        await services.record_payment(
            conn, actor, overdue.id, amount=Decimal("20"), currency_code="EUR"
        )
        await services.record_payment(conn, actor, paid.id, amount=paid.total, currency_code="EUR")
        await services.void_invoice(conn, actor, void.id, None, "typo")
        none = await arrange_order(conn, tenant.id, tenant.admin_id)
        ids = [r.customer_id for r in (overdue, open_, paid, void)] + [none.customer_id]
        found = await customers.receivables_by_customer(conn, ids)
        listed = await customers.invoices_by_customer(conn, actor, ids)
        orders = await customers.orders_by_customer(conn, actor, ids)
    status = [found.get(i, customers.NO_RECEIVABLES).payment_status for i in ids]
    assert status == ["overdue", "open", "paid", "no_invoices", "no_invoices"]
    assert found[overdue.customer_id].overdue_amounts == {"EUR": Decimal("100")}
    assert found[open_.customer_id].overdue_amounts == {}
    assert [len(listed.get(i, [])) for i in ids] == [1, 1, 1, 1, 0]
    assert [len(orders.get(i, [])) for i in ids] == [1, 1, 1, 1, 1]


async def test_an_invoice_due_today_is_not_overdue(tenant):
    terms = 30
    invoice = await arrange_invoice(
        tenant, today=today_utc() - timedelta(days=terms), terms_days=terms
    )
    assert invoice.due_date == today_utc()
    async with tenant.session() as conn:
        found = await customers.receivables_by_customer(conn, [invoice.customer_id])
    assert found[invoice.customer_id].payment_status == "open"
