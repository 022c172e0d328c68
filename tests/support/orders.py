"""Arranging sales orders for billing tests: rows inserted straight into the
domain/sales/models tables (the sales services are built in parallel), inside a
tenant-bound transaction such as `tenant.session()`."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any
from uuid import UUID, uuid4

import sqlalchemy as sa

from domain.billing import services
from domain.crm.models import customers
from domain.inventory.models import products, stock_levels, warehouses
from domain.money import round_money
from domain.sales.models import sales_order_lines, sales_orders
from tenants.access.builtin import builtin_policy
from tenants.principal import Actor
from tenants.session import tenant_transaction


@dataclass
class Arranged:
    customer_id: UUID
    order_id: UUID
    product_ids: list[UUID] = field(default_factory=list)
    warehouse_id: UUID | None = None


async def _insert(conn: Any, table: sa.Table, **values: Any) -> UUID:
    return (await conn.execute(table.insert().values(**values).returning(table.c.id))).scalar_one()


async def arrange_order(
    conn: Any,
    tenant_id: UUID,
    owner_id: UUID,
    *,
    lines: list[tuple[int, str, str, str]] = [(2, "50.00", "20", "30.00")],  # noqa: B006
    status: str = "confirmed",
    currency: str = "EUR",
    terms_days: int = 30,
    customer_id: UUID | None = None,
    on_hand: int = 0,
) -> Arranged:
    """An order with `lines` of (quantity, unit price, tax rate %, unit cost)."""
    if customer_id is None:
        customer_id = await _insert(
            conn,
            customers,
            tenant_id=tenant_id,
            name=f"Customer {uuid4().hex[:6]}",
            kind="company",
            payment_terms_days=terms_days,
        )
    warehouse_id = await _insert(
        conn, warehouses, tenant_id=tenant_id, code=uuid4().hex[:8], name="Main"
    )
    rows, product_ids = [], []
    for position, (qty, price, rate, cost) in enumerate(lines, start=1):
        product_id = await _insert(
            conn,
            products,
            tenant_id=tenant_id,
            sku=uuid4().hex[:10],
            name=f"Product {position}",
            description="",
            unit_price=Decimal(price),
            currency=currency,
            unit_cost=Decimal(cost),
            active=True,
            reorder_point=0,
        )
        await _insert(
            conn,
            stock_levels,
            tenant_id=tenant_id,
            product_id=product_id,
            warehouse_id=warehouse_id,
            on_hand=on_hand,
            reserved=0,
        )
        product_ids.append(product_id)
        subtotal = round_money(qty * Decimal(price), currency)
        tax = round_money(subtotal * Decimal(rate) / 100, currency)
        rows.append(
            dict(
                tenant_id=tenant_id,
                position=position,
                product_id=product_id,
                quantity=qty,
                unit_price=Decimal(price),
                discount_percent=Decimal(0),
                tax_rate=Decimal(rate),
                subtotal=subtotal,
                tax=tax,
                total=subtotal + tax,
                unit_cost=Decimal(cost),
            )
        )
    subtotal = sum((r["subtotal"] for r in rows), Decimal(0))
    tax_total = sum((r["tax"] for r in rows), Decimal(0))
    cost = sum((r["unit_cost"] * r["quantity"] for r in rows), Decimal(0))
    order_id = await _insert(
        conn,
        sales_orders,
        tenant_id=tenant_id,
        customer_id=customer_id,
        warehouse_id=warehouse_id,
        owner_id=owner_id,
        status=status,
        currency=currency,
        notes="",
        subtotal=subtotal,
        tax_total=tax_total,
        total=subtotal + tax_total,
        cost=cost,
    )
    if rows:
        await conn.execute(sales_order_lines.insert(), [{**r, "order_id": order_id} for r in rows])
    return Arranged(customer_id, order_id, product_ids, warehouse_id)


def actor_for(tenant: Any, role_key: str = "accountant", user_id: UUID | None = None) -> Actor:
    return Actor(
        tenant_id=tenant.id,
        user_id=user_id or tenant.admin_id,
        role_id=uuid4(),
        role_key=role_key,
        role_version=1,
        policy=builtin_policy(role_key),
    )


async def arrange_invoice(tenant: Any, *, issue: bool = True, today: Any = None, **kw: Any) -> Any:
    """An order and its invoice, issued unless told otherwise (as of `today`)."""
    actor = actor_for(tenant, "tenant_admin")
    async with tenant_transaction(tenant.engine, tenant.id, tenant.admin_id) as conn:
        arranged = await arrange_order(conn, tenant.id, tenant.admin_id, **kw)
        invoice = await services.create_invoice_from_order(conn, actor, arranged.order_id)
        if issue:
            invoice = await services.issue_invoice(conn, actor, invoice.id, None, today=today)
    return invoice
