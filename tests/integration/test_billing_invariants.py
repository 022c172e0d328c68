"""Billing invariants under real parallel transactions (separate connections of the
app engine): gapless invoice numbers per tenant, payments within the total, totals
equal to the sum of the lines."""

from __future__ import annotations

import asyncio
from datetime import date
from decimal import Decimal
from uuid import UUID

import pytest
import sqlalchemy as sa

from domain.billing import services
from domain.billing.models import credit_notes, invoice_lines, invoices, payments
from domain.errors import DomainError
from tenants.session import tenant_transaction
from tests.support.orders import actor_for, arrange_order

TODAY = date(2026, 3, 14)


class Boom(Exception):
    """A failure after the number was taken, in the same transaction."""


async def _drafts(tenant, count: int) -> list[UUID]:
    actor = actor_for(tenant)
    async with tenant.session(tenant.admin_id) as conn:
        first = await arrange_order(conn, tenant.id, tenant.admin_id)
        ids = [(await services.create_invoice_from_order(conn, actor, first.order_id)).id]
        for _ in range(count - 1):
            order = await arrange_order(
                conn,
                tenant.id,
                tenant.admin_id,
                customer_id=first.customer_id,
                lines=[(1, "10.00", "0", "1.00")],
            )
            ids.append((await services.create_invoice_from_order(conn, actor, order.order_id)).id)
    return ids


async def _issue(tenant, invoice_id: UUID, fail: bool = False) -> None:
    async with tenant_transaction(tenant.engine, tenant.id, tenant.admin_id) as conn:
        await services.issue_invoice(conn, actor_for(tenant), invoice_id, None, today=TODAY)
        if fail:
            raise Boom


async def _sequences(tenant) -> list[int]:
    async with tenant.session() as conn:
        rows = await conn.execute(
            sa.select(invoices.c.sequence, invoices.c.number).where(
                invoices.c.sequence.is_not(None)
            )
        )
        found = rows.all()
    assert all(r.number == f"INV-2026-{r.sequence:06d}" for r in found)
    return sorted(r.sequence for r in found)


async def test_concurrent_issues_are_gapless_per_tenant_even_when_some_fail(make_tenant):
    tenant, other = await make_tenant("Numbers A"), await make_tenant("Numbers B")
    drafts, other_drafts = await _drafts(tenant, 100), await _drafts(other, 20)
    failing = set(drafts[::10])  # ten issues fail after taking their number

    results = await asyncio.gather(
        *(_issue(tenant, i, fail=i in failing) for i in drafts),
        *(_issue(other, i) for i in other_drafts),
        return_exceptions=True,
    )
    assert [r for r in results if r is not None and not isinstance(r, Boom)] == []
    assert sum(isinstance(r, Boom) for r in results) == 10
    assert await _sequences(tenant) == list(range(1, 91))  # the failed ones left no hole
    assert await _sequences(other) == list(range(1, 21))  # numbered on its own

    await asyncio.gather(*(_issue(tenant, i) for i in failing))
    assert await _sequences(tenant) == list(range(1, 101))


async def test_a_failed_issue_inside_a_savepoint_gives_its_number_back(tenant):
    first, second = await _drafts(tenant, 2)
    actor = actor_for(tenant)
    async with tenant.session(tenant.admin_id) as conn:
        savepoint = await conn.begin_nested()
        taken = await services.issue_invoice(conn, actor, first, None, today=TODAY)
        assert taken.sequence == 1
        await savepoint.rollback()
        issued = await services.issue_invoice(conn, actor, second, None, today=TODAY)
    assert issued.number == "INV-2026-000001"
    assert await _sequences(tenant) == [1]


async def _pay(tenant, invoice_id: UUID, amount: str) -> bool:
    try:
        async with tenant_transaction(tenant.engine, tenant.id, tenant.admin_id) as conn:
            await services.record_payment(
                conn, actor_for(tenant), invoice_id, amount=Decimal(amount), currency_code="EUR"
            )
    except DomainError as error:
        assert error.code == "EXCEEDS_AMOUNT_DUE"
        return False
    return True


async def test_concurrent_payments_never_exceed_the_total(tenant):
    (invoice_id,) = await _drafts(tenant, 1)  # 2 x 50.00 + 20 % tax = 120.00
    await _issue(tenant, invoice_id)
    accepted = await asyncio.gather(*(_pay(tenant, invoice_id, "25.00") for _ in range(12)))
    assert sum(accepted) == 4  # 4 x 25 = 100 of 120; a fifth would exceed it
    async with tenant.session() as conn:
        row = (await conn.execute(sa.select(invoices).where(invoices.c.id == invoice_id))).one()
        paid = await conn.scalar(
            sa.select(sa.func.sum(payments.c.amount)).where(payments.c.invoice_id == invoice_id)
        )
    assert row.amount_paid == paid == Decimal("100.00")
    assert row.status == "partially_paid"
    assert await _pay(tenant, invoice_id, "20.00")
    async with tenant.session() as conn:
        status = await conn.scalar(sa.select(invoices.c.status).where(invoices.c.id == invoice_id))
    assert status == "paid"


async def test_the_database_refuses_payments_beyond_the_total(tenant):
    """The CHECK constraint is the backstop behind the service's own check."""
    (invoice_id,) = await _drafts(tenant, 1)
    await _issue(tenant, invoice_id)
    with pytest.raises(sa.exc.IntegrityError):
        async with tenant.session() as conn:
            await conn.execute(
                invoices.update()
                .where(invoices.c.id == invoice_id)
                .values(amount_paid=Decimal("121"))
            )


async def test_invoice_totals_equal_the_sum_of_their_lines(tenant):
    actor = actor_for(tenant)
    lines = [(3, "19.99", "20", "5.00"), (1, "0.05", "7", "0.01"), (7, "3.33", "0", "1.00")]
    async with tenant.session(tenant.admin_id) as conn:
        order = await arrange_order(conn, tenant.id, tenant.admin_id, lines=lines)
        invoice = await services.create_invoice_from_order(conn, actor, order.order_id)
        sums = (
            await conn.execute(
                sa.select(
                    sa.func.sum(invoice_lines.c.subtotal).label("subtotal"),
                    sa.func.sum(invoice_lines.c.tax).label("tax"),
                    sa.func.sum(invoice_lines.c.total).label("total"),
                    sa.func.count().label("count"),
                ).where(invoice_lines.c.invoice_id == invoice.id)
            )
        ).one()
    assert sums.count == 3
    assert (invoice.subtotal, invoice.tax_total, invoice.total) == (
        sums.subtotal,
        sums.tax,
        sums.total,
    )
    assert invoice.total == Decimal("95.32")


async def test_the_database_keeps_issued_invoices_and_their_lines_frozen(tenant):
    (invoice_id,) = await _drafts(tenant, 1)
    await _issue(tenant, invoice_id)
    attempts = [
        invoices.update().where(invoices.c.id == invoice_id).values(notes="changed"),
        invoices.update().where(invoices.c.id == invoice_id).values(status="draft"),
        invoices.delete().where(invoices.c.id == invoice_id),
        invoice_lines.update().where(invoice_lines.c.invoice_id == invoice_id).values(quantity=9),
        invoice_lines.delete().where(invoice_lines.c.invoice_id == invoice_id),
    ]
    for statement in attempts:
        with pytest.raises(sa.exc.DBAPIError, match=r"immutable|cannot be deleted"):
            async with tenant.session() as conn:
                await conn.execute(statement)


async def _credit(tenant, invoice_id: UUID, amount: str) -> bool:
    try:
        async with tenant_transaction(tenant.engine, tenant.id, tenant.admin_id) as conn:
            await services.create_credit_note(
                conn,
                actor_for(tenant),
                invoice_id,
                amount=Decimal(amount),
                currency_code="EUR",
                reason="race",
                today=TODAY,
            )
    except DomainError as error:
        assert error.code == "EXCEEDS_AMOUNT_DUE"
        return False
    return True


async def test_racing_payments_and_credits_settle_at_most_the_total(tenant):
    (invoice_id,) = await _drafts(tenant, 1)  # 120.00
    await _issue(tenant, invoice_id)
    racers = [_pay(tenant, invoice_id, "30.00") for _ in range(4)]
    racers += [_credit(tenant, invoice_id, "30.00") for _ in range(4)]
    assert sum(await asyncio.gather(*racers)) == 4  # 4 x 30 = 120, whoever came first
    async with tenant.session() as conn:
        row = (await conn.execute(sa.select(invoices).where(invoices.c.id == invoice_id))).one()
        numbers = sorted(await conn.scalars(sa.select(credit_notes.c.sequence)))
    assert row.amount_paid + row.amount_credited == row.total and row.status == "paid"
    assert numbers == list(range(1, len(numbers) + 1))  # credit notes gapless too
