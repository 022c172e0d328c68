"""The full demo, per demo tenant: stock in two warehouses (some of it low), two dozen
orders in every state for both sales users (some from won deals), invoices in every
state with gapless numbers, and a sales rep who can order for their open deals."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from domain.billing.models import credit_notes, invoices
from domain.billing.repository import is_overdue
from domain.crm.models import deals
from domain.demo import DEMO_TENANTS, demo_email, seed_demo
from domain.inventory.demo import LOW_STOCK
from domain.inventory.models import products, stock_levels
from domain.inventory.repository import PRODUCT_SELECT, product_conditions
from domain.sales.models import sales_orders
from tenants.provisioning import tenant_id_by_slug, user_id_by_email
from tenants.session import tenant_transaction
from tests.support.backoffice import ledger_matches_levels


async def _demo(engine, slug):
    await seed_demo(engine)
    async with engine.connect() as conn:
        tenant_id = await tenant_id_by_slug(conn, slug)
    return tenant_transaction(engine, tenant_id)


async def _users(conn, slug):
    return {
        role: await user_id_by_email(conn, demo_email(role, slug))
        for role in ("sales_rep", "sales_manager")
    }


@pytest.mark.parametrize("slug", [slug for slug, _ in DEMO_TENANTS])
async def test_demo_orders_and_stock(engine, slug):
    async with await _demo(engine, slug) as conn:
        users = await _users(conn, slug)
        orders = (await conn.execute(sa.select(sales_orders))).all()
        assert 20 <= len(orders) <= 30
        for owner in users.values():  # both sales users own orders in every state
            mine = {o.status for o in orders if o.owner_id == owner}
            assert mine == {"draft", "confirmed", "fulfilled", "cancelled"}
        assert len({o.customer_id for o in orders}) >= 5
        from_deals = [o for o in orders if o.deal_id is not None]
        assert {o.owner_id for o in from_deals} == set(users.values())
        currencies = dict((await conn.execute(sa.select(deals.c.id, deals.c.currency))).all())
        assert all(o.currency == currencies[o.deal_id] for o in from_deals)
        assert await ledger_matches_levels(conn)
        stocked = sa.select(stock_levels.c.warehouse_id).where(stock_levels.c.on_hand > 0)
        assert len(set(await conn.scalars(stocked))) == 2
        low = await conn.execute(PRODUCT_SELECT.where(*product_conditions(low_stock=True)))
        assert {r.sku for r in low} >= LOW_STOCK  # the demo orders leave them low


@pytest.mark.parametrize("slug", [slug for slug, _ in DEMO_TENANTS])
async def test_the_sales_rep_can_order_for_an_open_deal(engine, slug):
    async with await _demo(engine, slug) as conn:
        rep = (await _users(conn, slug))["sales_rep"]
        orderable = (
            sa.select(products.c.currency)
            .join(stock_levels, stock_levels.c.product_id == products.c.id)
            .where(products.c.active, stock_levels.c.on_hand > stock_levels.c.reserved)
        )
        open_deals = sa.select(sa.func.count()).where(
            deals.c.owner_id == rep, deals.c.status == "open", deals.c.currency.in_(orderable)
        )
        assert await conn.scalar(open_deals) > 0
        every = sa.select(sa.func.count()).where(deals.c.currency.not_in(orderable))
        assert await conn.scalar(every) == 0  # whatever deal is won can be ordered


@pytest.mark.parametrize("slug", [slug for slug, _ in DEMO_TENANTS])
async def test_demo_invoices_in_every_state(engine, slug):
    async with await _demo(engine, slug) as conn:
        rows = (await conn.execute(sa.select(invoices))).all()
        notes = (await conn.execute(sa.select(credit_notes))).all()
    assert {r.status for r in rows} == {"draft", "issued", "partially_paid", "paid", "void"}
    open_ones = [r for r in rows if r.status in ("issued", "partially_paid")]
    assert any(is_overdue(r) for r in open_ones if r.status == "issued")
    assert any(is_overdue(r) for r in open_ones if r.status == "partially_paid")
    assert any(not is_overdue(r) for r in open_ones if r.status == "issued")
    assert any(not is_overdue(r) for r in open_ones if r.status == "partially_paid")
    assert len(notes) == 1 and notes[0].amount > 0
    for series, numbered in (("INV", [r for r in rows if r.number]), ("CN", notes)):
        by_year: dict[int, list[int]] = {}
        for r in numbered:
            by_year.setdefault(r.year, []).append(r.sequence)
        for sequences in by_year.values():  # gapless, and in issue-date order
            assert sorted(sequences) == list(range(1, len(sequences) + 1)), series
        dated = sorted(numbered, key=lambda r: (r.year, r.sequence))
        assert [r.issue_date for r in dated] == sorted(r.issue_date for r in dated)
    drafts = [r for r in rows if r.status == "draft"]
    assert drafts and all(r.number is None for r in drafts)
    void = [r for r in rows if r.status == "void"]
    rebilled = [r for r in rows if r.order_id == void[0].order_id and r.status != "void"]
    assert rebilled and rebilled[0].status == "paid"


DEMO_QUERY = """{
  products(filter: {lowStock: true}) { nodes { sku } }
  orders(first: 50) { nodes { status deal { id } invoices { number status amountDue } } }
  invoices(filter: {overdue: true}) { nodes { number } }
}"""


async def test_what_the_demo_sales_rep_sees(engine, state, gql):
    async with await _demo(engine, "acme") as conn:
        rep = (await _users(conn, "acme"))["sales_rep"]
        tenant_id = await conn.scalar(sa.select(sa.func.current_setting("app.tenant_id")))
    token = state.keys.issue(state.settings, tenant_id=tenant_id, user_id=rep)
    found = (await gql(DEMO_QUERY, token=token)).ok()
    assert found["products"]["nodes"]
    orders = found["orders"]["nodes"]
    assert {o["status"] for o in orders} == {"DRAFT", "CONFIRMED", "FULFILLED", "CANCELLED"}
    assert any(o["deal"] for o in orders)
    billed = [i for o in orders for i in o["invoices"]]
    assert billed and all(i["number"] or i["status"] == "DRAFT" for i in billed)
    assert found["invoices"]["nodes"]  # the rep's own overdue invoices
