"""Demo sales orders: two dozen in every state (draft, confirmed, fulfilled, cancelled)
for several of the CRM demo's customers (a few of our own when it made none), owned by
the demo sales rep and sales manager, shipped from both warehouses, plus orders made
from won deals in the deal's currency.

Written through the services (stock reserved and shipped through the ledger) and
seeded by the tenant slug, so the same tenant gets the same orders every time. Each
order's notes number it ("Demo order 07"), which the billing demo sorts by."""

from __future__ import annotations

import random
from decimal import Decimal
from typing import TYPE_CHECKING, Any
from uuid import UUID

import sqlalchemy as sa

from domain.crm.models import customers, deals
from domain.errors import DomainError
from domain.inventory.demo import LOW_STOCK, demo_actor
from domain.inventory.errors import InventoryError
from domain.inventory.models import products, warehouses
from domain.sales import services
from domain.sales.errors import SalesError
from domain.sales.models import sales_orders
from domain.sales.pricing import LineInput
from tenants.principal import Actor

if TYPE_CHECKING:
    from domain.demo_seed import DemoSeed

FALLBACK_CUSTOMERS = ("Initech", "Umbrella Retail", "Hooli Labs")
CUSTOMERS = 8  # the first customers by name get the orders
# the final state of each order; the owner alternates rep, manager
ROUND = ("fulfilled", "confirmed", "draft", "fulfilled", "cancelled", "confirmed", "fulfilled")
STATES = ROUND * 3  # an odd round, so both owners get orders in every state
DEAL_STATES = ("fulfilled", "confirmed", "draft", "fulfilled")  # orders from won deals
TAX_RATE = Decimal("8.25")
DISCOUNTS = ("0", "0", "0", "5", "10")


class Actors:
    def __init__(self, rep: Actor, manager: Actor, warehouse: Actor) -> None:
        self.owners = (rep, manager)
        self.manager, self.warehouse = manager, warehouse


async def _customers(demo: DemoSeed) -> list[UUID]:
    """The first customers by name; created when the CRM demo made none."""
    conn = demo.conn
    found = list(
        await conn.scalars(
            sa.select(customers.c.id).order_by(customers.c.name, customers.c.id).limit(CUSTOMERS)
        )
    )
    for name in FALLBACK_CUSTOMERS[len(found) :]:
        found.append(
            await conn.scalar(
                sa.insert(customers)
                .values(tenant_id=demo.tenant_id, name=name, kind="company")
                .returning(customers.c.id)
            )
        )
    return found


async def _catalogue(conn: Any) -> dict[str, list[UUID]]:
    """currency -> the products orders draw from (not the low-stock ones), by SKU."""
    out: dict[str, list[UUID]] = {}
    query = sa.select(products.c.sku, products.c.id, products.c.currency).where(products.c.active)
    for sku, product_id, currency in await conn.execute(query.order_by(products.c.sku)):
        if sku not in LOW_STOCK:
            out.setdefault(currency, []).append(product_id)
    return out


def _lines(rng: random.Random, choices: list[UUID]) -> list[LineInput]:
    picked = rng.sample(choices, k=min(len(choices), rng.randint(1, 3)))
    return [
        LineInput(
            product_id,
            rng.randint(1, 3),
            discount_percent=Decimal(rng.choice(DISCOUNTS)),
            tax_rate=TAX_RATE,
        )
        for product_id in picked
    ]


async def _advance(
    conn: Any, actors: Actors, owner: Actor, order_id: UUID, state: str, n: int
) -> None:
    """Take draft number `n` to `state`; every other cancelled one was confirmed first.
    An order credit control holds, or the stock cannot cover, stays a draft, as it would
    for a real rep (the demos draw credit limits and quantities by the tenant's slug, so
    some tenants meet one)."""
    if state in ("confirmed", "fulfilled") or (state == "cancelled" and n % 2):
        try:
            await services.confirm_order(conn, owner, order_id)
        except DomainError as refused:
            held = (SalesError.CREDIT_LIMIT_EXCEEDED, InventoryError.INSUFFICIENT_STOCK)
            if refused.code not in held:
                raise
            return
    if state == "fulfilled":
        await services.fulfill_order(conn, actors.warehouse, order_id)
    if state == "cancelled":
        await services.cancel_order(conn, actors.manager, order_id)


async def seed(demo: DemoSeed) -> None:
    conn = demo.conn
    rng = random.Random(f"sales:{demo.slug}")
    actors = Actors(
        await demo_actor(demo, "sales_rep"),
        await demo_actor(demo, "sales_manager"),
        await demo_actor(demo, "warehouse"),
    )
    who = await _customers(demo)
    main_first = (warehouses.c.code != "MAIN", warehouses.c.code)
    sites = list(await conn.scalars(sa.select(warehouses.c.id).order_by(*main_first)))
    catalogue = await _catalogue(conn)
    home = catalogue.get(demo.currencies[0]) or next(iter(catalogue.values()), [])
    if not home or not sites:
        return
    for i, state in enumerate(STATES):
        owner = actors.owners[i % 2]
        draft = services.OrderDraft(
            customer_id=who[i % len(who)],
            warehouse_id=sites[-1] if i % 3 == 2 else sites[0],  # a third from the depot
            notes=f"Demo order {i + 1:02d}",
            lines=_lines(rng, home),
        )
        order = await services.create_order(conn, owner, draft)
        await _advance(conn, actors, owner, order.id, state, i)
    await _orders_for_won_deals(demo, rng, actors, catalogue, sites[0])


async def _orders_for_won_deals(
    demo: DemoSeed, rng: random.Random, actors: Actors, catalogue: dict[str, list[UUID]], site: UUID
) -> None:
    """Orders for the first won deals of each owner (CRM demo), in the deal's currency and
    for its amount: a deal records no products, so one is sold at the deal's price."""
    conn = demo.conn
    for n, state in enumerate(DEAL_STATES):
        owner = actors.owners[n % 2]
        deal = (
            await conn.execute(
                sa.select(deals.c.id, deals.c.currency, deals.c.amount)
                .where(
                    deals.c.status == "won",
                    deals.c.owner_id == owner.user_id,
                    deals.c.currency.in_(list(catalogue)),
                    ~sa.exists().where(sales_orders.c.deal_id == deals.c.id),
                )
                .order_by(deals.c.title, deals.c.id)
                .limit(1)
            )
        ).first()
        if deal is None:
            continue
        draft = services.OrderDraft(
            warehouse_id=site,
            notes=f"Demo order {len(STATES) + n + 1:02d}, from a won deal",
            lines=[
                LineInput(rng.choice(catalogue[deal.currency]), 1, deal.amount, tax_rate=TAX_RATE)
            ],
        )
        order = await services.create_order_from_deal(conn, owner, deal.id, draft)
        await _advance(conn, actors, owner, order.id, state, n)
