"""Inventory tables (migration 0004)."""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import UUID

from domain.base import tenant_table
from domain.ownership import Ownership, Unowned

MONEY = sa.Numeric(18, 4)

products = tenant_table(
    "products",
    sa.Column("sku", sa.Text, nullable=False),
    sa.Column("name", sa.Text, nullable=False),
    sa.Column("description", sa.Text, nullable=False),
    sa.Column("unit_price", MONEY, nullable=False),
    sa.Column("currency", sa.CHAR(3), nullable=False),
    sa.Column("unit_cost", MONEY),
    sa.Column("active", sa.Boolean, nullable=False),
    sa.Column("reorder_point", sa.Integer, nullable=False),
)

warehouses = tenant_table(
    "warehouses",
    sa.Column("code", sa.Text, nullable=False),
    sa.Column("name", sa.Text, nullable=False),
)

stock_levels = tenant_table(
    "stock_levels",
    sa.Column("product_id", UUID(as_uuid=True), nullable=False),
    sa.Column("warehouse_id", UUID(as_uuid=True), nullable=False),
    sa.Column("on_hand", sa.Integer, nullable=False),
    sa.Column("reserved", sa.Integer, nullable=False),
    versioned=False,
)

stock_movements = tenant_table(
    "stock_movements",
    sa.Column("product_id", UUID(as_uuid=True), nullable=False),
    sa.Column("warehouse_id", UUID(as_uuid=True), nullable=False),
    sa.Column("kind", sa.Text, nullable=False),
    sa.Column("on_hand_change", sa.Integer, nullable=False),
    sa.Column("reserved_change", sa.Integer, nullable=False),
    sa.Column("reason", sa.Text, nullable=False),
    sa.Column("order_id", UUID(as_uuid=True)),
    sa.Column("created_by", UUID(as_uuid=True)),
    versioned=False,
)


# record scope (domain/scope.py): the stock is the tenant's, nobody's own
OWNERSHIP: dict[str, Ownership] = {
    "Product": Unowned("the product catalogue is shared by everyone"),
    "Warehouse": Unowned("a warehouse is a site of the tenant"),
    "StockLevel": Unowned("stock levels are the tenant's, per product and warehouse"),
    "StockMovement": Unowned("the ledger is the tenant's; createdBy records, it does not own"),
}
