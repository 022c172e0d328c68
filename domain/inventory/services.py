"""Inventory use cases: products, warehouses, and stock received, adjusted or transferred.

Stock only changes through domain.inventory.stock.apply, which writes the movement
ledger in the same transaction and never lets a level go negative.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from typing import Any
from uuid import UUID

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncConnection

from domain.base import lock_tenant_table
from domain.errors import DomainError, ErrorCode, NotFound, ValidationFailed
from domain.inventory.errors import InventoryError
from domain.inventory.models import products, warehouses
from domain.inventory.repository import level, products_by_ids
from domain.inventory.stock import Movement, apply
from domain.kit.checks import count, money, optional_text, required_text
from domain.kit.rows import check_version
from domain.money import currency
from tenants.principal import Actor

# A tenant has at most this many warehouses, so a product at most this many stock
# levels (one per warehouse): create_warehouse refuses more (TOO_MANY_WAREHOUSES) under
# a per-tenant lock. api/cost.py counts it for `warehouses` and `Product.stockLevels`.
MAX_WAREHOUSES = 50


# --------------------------------------------------------------------------- checks
PRODUCT_CHECKS: dict[str, Callable[[Any], Any]] = {
    "sku": lambda v: required_text(v, "sku"),
    "name": lambda v: required_text(v, "name"),
    "description": lambda v: optional_text(v, "description") or "",
    "unit_price": lambda v: money(v, "unitPrice"),
    "unit_cost": lambda v: None if v is None else money(v, "unitCost"),
    "currency": currency,
    "active": bool,
    "reorder_point": lambda v: count(v, "reorderPoint", allow_zero=True),
}
PRODUCT_REQUIRED = {"sku": "sku", "name": "name", "unit_price": "unitPrice", "currency": "currency"}
FIELD_NAMES = {"unit_price": "unitPrice", "unit_cost": "unitCost", "reorder_point": "reorderPoint"}


def product_values(data: Mapping[str, Any], *, creating: bool) -> dict[str, Any]:
    """Validated columns from `data` (column name -> value; a None clears only unitCost)."""
    problems: list[DomainError] = []
    values: dict[str, Any] = {}
    for key, value in data.items():
        if value is None and key != "unit_cost":
            if creating and key in PRODUCT_REQUIRED:
                continue
            name = FIELD_NAMES.get(key, key)
            problems.append(DomainError(f"{name} cannot be null.", field=name))
            continue
        try:
            values[key] = PRODUCT_CHECKS[key](value)
        except DomainError as error:
            problems.append(error)
    if creating:
        for column, field in PRODUCT_REQUIRED.items():
            if values.get(column) is None:
                problems.append(DomainError(f"{field} is required.", field=field))
    if problems:
        raise problems[0] if len(problems) == 1 else ValidationFailed(problems)
    return values


def _duplicate_sku(sku: str) -> DomainError:
    return DomainError(
        f"A product with SKU {sku!r} exists already.", field="sku", code=ErrorCode.DUPLICATE
    )


# --------------------------------------------------------------------------- products
async def create_product(conn: AsyncConnection, actor: Actor, data: Mapping[str, Any]) -> Any:
    values = product_values(data, creating=True)
    new_id = await conn.scalar(
        insert(products)
        .values(tenant_id=actor.tenant_id, **values)
        .on_conflict_do_nothing()
        .returning(products.c.id)
    )
    if new_id is None:
        raise _duplicate_sku(values["sku"])
    return (await products_by_ids(conn, [new_id]))[new_id]


async def update_product(
    conn: AsyncConnection, actor: Actor, product_id: UUID, version: int, data: Mapping[str, Any]
) -> Any:
    values = product_values(data, creating=False)
    current = await conn.scalar(
        sa.select(products.c.version).where(products.c.id == product_id).with_for_update()
    )
    if current is None:
        raise NotFound("No such product.", field="id")
    check_version(current, version, "product")
    if "sku" in values:
        clash = await conn.scalar(
            sa.select(products.c.id).where(
                sa.func.lower(products.c.sku) == values["sku"].lower(), products.c.id != product_id
            )
        )
        if clash is not None:
            raise _duplicate_sku(values["sku"])
    await conn.execute(
        sa.update(products)
        .where(products.c.id == product_id)
        .values(**values, version=products.c.version + 1)
    )
    return (await products_by_ids(conn, [product_id]))[product_id]


# --------------------------------------------------------------------------- warehouses
async def create_warehouse(conn: AsyncConnection, actor: Actor, code: str, name: str) -> Any:
    code_value, name_value = required_text(code, "code"), required_text(name, "name")
    await lock_tenant_table(conn, warehouses)
    held = await conn.scalar(sa.select(sa.func.count()).select_from(warehouses))
    if held is not None and held >= MAX_WAREHOUSES:
        raise DomainError(
            f"A tenant has at most {MAX_WAREHOUSES} warehouses.",
            code=InventoryError.TOO_MANY_WAREHOUSES,
        )
    row = (
        await conn.execute(
            insert(warehouses)
            .values(tenant_id=actor.tenant_id, code=code_value, name=name_value)
            .on_conflict_do_nothing()
            .returning(*warehouses.c)
        )
    ).first()
    if row is None:
        raise DomainError(
            f"A warehouse with code {code_value!r} exists already.",
            field="code",
            code=ErrorCode.DUPLICATE,
        )
    return row


async def require(
    conn: AsyncConnection, table: sa.Table, ids: Iterable[UUID], what: str, field: str
) -> None:
    """NotFound unless every id names a row this tenant can see."""
    wanted = set(ids)
    found = set(await conn.scalars(sa.select(table.c.id).where(table.c.id.in_(wanted))))
    if wanted - found:
        raise NotFound(f"No such {what}.", field=field)


# --------------------------------------------------------------------------- stock
async def receive_stock(
    conn: AsyncConnection,
    actor: Actor,
    product_id: UUID,
    warehouse_id: UUID,
    quantity: int,
    reason: str = "",
) -> Any:
    """Goods in: on hand goes up by `quantity`."""
    count(quantity, "quantity")
    await require(conn, products, [product_id], "product", "productId")
    await require(conn, warehouses, [warehouse_id], "warehouse", "warehouseId")
    move = Movement(product_id, warehouse_id, "receipt", quantity, reason=(reason or "").strip())
    await apply(conn, actor, [move])
    return await level(conn, product_id, warehouse_id)


async def adjust_stock(
    conn: AsyncConnection,
    actor: Actor,
    product_id: UUID,
    warehouse_id: UUID,
    change: int,
    reason: str,
) -> Any:
    """A counted correction (shrinkage, damage, a recount): signed, with a reason. It may
    not take away units that confirmed orders have reserved."""
    if change == 0:
        raise DomainError("quantity must not be zero.", field="quantity")
    reason = required_text(reason, "reason")
    await require(conn, products, [product_id], "product", "productId")
    await require(conn, warehouses, [warehouse_id], "warehouse", "warehouseId")
    await apply(conn, actor, [Movement(product_id, warehouse_id, "adjustment", change, 0, reason)])
    return await level(conn, product_id, warehouse_id)


async def transfer_stock(
    conn: AsyncConnection,
    actor: Actor,
    product_id: UUID,
    from_warehouse_id: UUID,
    to_warehouse_id: UUID,
    quantity: int,
    reason: str = "",
) -> tuple[Any, Any]:
    """Move unreserved units between warehouses: two movements, one in and one out."""
    count(quantity, "quantity")
    if from_warehouse_id == to_warehouse_id:
        raise DomainError("Pick two different warehouses.", field="toWarehouseId")
    await require(conn, products, [product_id], "product", "productId")
    await require(conn, warehouses, [from_warehouse_id], "warehouse", "fromWarehouseId")
    await require(conn, warehouses, [to_warehouse_id], "warehouse", "toWarehouseId")
    reason = (reason or "").strip()
    await apply(
        conn,
        actor,
        [
            Movement(product_id, from_warehouse_id, "transfer_out", -quantity, 0, reason),
            Movement(product_id, to_warehouse_id, "transfer_in", quantity, 0, reason),
        ],
    )
    return (
        await level(conn, product_id, from_warehouse_id),
        await level(conn, product_id, to_warehouse_id),
    )
