"""Sales order reads. Record scope (domain/scope.py) is applied here to every list,
lookup and lock, so an order out of the caller's scope is not found."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass, fields, replace
from functools import cache
from typing import Any
from uuid import UUID

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncConnection

from domain.crm.models import customers
from domain.inventory.models import products, warehouses
from domain.kit.read_models import read
from domain.kit.sets import parameters, rows_of
from domain.pagination import Page, PageRequest, paginate
from domain.sales.models import sales_order_lines, sales_orders
from domain.sales.pricing import Line
from domain.sales.read_models import Order, OrderLine
from domain.scope import in_scope
from domain.webhooks.outbox import queued
from tenants.principal import Actor

ORDER_SORTS: dict[str, Any] = {
    "createdAt": sales_orders.c.created_at,
    "total": sales_orders.c.total,
    "status": sales_orders.c.status,
}


def order_conditions(
    actor: Actor,
    *,
    statuses: Sequence[str] | None = None,
    customer_id: UUID | None = None,
    owner_id: UUID | None = None,
    deal_id: UUID | None = None,
) -> list[sa.ColumnElement[bool]]:
    out = [in_scope(actor, "SalesOrder")]
    if statuses:
        out.append(sales_orders.c.status.in_(list(statuses)))
    for column, value in (
        (sales_orders.c.customer_id, customer_id),
        (sales_orders.c.owner_id, owner_id),
        (sales_orders.c.deal_id, deal_id),
    ):
        if value is not None:
            out.append(column == value)
    return out


async def order_page(
    conn: AsyncConnection,
    page: PageRequest,
    conditions: Sequence[sa.ColumnElement[bool]],
    sort: str = "createdAt",
    descending: bool = True,
) -> Page:
    found = await paginate(
        conn,
        sa.select(sales_orders).where(*conditions),
        page,
        sort=ORDER_SORTS[sort],
        id_column=sales_orders.c.id,
        descending=descending,
    )
    return replace(found, rows=[read(Order, r) for r in found.rows])


async def orders_by_ids(
    conn: AsyncConnection, actor: Actor, ids: Iterable[UUID]
) -> dict[UUID, Order]:
    rows = await conn.execute(
        sa.select(sales_orders).where(
            sales_orders.c.id.in_(list(set(ids))), in_scope(actor, "SalesOrder")
        )
    )
    return {r.id: read(Order, r) for r in rows}


async def live_orders_by_deals(
    conn: AsyncConnection, actor: Actor, deal_ids: Iterable[UUID]
) -> dict[UUID, Order]:
    """The order made from each deal, if any (a cancelled one only when no other exists)."""
    return await _orders_of_deals(conn, deal_ids, in_scope(actor, "SalesOrder"))


async def any_order_of_deal(conn: AsyncConnection, deal_id: UUID) -> Order | None:
    """The deal's order, whoever's it is: a deal has one live order (the duplicate check
    of a use case that found the deal in scope)."""
    return (await _orders_of_deals(conn, [deal_id], sa.true())).get(deal_id)


async def _orders_of_deals(
    conn: AsyncConnection, deal_ids: Iterable[UUID], only: sa.ColumnElement[bool]
) -> dict[UUID, Order]:
    rows = await conn.execute(
        sa.select(sales_orders)
        .where(sales_orders.c.deal_id.in_(list(set(deal_ids))), only)
        .order_by(sales_orders.c.deal_id, (sales_orders.c.status == "cancelled"))
    )
    out: dict[UUID, Order] = {}
    for r in rows:
        out.setdefault(r.deal_id, read(Order, r))
    return out


LINE_SELECT = sa.select(sales_order_lines, sales_orders.c.currency).join(
    sales_orders,
    sa.and_(
        sales_orders.c.tenant_id == sales_order_lines.c.tenant_id,
        sales_orders.c.id == sales_order_lines.c.order_id,
    ),
)


async def lines_by_order(
    conn: AsyncConnection, actor: Actor, order_ids: Iterable[UUID]
) -> dict[UUID, list[OrderLine]]:
    """Lines (with their order's currency) grouped by order, in position order."""
    return await _lines(conn, order_ids, in_scope(actor, "SalesOrderLine"))


async def order_lines(conn: AsyncConnection, order_id: UUID) -> list[OrderLine]:
    """Every line of an order a use case has found in scope (and locked) already."""
    return (await _lines(conn, [order_id], sa.true())).get(order_id, [])


async def _lines(
    conn: AsyncConnection, order_ids: Iterable[UUID], only: sa.ColumnElement[bool]
) -> dict[UUID, list[OrderLine]]:
    rows = await conn.execute(
        LINE_SELECT.where(sales_order_lines.c.order_id.in_(list(set(order_ids))), only).order_by(
            sales_order_lines.c.order_id, sales_order_lines.c.position
        )
    )
    out: dict[UUID, list[OrderLine]] = {}
    for r in rows:
        out.setdefault(r.order_id, []).append(read(OrderLine, r))
    return out


async def lock_order(conn: AsyncConnection, actor: Actor, order_id: UUID) -> Order | None:
    """The order row, locked for the rest of the transaction (None when not found or out
    of scope). Writers lock the order before any stock level: one fixed lock order."""
    row = (
        await conn.execute(
            sa.select(sales_orders)
            .where(sales_orders.c.id == order_id, in_scope(actor, "SalesOrder"))
            .with_for_update()
        )
    ).first()
    return None if row is None else read(Order, row)


# --------------------------------------------------------------------------- writes
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


# what a new order is given; parameters are prefixed so that none is named like a
# column (SQLAlchemy would add it to the INSERT)
NEW_ORDER_COLUMNS = (
    "tenant_id",
    "owner_id",
    "customer_id",
    "deal_id",
    "warehouse_id",
    "currency",
    "notes",
    "subtotal",
    "tax_total",
    "total",
    "cost",
)


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
