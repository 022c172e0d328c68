"""The stock ledger: the one way stock levels change.

`apply(conn, actor, movements)` changes a set of stock levels and appends their
movements in the same transaction, so the ledger always sums to the levels:

1. levels that receive stock are created when missing (INSERT … ON CONFLICT DO NOTHING);
2. then ONE statement, whatever the number of levels:
   - locks every level touched (`SELECT … FOR UPDATE` ordered by (product_id,
     warehouse_id): every writer locks in that order, after the sales order row it
     works on, if any, so concurrent writers queue instead of deadlocking);
   - checks the new values under the lock (on hand ≥ 0, 0 ≤ reserved ≤ on hand, the
     rule of `fits` below, and every level present);
   - only when every level passes, updates the levels and inserts the movements
     (data-modifying CTEs gated on the check), and answers the locked levels;
3. a level that does not pass raises InsufficientStock, and nothing was written (the
   CHECK constraints of migration 0004 are the backstop).

Because the check happens under the lock, N concurrent orders for the last units
never oversell: each sees the levels the previous one committed (READ COMMITTED
re-reads a row it waited for, for the lock and for the UPDATE alike). And because a
refused change writes nothing, a caller that makes its other checks first needs no
savepoint (api/core/payloads.py).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass
from typing import Any
from uuid import UUID

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import UUID as UUID_TYPE
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncConnection

from domain.errors import DomainError
from domain.inventory.errors import InventoryError
from domain.inventory.models import stock_levels, stock_movements
from domain.kit.sets import parameters, rows_of
from tenants.principal import Actor

Key = tuple[UUID, UUID]  # (product_id, warehouse_id)


@dataclass(frozen=True)
class Movement:
    product_id: UUID
    warehouse_id: UUID
    kind: str  # receipt adjustment reservation release shipment transfer_in transfer_out
    on_hand_change: int = 0
    reserved_change: int = 0
    reason: str = ""
    order_id: UUID | None = None

    @property
    def key(self) -> Key:
        return (self.product_id, self.warehouse_id)


@dataclass(frozen=True)
class Shortfall:
    product_id: UUID
    warehouse_id: UUID
    wanted: int  # units the movements needed
    available: int  # units there were (unreserved, or reserved for releases/shipments)


class InsufficientStock(DomainError):
    code = InventoryError.INSUFFICIENT_STOCK

    def __init__(self, shortfalls: Sequence[Shortfall], field: str | None = "quantity") -> None:
        detail = ", ".join(f"{s.wanted} wanted, {s.available} available" for s in shortfalls)
        super().__init__(f"Not enough stock ({detail}).", field=field)
        self.shortfalls = list(shortfalls)


LEVEL_COLUMNS = (
    stock_levels.c.product_id,
    stock_levels.c.warehouse_id,
    stock_levels.c.on_hand,
    stock_levels.c.reserved,
)
# a level's net change, and a movement, as the columns of a set (domain.kit.sets)
CHANGE_COLUMNS = (
    sa.Column("product_id", UUID_TYPE),
    sa.Column("warehouse_id", UUID_TYPE),
    sa.Column("on_hand", sa.Integer),
    sa.Column("reserved", sa.Integer),
)
MOVEMENT_COLUMNS = tuple(
    stock_movements.c[name]
    for name in (
        "product_id",
        "warehouse_id",
        "kind",
        "on_hand_change",
        "reserved_change",
        "reason",
        "order_id",
    )
)


def net_changes(movements: Iterable[Movement]) -> dict[Key, tuple[int, int]]:
    """(on hand, reserved) change per level, the movements of one call added up; a
    level whose movements cancel out is left alone."""
    net: dict[Key, list[int]] = defaultdict(lambda: [0, 0])
    for m in movements:
        net[m.key][0] += m.on_hand_change
        net[m.key][1] += m.reserved_change
    return {k: (v[0], v[1]) for k, v in net.items() if v != [0, 0]}


def shortfall(key: Key, on_hand: int, reserved: int, change: tuple[int, int]) -> Shortfall | None:
    """What a level lacks for `change`: never below zero on hand, never more reserved
    than on hand, never less than zero reserved (`fits` says the same in SQL)."""
    new_on_hand, new_reserved = on_hand + change[0], reserved + change[1]
    if new_on_hand >= 0 and 0 <= new_reserved <= new_on_hand:
        return None
    if new_reserved < 0:  # releasing or shipping more than is reserved
        return Shortfall(*key, wanted=-change[1], available=reserved)
    # taking or reserving more than is free
    wanted = max(-change[0], 0) + max(change[1], 0)
    return Shortfall(*key, wanted=wanted, available=on_hand - reserved)


def fits(on_hand: Any, reserved: Any) -> sa.ColumnElement[bool]:
    """`shortfall(...) is None` for the new values, in SQL."""
    return sa.and_(on_hand >= 0, reserved >= 0, reserved <= on_hand)


def _applying() -> Any:
    """The one statement of `apply` (see the module's docstring), built once: it
    answers the levels as locked, before the change. Parameters: the `change` and
    `movement` sets, `levels` (how many levels change), `acting_tenant` and
    `acting_user` (not named like a column: an UPDATE would SET a parameter named so)."""
    change = rows_of("change", CHANGE_COLUMNS)
    same_level = sa.and_(
        stock_levels.c.product_id == change.c.product_id,
        stock_levels.c.warehouse_id == change.c.warehouse_id,
    )
    locked = (
        sa.select(
            *LEVEL_COLUMNS,
            change.c.on_hand.label("d_on_hand"),
            change.c.reserved.label("d_reserved"),
        )
        .select_from(stock_levels.join(change, same_level))
        .order_by(stock_levels.c.product_id, stock_levels.c.warehouse_id)
        .with_for_update(of=stock_levels)
        .cte("locked")
    )
    new_on_hand, new_reserved = (
        locked.c.on_hand + locked.c.d_on_hand,
        locked.c.reserved + locked.c.d_reserved,
    )
    passed = (
        sa.select(
            sa.and_(
                sa.func.count() == sa.bindparam("levels", type_=sa.Integer),
                sa.func.coalesce(sa.func.bool_and(fits(new_on_hand, new_reserved)), True),
            )
        )
        .select_from(locked)
        .cte("passed")
    )
    applies = sa.select(passed.c[0]).scalar_subquery()
    updated = (
        sa.update(stock_levels)
        .where(same_level, applies)
        .values(
            on_hand=stock_levels.c.on_hand + change.c.on_hand,
            reserved=stock_levels.c.reserved + change.c.reserved,
        )
        .cte("updated")
    )
    movement = rows_of("movement", MOVEMENT_COLUMNS)
    moved = (
        stock_movements.insert()
        .from_select(
            ["tenant_id", "created_by", *(c.name for c in MOVEMENT_COLUMNS)],
            sa.select(
                sa.bindparam("acting_tenant", type_=UUID_TYPE),
                sa.bindparam("acting_user", type_=UUID_TYPE),
                *movement.c,
            ).where(applies),
        )
        .cte("moved")
    )
    return sa.select(
        locked.c.product_id, locked.c.warehouse_id, locked.c.on_hand, locked.c.reserved
    ).add_cte(updated, moved)


APPLYING = _applying()


def _applying_parameters(
    actor: Actor, net: dict[Key, tuple[int, int]], moves: Sequence[Movement]
) -> dict[str, Any]:
    changes = [
        {"product_id": p, "warehouse_id": w, "on_hand": d[0], "reserved": d[1]}
        for (p, w), d in sorted(net.items())
    ]
    return {
        **parameters("change", CHANGE_COLUMNS, changes),
        **parameters("movement", MOVEMENT_COLUMNS, [asdict(m) for m in moves]),
        "levels": len(net),
        "acting_tenant": actor.tenant_id,
        "acting_user": actor.user_id,
    }


async def apply(
    conn: AsyncConnection,
    actor: Actor,
    movements: Sequence[Movement],
    *,
    field: str | None = "quantity",
) -> dict[Key, tuple[int, int]]:
    """Apply the movements all or nothing; returns the new (on_hand, reserved) per level."""
    net = net_changes(movements)
    if not net:
        return {}
    growing = [k for k, (on_hand, _) in net.items() if on_hand > 0]
    if growing:
        await conn.execute(
            insert(stock_levels)
            .values(
                [
                    {"tenant_id": actor.tenant_id, "product_id": p, "warehouse_id": w}
                    for p, w in sorted(growing)
                ]
            )
            .on_conflict_do_nothing()
        )
    moves = [m for m in movements if m.on_hand_change or m.reserved_change]
    rows = await conn.execute(APPLYING, _applying_parameters(actor, net, moves))
    levels = {(r.product_id, r.warehouse_id): (r.on_hand, r.reserved) for r in rows}
    shortfalls = [
        problem
        for key, change in sorted(net.items())
        if (problem := shortfall(key, *levels.get(key, (0, 0)), change)) is not None
    ]
    if shortfalls:
        raise InsufficientStock(shortfalls, field)
    return {
        key: (on_hand + net[key][0], reserved + net[key][1])
        for key, (on_hand, reserved) in levels.items()
    }
