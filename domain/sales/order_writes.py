"""The SQL of order writes: what a draft is checked against, read in one statement,
and the order with its lines inserted or updated in one. (repository.py holds the
reads, which the compiled read planner shares.)"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass, fields
from functools import cache
from typing import Any
from uuid import UUID

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncConnection

from domain.crm.models import customers
from domain.inventory.models import products, warehouses
from domain.kit.read_models import read
from domain.kit.sets import parameters, rows_of
from domain.sales.models import sales_order_lines, sales_orders
from domain.sales.pricing import Line
from domain.sales.read_models import Order
from domain.scope import in_scope
from domain.webhooks.outbox import queued
from tenants.principal import Actor


@dataclass(frozen=True)
class DraftFacts:
    """What pricing a draft needs to know, read in one statement."""

    customer_found: bool  # the customer exists and is in the actor's scope
    warehouse_ids: list[UUID]  # the one named, or up to two of the tenant's
    products: dict[UUID, Any]  # by id: sku, currency, unit_price, unit_cost, active


PRICING_COLUMNS = tuple(
    products.c[name] for name in ("id", "sku", "currency", "unit_price", "unit_cost", "active")
)


async def draft_facts(
    conn: AsyncConnection,
    actor: Actor,
    customer_id: UUID | None,
    warehouse_id: UUID | None,
    *,
    pick_warehouse: bool = False,
    product_ids: Iterable[UUID] = (),
) -> DraftFacts:
    """Whether the customer is there (None: not asked), the warehouse (the one given,
    if it exists; with `pick_warehouse` and none given, up to two of the tenant's,
    enough to tell whether exactly one is implied) and the products of a draft: one
    statement (one row per product found, at least one row)."""
    customer: sa.ColumnElement[bool] = sa.true()
    if customer_id is not None:
        customer = sa.exists().where(customers.c.id == customer_id, in_scope(actor, "Customer"))
    candidates = sa.select(warehouses.c.id).order_by(warehouses.c.code).limit(2)
    if warehouse_id is not None:
        candidates = candidates.where(warehouses.c.id == warehouse_id)
    elif not pick_warehouse:
        candidates = candidates.where(sa.false())
    first_two = candidates.subquery()
    head = sa.select(
        customer.label("customer_found"),
        sa.select(sa.func.array_agg(first_two.c.id)).scalar_subquery().label("warehouse_ids"),
    ).subquery("head")
    priced = products.c.id.in_(list(set(product_ids)))
    rows = (
        await conn.execute(
            sa.select(head, *PRICING_COLUMNS).select_from(head.outerjoin(products, priced))
        )
    ).all()
    return DraftFacts(
        customer_found=bool(rows[0].customer_found),
        warehouse_ids=list(rows[0].warehouse_ids or ()),
        products={r.id: r for r in rows if r.id is not None},
    )


# what a priced line stores: every field of it but its cost, which is derived
LINE_COLUMNS = tuple(sales_order_lines.c[f.name] for f in fields(Line) if f.name != "cost")


def _lines_of(order: Any) -> sa.Insert:
    """INSERT of the `line` set (domain.kit.sets) as the lines of `order`, a FROM item
    with its tenant_id and id."""
    line = rows_of("line", LINE_COLUMNS)
    return sales_order_lines.insert().from_select(
        ["tenant_id", "order_id", *(c.name for c in LINE_COLUMNS)],
        sa.select(order.c.tenant_id, order.c.id, *line.c).select_from(order).join(line, sa.true()),
    )


def _line_parameters(lines: Sequence[Line]) -> dict[str, Any]:
    return parameters("line", LINE_COLUMNS, [asdict(item) for item in lines])


# What a new order is given is every column but what the database fills in (the id,
# the state a new order starts in, the stamps). Its parameters are prefixed so that
# none is named like a column (SQLAlchemy would add it to the INSERT).
DEFAULTED = frozenset(
    {"id", "status", "version", "created_at", "updated_at"}
    | {"confirmed_at", "fulfilled_at", "cancelled_at"}
)
NEW_ORDER_COLUMNS = tuple(c.name for c in sales_orders.c if c.name not in DEFAULTED)


def _inserting_order() -> sa.Select[Any]:
    order = (
        sa.insert(sales_orders)
        .values({name: sa.bindparam(f"new_{name}") for name in NEW_ORDER_COLUMNS})
        .returning(*sales_orders.c)
        .cte("new_order")
    )
    return sa.select(order).add_cte(_lines_of(order).cte("new_lines"))


INSERTING_ORDER = _inserting_order()


async def insert_order(
    conn: AsyncConnection, actor: Actor, values: dict[str, Any], lines: Sequence[Line]
) -> Order:
    """A new order (its totals among `values`) with its lines: one statement."""
    given = {"tenant_id": actor.tenant_id, "owner_id": actor.user_id, **values}
    params = {f"new_{name}": given[name] for name in NEW_ORDER_COLUMNS}
    row = (await conn.execute(INSERTING_ORDER, {**params, **_line_parameters(lines)})).one()
    return read(Order, row)


@cache
def _updating_order(
    columns: tuple[str, ...], stamp: str | None, lines: bool, event: bool
) -> sa.Select[Any]:
    """The UPDATE of update_order_row for one shape of change, built once per shape."""
    values: dict[str, Any] = {name: sa.bindparam(f"set_{name}") for name in columns}
    if stamp is not None:
        values[stamp] = sa.func.now()
    order = (
        sa.update(sales_orders)
        .where(sales_orders.c.id == sa.bindparam("target_order"))
        .values(**values, version=sales_orders.c.version + 1)
        .returning(*sales_orders.c)
        .cte("changed_order")
    )
    ctes: list[sa.CTE] = [queued()] if event else []
    if lines:
        # the DELETE sees the lines as they were before this statement, never the new ones
        gone = sa.delete(sales_order_lines).where(
            sales_order_lines.c.order_id == sa.bindparam("target_order")
        )
        ctes += [gone.cte("old_lines"), _lines_of(order).cte("new_lines")]
    return sa.select(order).add_cte(*ctes) if ctes else sa.select(order)


async def update_order_row(
    conn: AsyncConnection,
    order_id: UUID,
    values: dict[str, Any],
    *,
    lines: Sequence[Line] | None = None,
    stamp: str | None = None,
    event: dict[str, Any] | None = None,
) -> Order:
    """UPDATE of an order the caller holds locked, its version bumped, `stamp` (a time
    column) set to now; with `lines`, they replace the order's lines; with `event`
    (domain.webhooks.outbox.event_parameters), its deliveries are queued. One
    statement."""
    statement = _updating_order(tuple(sorted(values)), stamp, lines is not None, event is not None)
    params: dict[str, Any] = {f"set_{name}": value for name, value in values.items()}
    params["target_order"] = order_id
    if lines is not None:
        params.update(_line_parameters(lines))
    row = (await conn.execute(statement, {**params, **(event or {})})).one()
    return read(Order, row)
