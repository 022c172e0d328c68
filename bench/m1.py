"""M1's bookkeeping: remove what earlier runs wrote, and check that concurrent orders on
scarce stock neither oversold nor lost anything.

M1 acts as its own seeded sales rep (refs["m1_user"]) on its own products, so its rows
are found by owner and removed before each run; the stock levels of its products go
back to their seeded values. Runs as the owner, bound to the big tenant (RLS).
"""

from __future__ import annotations

import asyncio
from dataclasses import asdict, dataclass
from typing import Any

import asyncpg

from bench.data import Dataset


async def _bound(dsn: str, ds: Dataset) -> asyncpg.Connection:
    conn = await asyncpg.connect(dsn)
    await conn.execute("SELECT set_config('app.tenant_id', $1, false)", str(ds.big.id))
    return conn


async def reset(dsn: str, ds: Dataset, attempts: int = 10) -> int:
    """Delete M1's orders (and their ledger rows and audit events); restore its stock.

    Requests that were in flight when wrk stopped may still be writing: on a conflict
    with them, wait and try again."""
    for _ in range(attempts - 1):
        try:
            return await _reset(dsn, ds)
        except (asyncpg.ForeignKeyViolationError, asyncpg.DeadlockDetectedError):
            await asyncio.sleep(1)
    return await _reset(dsn, ds)


async def _reset(dsn: str, ds: Dataset) -> int:
    big = ds.big
    user = big.refs["m1_user"]
    m1 = big.refs["m1"]
    conn = await _bound(dsn, ds)
    try:
        async with conn.transaction():
            # no ALTER TABLE … DISABLE TRIGGER here: the server may still be finishing a
            # request, and its locks against ours would deadlock. The audit rows that
            # the deletes write are removed with the ones the orders wrote.
            orders = [
                r["id"]
                for r in await conn.fetch("SELECT id FROM sales_orders WHERE owner_id = $1", user)
            ]
            await conn.execute("DELETE FROM stock_movements WHERE order_id = ANY($1)", orders)
            lines = await conn.fetch(
                "DELETE FROM sales_order_lines WHERE order_id = ANY($1) RETURNING id", orders
            )
            await conn.execute("DELETE FROM sales_orders WHERE id = ANY($1)", orders)
            written = orders + [r["id"] for r in lines]
            await conn.execute(
                "DELETE FROM audit_events WHERE actor_id = $1 OR entity_id = ANY($2)",
                user,
                written,
            )
            for product in (*m1["plenty"], *m1["scarce"]):
                for warehouse in big.refs["warehouses"]:
                    on_hand, reserved = big.refs["stock"][(product, warehouse)]
                    await conn.execute(
                        "UPDATE stock_levels SET on_hand = $1, reserved = $2"
                        " WHERE product_id = $3 AND warehouse_id = $4",
                        on_hand,
                        reserved,
                        product,
                        warehouse,
                    )
        return len(orders)
    finally:
        await conn.close()


@dataclass(frozen=True)
class Audit:
    orders: int  # M1 orders in the database
    confirmed: int
    on_hand: int  # per scarce product (all equal)
    reserved: list[int]  # per scarce product
    confirmed_units: list[int]  # per scarce product: units on confirmed orders
    acknowledged_created: int  # what the clients were told
    acknowledged_confirmed: int
    refused: int
    connections: int

    @property
    def oversold(self) -> int:
        return max(0, max(self.reserved) - self.on_hand)

    @property
    def lost(self) -> int:
        """Orders the client was told exist but the database does not have; and
        reservations that do not match the confirmed orders."""
        missing = max(0, self.acknowledged_created - self.orders)
        missing += max(0, self.acknowledged_confirmed - self.confirmed)
        return missing + sum(
            abs(r - u) for r, u in zip(self.reserved, self.confirmed_units, strict=True)
        )

    @property
    def ok(self) -> bool:
        # a request in flight when wrk stops may have committed without being counted
        late = self.orders - self.acknowledged_created
        return self.oversold == 0 and self.lost == 0 and 0 <= late <= self.connections

    @property
    def sold_out(self) -> bool:
        """Demand exceeded the stock: the check was a real race for the last units."""
        return self.refused > 0 and max(self.reserved) == self.on_hand

    def as_dict(self) -> dict[str, Any]:
        return {
            **asdict(self),
            "oversold": self.oversold,
            "lost": self.lost,
            "sold_out": self.sold_out,
            "ok": self.ok,
        }


async def audit(
    dsn: str, ds: Dataset, created: int, confirmed: int, refused: int, connections: int
) -> Audit:
    big = ds.big
    user = big.refs["m1_user"]
    scarce = big.refs["m1"]["scarce"]
    warehouse = big.refs["m1"]["warehouse"]
    conn = await _bound(dsn, ds)
    try:
        orders = await conn.fetchrow(
            "SELECT count(*) AS orders, count(*) FILTER (WHERE status = 'confirmed') AS confirmed"
            " FROM sales_orders WHERE owner_id = $1",
            user,
        )
        reserved, units, on_hand = [], [], 0
        for product in scarce:
            level = await conn.fetchrow(
                "SELECT on_hand, reserved FROM stock_levels"
                " WHERE product_id = $1 AND warehouse_id = $2",
                product,
                warehouse,
            )
            on_hand = level["on_hand"]
            reserved.append(level["reserved"])
            units.append(
                await conn.fetchval(
                    "SELECT coalesce(sum(l.quantity), 0) FROM sales_order_lines l"
                    " JOIN sales_orders o ON o.tenant_id = l.tenant_id AND o.id = l.order_id"
                    " WHERE o.owner_id = $1 AND o.status = 'confirmed' AND l.product_id = $2",
                    user,
                    product,
                )
            )
    finally:
        await conn.close()
    return Audit(
        orders=orders["orders"],
        confirmed=orders["confirmed"],
        on_hand=on_hand,
        reserved=reserved,
        confirmed_units=[int(u) for u in units],
        acknowledged_created=created,
        acknowledged_confirmed=confirmed,
        refused=refused,
        connections=connections,
    )
