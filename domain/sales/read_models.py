"""What sales reads answer: an order and its lines, with the derivations every reader
shares (cost and margin) computed here rather than at the edge."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from uuid import UUID

from domain.sales.pricing import line_cost


@dataclass(frozen=True)
class Order:
    id: UUID
    customer_id: UUID
    deal_id: UUID | None
    warehouse_id: UUID
    owner_id: UUID
    status: str
    currency: str
    notes: str
    subtotal: Decimal
    tax_total: Decimal
    total: Decimal
    cost: Decimal  # the lines' costs, stored when the lines are written
    confirmed_at: datetime | None
    fulfilled_at: datetime | None
    cancelled_at: datetime | None
    created_at: datetime
    version: int

    @property
    def margin(self) -> Decimal:
        return self.subtotal - self.cost


@dataclass(frozen=True)
class OrderLine:
    id: UUID
    order_id: UUID
    position: int
    product_id: UUID  # NOT NULL in sales_order_lines
    currency: str  # the order's
    quantity: int
    unit_price: Decimal
    discount_percent: Decimal
    tax_rate: Decimal
    subtotal: Decimal
    tax: Decimal
    total: Decimal
    unit_cost: Decimal  # a snapshot when the line was written

    @property
    def cost(self) -> Decimal:
        return line_cost(self.quantity, self.unit_cost, self.currency)

    @property
    def margin(self) -> Decimal:
        return self.subtotal - self.cost
