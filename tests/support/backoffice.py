"""Arranging back-office data for tests through the domain services (so the stock
ledger is written exactly as the API would write it)."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any
from uuid import UUID

import sqlalchemy as sa

from api.core.relay import to_global_id
from domain.inventory import services
from domain.inventory.models import stock_levels, stock_movements
from tenants.principal import Actor, PolicyCache, Principal, load_actor


async def actor_for(conn: Any, tenant: Any, user_id: UUID | None = None) -> Actor:
    actor = await load_actor(conn, Principal(tenant.id, user_id or tenant.admin_id), PolicyCache())
    assert actor is not None
    return actor


@dataclass
class Stock:
    products: dict[str, UUID] = field(default_factory=dict)  # sku -> id
    warehouses: dict[str, UUID] = field(default_factory=dict)  # code -> id


async def arrange_stock(
    tenant: Any,
    products: dict[str, tuple[str, str | None, int]] | None = None,
    warehouses: tuple[str, ...] = ("MAIN",),
    on_hand: dict[tuple[str, str], int] | None = None,
    currency: str = "EUR",
) -> Stock:
    """products: sku -> (unit price, unit cost, reorder point); on_hand: (sku, code) -> units."""
    products = products or {"WID-1": ("10.00", "6.00", 5)}
    out = Stock()
    async with tenant.session(tenant.admin_id) as conn:
        actor = await actor_for(conn, tenant)
        for code in warehouses:
            out.warehouses[code] = (await services.create_warehouse(conn, actor, code, code)).id
        for sku, (price, cost, reorder) in products.items():
            row = await services.create_product(
                conn,
                actor,
                {
                    "sku": sku,
                    "name": f"Product {sku}",
                    "unit_price": Decimal(price),
                    "unit_cost": Decimal(cost) if cost else None,
                    "currency": currency,
                    "reorder_point": reorder,
                },
            )
            out.products[sku] = row.id
        for (sku, code), units in (on_hand or {}).items():
            await services.receive_stock(
                conn, actor, out.products[sku], out.warehouses[code], units, "initial"
            )
    return out


async def ledger_matches_levels(conn: Any) -> bool:
    """Every level equals the sum of its movements (the ledger invariant)."""
    sums = (
        sa.select(
            stock_movements.c.product_id,
            stock_movements.c.warehouse_id,
            sa.func.sum(stock_movements.c.on_hand_change).label("on_hand"),
            sa.func.sum(stock_movements.c.reserved_change).label("reserved"),
        )
        .group_by(stock_movements.c.product_id, stock_movements.c.warehouse_id)
        .subquery()
    )
    mismatches = await conn.scalar(
        sa.select(sa.func.count())
        .select_from(
            stock_levels.outerjoin(
                sums,
                sa.and_(
                    sums.c.product_id == stock_levels.c.product_id,
                    sums.c.warehouse_id == stock_levels.c.warehouse_id,
                ),
            )
        )
        .where(
            sa.or_(
                sa.func.coalesce(sums.c.on_hand, 0) != stock_levels.c.on_hand,
                sa.func.coalesce(sums.c.reserved, 0) != stock_levels.c.reserved,
            )
        )
    )
    return mismatches == 0


async def level_of(tenant: Any, product_id: UUID, warehouse_id: UUID) -> tuple[int, int]:
    async with tenant.session() as conn:
        row = (
            await conn.execute(
                sa.select(stock_levels.c.on_hand, stock_levels.c.reserved).where(
                    stock_levels.c.product_id == product_id,
                    stock_levels.c.warehouse_id == warehouse_id,
                )
            )
        ).first()
    return (row.on_hand, row.reserved) if row else (0, 0)


async def movement_count(tenant: Any) -> int:
    async with tenant.session() as conn:
        return int(await conn.scalar(sa.select(sa.func.count()).select_from(stock_movements)))


async def arrange_customer(tenant: Any, name: str = "Initech") -> UUID:
    from domain.crm.models import customers

    async with tenant.session(tenant.admin_id) as conn:
        return await conn.scalar(
            sa.insert(customers)
            .values(tenant_id=tenant.id, name=name, kind="company")
            .returning(customers.c.id)
        )


async def arrange_deal(
    tenant: Any,
    customer_id: UUID,
    owner_id: UUID,
    status: str = "won",
    currency: str = "EUR",
    amount: str = "100",
) -> UUID:
    """A deal in the tenant's default pipeline, at its won stage (or first, if open)."""
    from domain.crm.models import deals, pipeline_stages

    async with tenant.session(tenant.admin_id) as conn:
        stage = (
            await conn.execute(
                sa.select(pipeline_stages.c.id, pipeline_stages.c.pipeline_id)
                .order_by(
                    pipeline_stages.c.is_won.desc()
                    if status == "won"
                    else pipeline_stages.c.position
                )
                .limit(1)
            )
        ).one()
        return await conn.scalar(
            sa.insert(deals)
            .values(
                tenant_id=tenant.id,
                title="Big deal",
                customer_id=customer_id,
                owner_id=owner_id,
                pipeline_id=stage.pipeline_id,
                stage_id=stage.id,
                amount=Decimal(amount),
                currency=currency,
                probability=Decimal(100 if status == "won" else 10),
                status=status,
                closed_at=None if status == "open" else sa.func.now(),
            )
            .returning(deals.c.id)
        )


async def order_count(tenant: Any) -> int:
    from domain.sales.models import sales_orders

    async with tenant.session() as conn:
        return int(await conn.scalar(sa.select(sa.func.count()).select_from(sales_orders)))


async def custom_role_token(tenant: Any, key: str, permissions: dict[str, Any]) -> str:
    """A user with a custom (non built-in) role made of `permissions`."""
    from tenants.models import roles

    async with tenant.session(tenant.admin_id) as conn:
        await conn.execute(
            sa.insert(roles).values(
                tenant_id=tenant.id,
                key=key,
                name=key,
                description="",
                builtin=False,
                permissions=permissions,
            )
        )
    return tenant.token(await tenant.user(key))


CREATE_ORDER = """mutation($input: CreateOrderInput!) { createOrder(input: $input) {
    order { id status } userErrors { field code } } }"""


async def widgets_and_customer(tenant: Any) -> tuple[Any, UUID]:
    """Ten WID-1 in MAIN and one customer: what an order needs."""
    stock = await arrange_stock(tenant, on_hand={("WID-1", "MAIN"): 10})
    return stock, await arrange_customer(tenant)


async def order_widgets(gql: Any, token: str, stock: Any, customer: UUID, quantity: int = 2) -> str:
    """A draft order of `quantity` WID-1 for `customer`, made through the API; its id."""
    line = {"productId": to_global_id("Product", stock.products["WID-1"]), "quantity": quantity}
    variables = {"input": {"customerId": to_global_id("Customer", customer), "lines": [line]}}
    created = (await gql(CREATE_ORDER, variables, token=token)).ok()["createOrder"]
    assert created["userErrors"] == []
    return str(created["order"]["id"])
