"""Sales order tables (migration 0004)."""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import UUID

from domain.base import tenant_table
from domain.entity import CREATED, UPDATED, Stored
from domain.ownership import OwnedBy, Through

MONEY = sa.Numeric(18, 4)
PERCENT = sa.Numeric(7, 4)


def line_columns() -> list[sa.Column[object]]:
    """What an order line and an invoice line share."""
    return [
        sa.Column("position", sa.Integer, nullable=False),
        sa.Column("product_id", UUID(as_uuid=True)),
        sa.Column("quantity", sa.Integer, nullable=False),
        sa.Column("unit_price", MONEY, nullable=False),
        sa.Column("discount_percent", PERCENT, nullable=False),
        sa.Column("tax_rate", PERCENT, nullable=False),
        sa.Column("subtotal", MONEY, nullable=False),
        sa.Column("tax", MONEY, nullable=False),
        sa.Column("total", MONEY, nullable=False),
    ]


sales_orders = tenant_table(
    "sales_orders",
    sa.Column("customer_id", UUID(as_uuid=True), nullable=False),
    sa.Column("deal_id", UUID(as_uuid=True)),
    sa.Column("warehouse_id", UUID(as_uuid=True), nullable=False),
    sa.Column("owner_id", UUID(as_uuid=True), nullable=False),
    sa.Column("status", sa.Text, nullable=False),
    sa.Column("currency", sa.CHAR(3), nullable=False),
    sa.Column("notes", sa.Text, nullable=False),
    sa.Column("subtotal", MONEY, nullable=False),
    sa.Column("tax_total", MONEY, nullable=False),
    sa.Column("total", MONEY, nullable=False),
    sa.Column("cost", MONEY, nullable=False),
    sa.Column("confirmed_at", sa.DateTime(timezone=True)),
    sa.Column("fulfilled_at", sa.DateTime(timezone=True)),
    sa.Column("cancelled_at", sa.DateTime(timezone=True)),
)

sales_order_lines = tenant_table(
    "sales_order_lines",
    sa.Column("order_id", UUID(as_uuid=True), nullable=False),
    *line_columns(),
    sa.Column("unit_cost", MONEY, nullable=False),
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
