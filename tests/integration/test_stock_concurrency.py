"""Real parallel transactions on the stock ledger and credit limits (DESIGN.md
business invariants).

Each confirmation runs in its own connection and transaction, as concurrent requests
would. Fifty orders race for the last five units: exactly five win, the others get
INSUFFICIENT_STOCK, stock never goes negative and the movements sum to the levels.
Fifty orders race for a customer's credit: no two pass the limit together.
"""

from __future__ import annotations

import asyncio
from decimal import Decimal

import pytest
import sqlalchemy as sa

from api.database import create_engine
from domain.crm.models import customers
from domain.errors import DomainError
from domain.inventory.models import stock_levels
from domain.sales import services
from domain.sales.models import sales_orders
from domain.sales.pricing import LineInput
from tenants.session import tenant_transaction
from tests.support.backoffice import (
    actor_for,
    arrange_customer,
    arrange_deal,
    arrange_stock,
    ledger_matches_levels,
)

RACERS = 50


@pytest.fixture
async def racing_engine(database, settings):
    """An engine of its own, with a connection for every racer."""
    engine = create_engine(
        database.app_url, settings.model_copy(update={"db_pool_size": RACERS, "db_max_overflow": 0})
    )
    yield engine
    await engine.dispose()


async def _drafts(tenant, stock, customer, per_order):
    """One draft per racer; orders of two products alternate their line order, so
    lock ordering (not luck) is what prevents deadlocks."""
    products = list(stock.products.values())
    ids = []
    async with tenant.session(tenant.admin_id) as conn:
        actor = await actor_for(conn, tenant)
        for i in range(RACERS):
            ordered = products if i % 2 else list(reversed(products))
            lines = [LineInput(p, per_order) for p in ordered]
            draft = services.OrderDraft(customer_id=customer, lines=lines)
            ids.append((await services.create_order(conn, actor, draft)).id)
    return ids


async def race(engine, tenant, ids, step, user_id=None):
    """`step(conn, actor, id)` for every id at once, each in its own transaction as
    `user_id` (the tenant admin by default); the outcomes, "OK" or the error codes."""
    start = asyncio.Event()
    user_id = user_id or tenant.admin_id

    async def one(order_id):
        await start.wait()
        try:
            async with tenant_transaction(engine, tenant.id, user_id) as conn:
                actor = await actor_for(conn, tenant, user_id)
                await step(conn, actor, order_id)
        except DomainError as error:
            problems = getattr(error, "problems", [error])
            return "/".join(sorted({p.code for p in problems}))
        return "OK"

    tasks = [asyncio.create_task(one(i)) for i in ids]
    await asyncio.sleep(0)
    start.set()
    return await asyncio.gather(*tasks)


async def _levels(tenant):
    async with tenant.session() as conn:
        rows = await conn.execute(sa.select(stock_levels.c.on_hand, stock_levels.c.reserved))
        assert await ledger_matches_levels(conn)
        return sorted((r.on_hand, r.reserved) for r in rows)


async def test_fifty_confirmations_for_the_last_five_units(racing_engine, make_tenant):
    tenant = await make_tenant()
    stock = await arrange_stock(tenant, on_hand={("WID-1", "MAIN"): 5})
    ids = await _drafts(tenant, stock, await arrange_customer(tenant), 1)

    outcomes = await race(racing_engine, tenant, ids, services.confirm_order)

    assert outcomes.count("OK") == 5
    assert outcomes.count("INSUFFICIENT_STOCK") == RACERS - 5
    assert await _levels(tenant) == [(5, 5)]
    async with tenant.session() as conn:
        statuses = await conn.scalars(sa.select(sales_orders.c.status))
        assert sorted(statuses) == ["confirmed"] * 5 + ["draft"] * (RACERS - 5)


async def test_two_product_orders_never_deadlock_or_oversell(racing_engine, make_tenant):
    tenant = await make_tenant()
    stock = await arrange_stock(
        tenant,
        {"A": ("1", None, 0), "B": ("1", None, 0)},
        on_hand={("A", "MAIN"): 14, ("B", "MAIN"): 9},
    )
    ids = await _drafts(tenant, stock, await arrange_customer(tenant), 2)

    outcomes = await race(racing_engine, tenant, ids, services.confirm_order)
    assert outcomes.count("OK") == 4  # B runs out after four orders of two
    assert set(outcomes) == {"OK", "INSUFFICIENT_STOCK"}
    assert await _levels(tenant) == [(9, 8), (14, 8)]

    # the winners ship and cancel in parallel too: nothing negative, ledger in step
    winners = [i for i, outcome in zip(ids, outcomes, strict=True) if outcome == "OK"]
    shipped = await race(racing_engine, tenant, winners[:2], services.fulfill_order)
    released = await race(racing_engine, tenant, winners[2:], services.cancel_order)
    assert shipped == ["OK", "OK"] and released == ["OK", "OK"]
    assert await _levels(tenant) == [(5, 0), (10, 0)]


async def test_one_live_order_per_deal_under_concurrency(racing_engine, make_tenant):
    tenant = await make_tenant()
    stock = await arrange_stock(tenant)
    customer = await arrange_customer(tenant)
    deal = await arrange_deal(tenant, customer, tenant.admin_id, amount="10")  # WID-1 x 1
    draft = services.OrderDraft(lines=[LineInput(stock.products["WID-1"], 1)])

    async def from_deal(conn, actor, deal_id):
        await services.create_order_from_deal(conn, actor, deal_id, draft)

    outcomes = await race(racing_engine, tenant, [deal] * 10, from_deal)
    assert sorted(outcomes) == ["DUPLICATE"] * 9 + ["OK"]


async def test_concurrent_confirmations_never_pass_a_credit_limit_together(
    racing_engine, make_tenant
):
    """Each order alone fits the limit, any two do not: the customer row lock makes
    every confirmation count the ones committed before it."""
    tenant = await make_tenant()
    stock = await arrange_stock(tenant, {"A": ("10", None, 0)}, on_hand={("A", "MAIN"): 1000})
    customer = await arrange_customer(tenant)
    async with tenant.session(tenant.admin_id) as conn:
        await conn.execute(
            customers.update()
            .where(customers.c.id == customer)
            .values(credit_limit=Decimal(100), credit_currency="EUR")
        )
    ids = await _drafts(tenant, stock, customer, 6)  # 60 EUR each
    manager = await tenant.user("sales_manager")  # may not override the limit

    outcomes = await race(racing_engine, tenant, ids, services.confirm_order, manager)
    assert sorted(outcomes) == ["CREDIT_LIMIT_EXCEEDED"] * (RACERS - 1) + ["OK"]
    assert await _levels(tenant) == [(1000, 6)]
