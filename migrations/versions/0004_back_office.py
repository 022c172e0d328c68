"""Back office: products, stock, orders, invoices, payments (issue 5)

Revision ID: 0004
Revises: 0003

Invariants live here as constraints and triggers, the services being the first layer:
stock levels can never go negative or reserve more than is on hand; the movement
ledger and payments are append-only for the app role; issued invoices are immutable;
payments and credits never exceed an invoice's total; invoice numbers are unique.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import UUID

from migrations.rls import create_tenant_table, tenant_fk, tenant_index

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

MONEY = sa.Numeric(18, 4)


def _money(name: str, **kw: object) -> sa.Column:
    return sa.Column(name, MONEY, nullable=False, server_default="0", **kw)  # type: ignore[arg-type]


def _currency() -> sa.Column:
    return sa.Column("currency", sa.CHAR(3), nullable=False)


def _user(name: str, nullable: bool = True) -> list[object]:
    return [sa.Column(name, UUID(as_uuid=True), nullable=nullable), tenant_fk([name], "users")]


def _line_amounts() -> list[object]:
    """Quantity, price, discount and tax of a document line, with its rounded amounts."""
    return [
        sa.Column("position", sa.Integer, nullable=False),
        sa.Column("quantity", sa.Integer, nullable=False),
        sa.Column("unit_price", MONEY, nullable=False),
        sa.Column("discount_percent", sa.Numeric(7, 4), nullable=False, server_default="0"),
        sa.Column("tax_rate", sa.Numeric(7, 4), nullable=False, server_default="0"),
        _money("subtotal"),
        _money("tax"),
        _money("total"),
        sa.CheckConstraint("quantity > 0", name="quantity_positive"),
        sa.CheckConstraint("unit_price >= 0", name="unit_price_not_negative"),
        sa.CheckConstraint("discount_percent BETWEEN 0 AND 100", name="discount_percent_range"),
        sa.CheckConstraint("tax_rate BETWEEN 0 AND 100", name="tax_rate_range"),
        sa.CheckConstraint("total = subtotal + tax", name="total_is_subtotal_plus_tax"),
    ]


INVOICE_IMMUTABLE = """
CREATE FUNCTION atrium_invoice_immutable() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    -- what settling or voiding an issued invoice may change; everything else is frozen
    mutable text[] := ARRAY['status', 'amount_paid', 'amount_credited', 'voided_at',
                            'void_reason', 'updated_at', 'version'];
BEGIN
    IF TG_OP = 'DELETE' THEN
        IF OLD.status <> 'draft' THEN
            RAISE EXCEPTION 'issued invoice % cannot be deleted', OLD.number USING ERRCODE = '55000';
        END IF;
        RETURN OLD;
    END IF;
    IF OLD.status <> 'draft' AND (
        (to_jsonb(NEW) - mutable) IS DISTINCT FROM (to_jsonb(OLD) - mutable)
        OR NEW.status = 'draft'
        OR OLD.status = 'void'
        OR (NEW.status <> 'void' AND (NEW.voided_at, NEW.void_reason)
            IS DISTINCT FROM (OLD.voided_at, OLD.void_reason))
    ) THEN
        RAISE EXCEPTION 'issued invoice % is immutable', OLD.number USING ERRCODE = '55000';
    END IF;
    RETURN NEW;
END
$$;
"""

INVOICE_LINES_FROZEN = """
CREATE FUNCTION atrium_invoice_lines_frozen() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    row_tenant uuid := CASE WHEN TG_OP = 'DELETE' THEN OLD.tenant_id ELSE NEW.tenant_id END;
    row_invoice uuid := CASE WHEN TG_OP = 'DELETE' THEN OLD.invoice_id ELSE NEW.invoice_id END;
BEGIN
    IF EXISTS (SELECT FROM invoices WHERE tenant_id = row_tenant AND id = row_invoice
               AND status <> 'draft') THEN
        RAISE EXCEPTION 'lines of an issued invoice are immutable' USING ERRCODE = '55000';
    END IF;
    RETURN CASE WHEN TG_OP = 'DELETE' THEN OLD ELSE NEW END;
END
$$;
"""


def upgrade() -> None:
    # ------------------------------------------------------------------ inventory
    create_tenant_table(
        "products",
        sa.Column("sku", sa.Text, nullable=False),
        sa.Column("name", sa.Text, nullable=False),
        sa.Column("description", sa.Text, nullable=False, server_default=""),
        sa.Column("unit_price", MONEY, nullable=False),
        _currency(),
        sa.Column("unit_cost", MONEY),
        sa.Column("active", sa.Boolean, nullable=False, server_default=sa.true()),
        sa.Column("reorder_point", sa.Integer, nullable=False, server_default="0"),
        sa.CheckConstraint("unit_price >= 0", name="unit_price_not_negative"),
        sa.CheckConstraint("unit_cost >= 0", name="unit_cost_not_negative"),
        sa.CheckConstraint("reorder_point >= 0", name="reorder_point_not_negative"),
        entity="Product",
    )
    tenant_index("products", "lower(sku)", unique=True, name="ux_products_sku")
    tenant_index("products", "name")

    create_tenant_table(
        "warehouses",
        sa.Column("code", sa.Text, nullable=False),
        sa.Column("name", sa.Text, nullable=False),
        entity="Warehouse",
    )
    tenant_index("warehouses", "lower(code)", unique=True, name="ux_warehouses_code")

    create_tenant_table(
        "stock_levels",
        sa.Column("product_id", UUID(as_uuid=True), nullable=False),
        sa.Column("warehouse_id", UUID(as_uuid=True), nullable=False),
        sa.Column("on_hand", sa.Integer, nullable=False, server_default="0"),
        sa.Column("reserved", sa.Integer, nullable=False, server_default="0"),
        sa.CheckConstraint("on_hand >= 0", name="on_hand_not_negative"),
        sa.CheckConstraint("reserved >= 0 AND reserved <= on_hand", name="reserved_within_on_hand"),
        tenant_fk(["product_id"], "products"),
        tenant_fk(["warehouse_id"], "warehouses"),
        entity=None,  # every change is in the stock_movements ledger already
        versioned=False,
        grants="SELECT, INSERT, UPDATE",
    )
    tenant_index("stock_levels", "product_id", "warehouse_id", unique=True)
    tenant_index("stock_levels", "warehouse_id")

    # ------------------------------------------------------------------ sales
    create_tenant_table(
        "sales_orders",
        sa.Column("customer_id", UUID(as_uuid=True), nullable=False),
        sa.Column("deal_id", UUID(as_uuid=True)),
        sa.Column("warehouse_id", UUID(as_uuid=True), nullable=False),
        *_user("owner_id", nullable=False),
        sa.Column("status", sa.Text, nullable=False, server_default="draft"),
        _currency(),
        sa.Column("notes", sa.Text, nullable=False, server_default=""),
        _money("subtotal"),
        _money("tax_total"),
        _money("total"),
        _money("cost"),
        sa.Column("confirmed_at", sa.DateTime(timezone=True)),
        sa.Column("fulfilled_at", sa.DateTime(timezone=True)),
        sa.Column("cancelled_at", sa.DateTime(timezone=True)),
        sa.CheckConstraint(
            "status IN ('draft', 'confirmed', 'fulfilled', 'cancelled')", name="status_known"
        ),
        sa.CheckConstraint("total = subtotal + tax_total", name="total_is_subtotal_plus_tax"),
        tenant_fk(["customer_id"], "customers"),
        tenant_fk(["deal_id"], "deals"),
        tenant_fk(["warehouse_id"], "warehouses"),
        entity="SalesOrder",
    )
    tenant_index("sales_orders", "customer_id", "created_at")
    tenant_index("sales_orders", "owner_id", "created_at")
    tenant_index("sales_orders", "created_at")
    # one live order per deal
    tenant_index(
        "sales_orders",
        "deal_id",
        unique=True,
        where="deal_id IS NOT NULL AND status <> 'cancelled'",
    )

    create_tenant_table(
        "sales_order_lines",
        sa.Column("order_id", UUID(as_uuid=True), nullable=False),
        sa.Column("product_id", UUID(as_uuid=True), nullable=False),
        *_line_amounts(),
        sa.Column("unit_cost", MONEY, nullable=False, server_default="0"),
        tenant_fk(["order_id"], "sales_orders", ondelete="CASCADE"),
        tenant_fk(["product_id"], "products"),
        entity="SalesOrderLine",
        versioned=False,
    )
    tenant_index("sales_order_lines", "order_id", "position")
    tenant_index("sales_order_lines", "product_id")

    # Append-only ledger: every change of a stock level, with its cause.
    create_tenant_table(
        "stock_movements",
        sa.Column("product_id", UUID(as_uuid=True), nullable=False),
        sa.Column("warehouse_id", UUID(as_uuid=True), nullable=False),
        sa.Column("kind", sa.Text, nullable=False),
        sa.Column("on_hand_change", sa.Integer, nullable=False, server_default="0"),
        sa.Column("reserved_change", sa.Integer, nullable=False, server_default="0"),
        sa.Column("reason", sa.Text, nullable=False, server_default=""),
        sa.Column("order_id", UUID(as_uuid=True)),
        *_user("created_by"),
        sa.CheckConstraint(
            "kind IN ('receipt', 'adjustment', 'reservation', 'release', 'shipment',"
            " 'transfer_in', 'transfer_out')",
            name="kind_known",
        ),
        sa.CheckConstraint(
            "on_hand_change <> 0 OR reserved_change <> 0", name="movement_changes_something"
        ),
        tenant_fk(["product_id", "warehouse_id"], "stock_levels", ["product_id", "warehouse_id"]),
        tenant_fk(["order_id"], "sales_orders"),
        entity=None,
        versioned=False,
        grants="SELECT, INSERT",
    )
    tenant_index("stock_movements", "product_id", "warehouse_id", "created_at")
    tenant_index("stock_movements", "created_at")
    tenant_index("stock_movements", "order_id", where="order_id IS NOT NULL")

    # ------------------------------------------------------------------ billing
    create_tenant_table(
        "invoice_counters",
        sa.Column("series", sa.Text, nullable=False),
        sa.Column("year", sa.Integer, nullable=False),
        sa.Column("last_number", sa.Integer, nullable=False),
        sa.CheckConstraint("last_number > 0", name="last_number_positive"),
        entity=None,
        versioned=False,
        grants="SELECT, INSERT, UPDATE",
    )
    tenant_index("invoice_counters", "series", "year", unique=True)

    create_tenant_table(
        "invoices",
        sa.Column("customer_id", UUID(as_uuid=True), nullable=False),
        sa.Column("order_id", UUID(as_uuid=True)),
        sa.Column("status", sa.Text, nullable=False, server_default="draft"),
        _currency(),
        sa.Column("series", sa.Text, nullable=False, server_default="INV"),
        sa.Column("year", sa.Integer),
        sa.Column("sequence", sa.Integer),
        sa.Column("number", sa.Text),
        sa.Column("issue_date", sa.Date),
        sa.Column("due_date", sa.Date),
        sa.Column("notes", sa.Text, nullable=False, server_default=""),
        _money("subtotal"),
        _money("tax_total"),
        _money("total"),
        _money("amount_paid"),
        _money("amount_credited"),
        sa.Column("voided_at", sa.DateTime(timezone=True)),
        sa.Column("void_reason", sa.Text, nullable=False, server_default=""),
        sa.CheckConstraint(
            "status IN ('draft', 'issued', 'partially_paid', 'paid', 'void')", name="status_known"
        ),
        sa.CheckConstraint("total = subtotal + tax_total", name="total_is_subtotal_plus_tax"),
        sa.CheckConstraint(
            "amount_paid >= 0 AND amount_credited >= 0 AND amount_paid + amount_credited <= total",
            name="settled_within_total",
        ),
        sa.CheckConstraint(
            "(status = 'draft') = (number IS NULL)"
            " AND (number IS NULL) = (sequence IS NULL)"
            " AND (number IS NULL) = (issue_date IS NULL)",
            name="numbered_when_issued",
        ),
        tenant_fk(["customer_id"], "customers"),
        tenant_fk(["order_id"], "sales_orders"),
        entity="Invoice",
    )
    tenant_index("invoices", "number", unique=True, where="number IS NOT NULL")
    tenant_index(
        "invoices", "series", "year", "sequence", unique=True, where="sequence IS NOT NULL"
    )
    tenant_index("invoices", "customer_id", "created_at")
    tenant_index("invoices", "order_id", where="order_id IS NOT NULL")
    tenant_index("invoices", "created_at")
    op.execute(INVOICE_IMMUTABLE)
    op.execute(
        "CREATE TRIGGER immutable_when_issued BEFORE UPDATE OR DELETE ON invoices "
        "FOR EACH ROW EXECUTE FUNCTION atrium_invoice_immutable()"
    )

    create_tenant_table(
        "invoice_lines",
        sa.Column("invoice_id", UUID(as_uuid=True), nullable=False),
        sa.Column("product_id", UUID(as_uuid=True)),
        sa.Column("description", sa.Text, nullable=False),
        *_line_amounts(),
        tenant_fk(["invoice_id"], "invoices", ondelete="CASCADE"),
        tenant_fk(["product_id"], "products"),
        entity="InvoiceLine",
        versioned=False,
    )
    tenant_index("invoice_lines", "invoice_id", "position")
    op.execute(INVOICE_LINES_FROZEN)
    op.execute(
        "CREATE TRIGGER frozen_when_issued BEFORE INSERT OR UPDATE OR DELETE ON invoice_lines "
        "FOR EACH ROW EXECUTE FUNCTION atrium_invoice_lines_frozen()"
    )

    create_tenant_table(
        "payments",
        sa.Column("invoice_id", UUID(as_uuid=True), nullable=False),
        sa.Column("amount", MONEY, nullable=False),
        _currency(),
        sa.Column("paid_on", sa.Date, nullable=False),
        sa.Column("method", sa.Text, nullable=False, server_default=""),
        sa.Column("reference", sa.Text, nullable=False, server_default=""),
        *_user("recorded_by"),
        sa.CheckConstraint("amount > 0", name="amount_positive"),
        tenant_fk(["invoice_id"], "invoices"),
        entity="Payment",
        versioned=False,
        grants="SELECT, INSERT",
    )
    tenant_index("payments", "invoice_id", "paid_on")

    create_tenant_table(
        "credit_notes",
        sa.Column("invoice_id", UUID(as_uuid=True), nullable=False),
        sa.Column("series", sa.Text, nullable=False, server_default="CN"),
        sa.Column("year", sa.Integer, nullable=False),
        sa.Column("sequence", sa.Integer, nullable=False),
        sa.Column("number", sa.Text, nullable=False),
        sa.Column("issue_date", sa.Date, nullable=False),
        sa.Column("amount", MONEY, nullable=False),
        _currency(),
        sa.Column("reason", sa.Text, nullable=False),
        *_user("created_by"),
        sa.CheckConstraint("amount > 0", name="amount_positive"),
        tenant_fk(["invoice_id"], "invoices"),
        entity="CreditNote",
        versioned=False,
        grants="SELECT, INSERT",
    )
    tenant_index("credit_notes", "number", unique=True)
    tenant_index("credit_notes", "invoice_id")


def downgrade() -> None:
    for table in (
        "credit_notes",
        "payments",
        "invoice_lines",
        "invoices",
        "invoice_counters",
        "stock_movements",
        "sales_order_lines",
        "sales_orders",
        "stock_levels",
        "warehouses",
        "products",
    ):
        op.drop_table(table)
    op.execute("DROP FUNCTION atrium_invoice_lines_frozen()")
    op.execute("DROP FUNCTION atrium_invoice_immutable()")
