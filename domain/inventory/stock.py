"""The stock ledger: the one way stock levels change.

`apply(conn, actor, movements)` changes a set of stock levels and appends their
movements in the same transaction, so the ledger always sums to the levels:

1. levels that receive stock are created when missing (INSERT … ON CONFLICT DO NOTHING);
2. every level touched is locked with one `SELECT … FOR UPDATE` ordered by
   (product_id, warehouse_id): every writer locks in that order (after the sales order
   row it works on, if any), so concurrent writers queue instead of deadlocking;
3. the new values are checked under the lock (on hand ≥ 0, 0 ≤ reserved ≤ on hand): a
   shortfall raises InsufficientStock and nothing is written (the CHECK constraints of
   migration 0004 are the backstop);
4. the levels are updated and the movements inserted.

Because the check happens after the lock, N concurrent orders for the last units never
oversell: each sees the levels the previous one committed.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass
from typing import Any
from uuid import UUID

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncConnection

from domain.errors import DomainError
from domain.inventory.errors import InventoryError
from domain.inventory.models import stock_levels, stock_movements
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


async def lock_levels(conn: AsyncConnection, keys: Iterable[Key]) -> dict[Key, Any]:
    """Lock the given levels in the fixed order; missing levels are absent from the result."""
    wanted = sorted(set(keys))
    if not wanted:
        return {}
    rows = await conn.execute(
        sa.select(*LEVEL_COLUMNS)
        .where(sa.tuple_(stock_levels.c.product_id, stock_levels.c.warehouse_id).in_(wanted))
        .order_by(stock_levels.c.product_id, stock_levels.c.warehouse_id)
        .with_for_update()
    )
    return {(r.product_id, r.warehouse_id): r for r in rows}


def net_changes(movements: Iterable[Movement]) -> dict[Key, tuple[int, int]]:
    """(on hand, reserved) change per level, the movements of one call added up."""
    net: dict[Key, list[int]] = defaultdict(lambda: [0, 0])
    for m in movements:
        net[m.key][0] += m.on_hand_change
        net[m.key][1] += m.reserved_change
    return {k: (v[0], v[1]) for k, v in net.items()}


def shortfall(key: Key, on_hand: int, reserved: int, change: tuple[int, int]) -> Shortfall | None:
    """What a level lacks for `change`: never below zero on hand, never more reserved
    than on hand, never less than zero reserved."""
    new_on_hand, new_reserved = on_hand + change[0], reserved + change[1]
    if new_on_hand >= 0 and 0 <= new_reserved <= new_on_hand:
        return None
    if new_reserved < 0:  # releasing or shipping more than is reserved
        return Shortfall(*key, wanted=-change[1], available=reserved)
    # taking or reserving more than is free
    wanted = max(-change[0], 0) + max(change[1], 0)
    return Shortfall(*key, wanted=wanted, available=on_hand - reserved)


async def apply(
    conn: AsyncConnection,
    actor: Actor,
    movements: Sequence[Movement],
    *,
    field: str | None = "quantity",
) -> dict[Key, tuple[int, int]]:
    """Apply the movements all or nothing; returns the new (on_hand, reserved) per level."""
    net = net_changes(movements)
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
    levels = await lock_levels(conn, net)
    shortfalls: list[Shortfall] = []
    updated: dict[Key, tuple[int, int]] = {}
    for key, change in sorted(net.items()):
        row = levels.get(key)
        on_hand, reserved = (row.on_hand, row.reserved) if row else (0, 0)
        problem = shortfall(key, on_hand, reserved, change)
        if problem is not None:
            shortfalls.append(problem)
        elif row is not None:
            updated[key] = (on_hand + change[0], reserved + change[1])
    if shortfalls:
        raise InsufficientStock(shortfalls, field)
    if updated:
        await conn.execute(
            sa.update(stock_levels)
            .where(
                stock_levels.c.product_id == sa.bindparam("p"),
                stock_levels.c.warehouse_id == sa.bindparam("w"),
            )
            .values(on_hand=sa.bindparam("new_on_hand"), reserved=sa.bindparam("new_reserved")),
            [
                {"p": p, "w": w, "new_on_hand": on_hand, "new_reserved": reserved}
                for (p, w), (on_hand, reserved) in updated.items()
            ],
        )
    moves = [m for m in movements if m.on_hand_change or m.reserved_change]
    if moves:
        await conn.execute(
            stock_movements.insert(),
            [
                {"tenant_id": actor.tenant_id, "created_by": actor.user_id, **asdict(m)}
                for m in moves
            ],
        )
    return updated
