"""Sales order tables (migration 0004)."""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import UUID

from domain.entity import CREATED, UPDATED, Stored
from domain.ownership import OwnedBy, Through
from tenants.tables import tenant_table

MONEY = sa.Numeric(18, 4)
PERCENT = sa.Numeric(7, 4)


def line_columns(*, product_required: bool) -> list[sa.Column[object]]:
    """What an order line and an invoice line share (an invoice line may bill no product)."""
    return [
        sa.Column("position", sa.Integer, nullable=False),
        sa.Column("product_id", UUID(as_uuid=True), nullable=not product_required),
        sa.Column("quantity", sa.Integer, nullable=False),
        sa.Column("unit_price", MONEY, nullable=False),
        sa.Column("discount_percent", PERCENT, nullable=False, server_default="0"),
        sa.Column("tax_rate", PERCENT, nullable=False, server_default="0"),
        sa.Column("subtotal", MONEY, nullable=False, server_default="0"),
        sa.Column("tax", MONEY, nullable=False, server_default="0"),
        sa.Column("total", MONEY, nullable=False, server_default="0"),
    ]


sales_orders = tenant_table(
    "sales_orders",
    sa.Column("customer_id", UUID(as_uuid=True), nullable=False),
    sa.Column("deal_id", UUID(as_uuid=True)),
    sa.Column("warehouse_id", UUID(as_uuid=True), nullable=False),
    sa.Column("owner_id", UUID(as_uuid=True), nullable=False),
    sa.Column("status", sa.Text, nullable=False, server_default="draft"),
    sa.Column("currency", sa.CHAR(3), nullable=False),
    sa.Column("notes", sa.Text, nullable=False, server_default=""),
    sa.Column("subtotal", MONEY, nullable=False, server_default="0"),
    sa.Column("tax_total", MONEY, nullable=False, server_default="0"),
    sa.Column("total", MONEY, nullable=False, server_default="0"),
    sa.Column("cost", MONEY, nullable=False, server_default="0"),
    sa.Column("confirmed_at", sa.DateTime(timezone=True)),
    sa.Column("fulfilled_at", sa.DateTime(timezone=True)),
    sa.Column("cancelled_at", sa.DateTime(timezone=True)),
    sa.ForeignKeyConstraint(["tenant_id", "customer_id"], ["customers.tenant_id", "customers.id"]),
    sa.ForeignKeyConstraint(["tenant_id", "deal_id"], ["deals.tenant_id", "deals.id"]),
    sa.ForeignKeyConstraint(["tenant_id", "owner_id"], ["users.tenant_id", "users.id"]),
    sa.ForeignKeyConstraint(
        ["tenant_id", "warehouse_id"], ["warehouses.tenant_id", "warehouses.id"]
    ),
    sa.Index("ix_sales_orders_created_at", "tenant_id", "created_at"),
    sa.Index("ix_sales_orders_customer_id_created_at", "tenant_id", "customer_id", "created_at"),
    sa.Index(
        "ix_sales_orders_deal_id",
        "tenant_id",
        "deal_id",
        unique=True,
        postgresql_where=sa.text("((deal_id IS NOT NULL) AND (status <> 'cancelled'::text))"),
    ),
    sa.Index("ix_sales_orders_owner_id_created_at", "tenant_id", "owner_id", "created_at"),
)

sales_order_lines = tenant_table(
    "sales_order_lines",
    sa.Column("order_id", UUID(as_uuid=True), nullable=False),
    *line_columns(product_required=True),
    sa.Column("unit_cost", MONEY, nullable=False, server_default="0"),
    sa.ForeignKeyConstraint(
        ["tenant_id", "order_id"], ["sales_orders.tenant_id", "sales_orders.id"], ondelete="CASCADE"
    ),
    sa.ForeignKeyConstraint(["tenant_id", "product_id"], ["products.tenant_id", "products.id"]),
    sa.Index("ix_sales_order_lines_order_id_position", "tenant_id", "order_id", "position"),
    sa.Index("ix_sales_order_lines_product_id", "tenant_id", "product_id"),
    versioned=False,
)


PRICING = "api/sales/types.py"


def line_internals(key: str, document: str) -> dict[str, str]:
    """The columns an order line and an invoice line keep without a field: `key` names
    the document (`SalesOrder`, `Invoice`) it is read through."""
    return {
        key: f"its document: a line is read as one of `{document}.lines`",
        "position": "the place of the line in its document: lines are listed in it",
        "created_at": CREATED + f" (its {document}'s)",
        "updated_at": UPDATED,
    }


# domain/entities.py. Record scope: an order is its owner's, a line its order's
ENTITIES = (
    Stored(
        "SalesOrder",
        sales_orders,
        OwnedBy(sales_orders.c.owner_id),
        derived={
            "lines": "domain/sales/repository.py: lines_by_order (sales_order_lines.order_id)",
            "invoices": "domain/billing/repository.py: invoices_by_order (invoices.order_id)",
            "margin": f"{PRICING}: SalesOrder.from_row (subtotal - cost)",
        },
        internal={"updated_at": UPDATED},
    ),
    Stored(
        "SalesOrderLine",
        sales_order_lines,
        Through(sales_order_lines.c.order_id, sales_orders, "SalesOrder"),
        derived={
            "cost": f"{PRICING}: SalesOrderLine.from_row (quantity x unit cost, rounded)",
            "margin": f"{PRICING}: SalesOrderLine.from_row (subtotal - cost)",
        },
        internal=line_internals("order_id", "SalesOrder"),
    ),
)
