"""Inventory tables (migration 0004)."""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import UUID

from domain.entity import CREATED, UPDATED, Stored
from domain.ownership import Unowned
from tenants.tables import tenant_table

MONEY = sa.Numeric(18, 4)

products = tenant_table(
    "products",
    sa.Column("sku", sa.Text, nullable=False),
    sa.Column("name", sa.Text, nullable=False),
    sa.Column("description", sa.Text, nullable=False, server_default=""),
    sa.Column("unit_price", MONEY, nullable=False),
    sa.Column("currency", sa.CHAR(3), nullable=False),
    sa.Column("unit_cost", MONEY),
    sa.Column("active", sa.Boolean, nullable=False, server_default=sa.true()),
    sa.Column("reorder_point", sa.Integer, nullable=False, server_default="0"),
    sa.Index("ix_products_name", "tenant_id", "name"),
    sa.Index("ux_products_sku", "tenant_id", sa.text("lower(sku)"), unique=True),
)

warehouses = tenant_table(
    "warehouses",
    sa.Column("code", sa.Text, nullable=False),
    sa.Column("name", sa.Text, nullable=False),
    sa.Index("ux_warehouses_code", "tenant_id", sa.text("lower(code)"), unique=True),
)

stock_levels = tenant_table(
    "stock_levels",
    sa.Column("product_id", UUID(as_uuid=True), nullable=False),
    sa.Column("warehouse_id", UUID(as_uuid=True), nullable=False),
    sa.Column("on_hand", sa.Integer, nullable=False, server_default="0"),
    sa.Column("reserved", sa.Integer, nullable=False, server_default="0"),
    sa.ForeignKeyConstraint(["tenant_id", "product_id"], ["products.tenant_id", "products.id"]),
    sa.ForeignKeyConstraint(
        ["tenant_id", "warehouse_id"], ["warehouses.tenant_id", "warehouses.id"]
    ),
    sa.Index(
        "ix_stock_levels_product_id_warehouse_id",
        "tenant_id",
        "product_id",
        "warehouse_id",
        unique=True,
    ),
    sa.Index("ix_stock_levels_warehouse_id", "tenant_id", "warehouse_id"),
    versioned=False,
)

stock_movements = tenant_table(
    "stock_movements",
    sa.Column("product_id", UUID(as_uuid=True), nullable=False),
    sa.Column("warehouse_id", UUID(as_uuid=True), nullable=False),
    sa.Column("kind", sa.Text, nullable=False),
    sa.Column("on_hand_change", sa.Integer, nullable=False, server_default="0"),
    sa.Column("reserved_change", sa.Integer, nullable=False, server_default="0"),
    sa.Column("reason", sa.Text, nullable=False, server_default=""),
    sa.Column("order_id", UUID(as_uuid=True)),
    sa.Column("created_by", UUID(as_uuid=True)),
    sa.ForeignKeyConstraint(["tenant_id", "created_by"], ["users.tenant_id", "users.id"]),
    sa.ForeignKeyConstraint(
        ["tenant_id", "order_id"], ["sales_orders.tenant_id", "sales_orders.id"]
    ),
    sa.ForeignKeyConstraint(
        ["tenant_id", "product_id", "warehouse_id"],
        ["stock_levels.tenant_id", "stock_levels.product_id", "stock_levels.warehouse_id"],
    ),
    sa.Index("ix_stock_movements_created_at", "tenant_id", "created_at"),
    sa.Index(
        "ix_stock_movements_order_id",
        "tenant_id",
        "order_id",
        postgresql_where=sa.text("(order_id IS NOT NULL)"),
    ),
    sa.Index(
        "ix_stock_movements_product_id_warehouse_id_created_at",
        "tenant_id",
        "product_id",
        "warehouse_id",
        "created_at",
    ),
    versioned=False,
)


STOCK = "domain/inventory/repository.py"

# domain/entities.py. Record scope: the stock is the tenant's, nobody's own
ENTITIES = (
    Stored(
        "Product",
        products,
        Unowned("the product catalogue is shared by everyone"),
        derived={
            "onHand": f"{STOCK}: its stock levels summed over the warehouses",
            "reserved": f"{STOCK}: its stock levels summed over the warehouses",
            "available": f"{STOCK}: onHand - reserved",
            "stockLevels": f"{STOCK}: stock_levels.product_id",
        },
        internal={"updated_at": UPDATED},
    ),
    Stored(
        "Warehouse",
        warehouses,
        Unowned("a warehouse is a site of the tenant"),
        derived={"stockLevels": f"{STOCK}: stock_levels.warehouse_id"},
        internal={
            "version": "no mutation edits a warehouse yet: there is no version to send",
            "updated_at": UPDATED,
        },
    ),
    Stored(
        "StockLevel",
        stock_levels,
        Unowned("stock levels are the tenant's, per product and warehouse"),
        derived={"available": f"{STOCK}: on_hand - reserved"},
        internal={
            "created_at": CREATED + " (the ledger tells every change)",
            "updated_at": UPDATED + " (the ledger tells every change)",
        },
    ),
    Stored(
        "StockMovement",
        stock_movements,
        Unowned("the ledger is the tenant's; createdBy records, it does not own"),
        columns={"quantity": "on_hand_change"},
        internal={"updated_at": "the ledger is append-only: a movement never changes"},
    ),
)
