"""Billing tables (migration 0004)."""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import UUID

from domain.entity import UPDATED, Stored
from domain.ownership import Through
from domain.sales.models import MONEY, line_columns, line_internals, sales_orders
from tenants.tables import tenant_table

invoice_counters = tenant_table(
    "invoice_counters",
    sa.Column("series", sa.Text, nullable=False),
    sa.Column("year", sa.Integer, nullable=False),
    sa.Column("last_number", sa.Integer, nullable=False),
    sa.Index("ix_invoice_counters_series_year", "tenant_id", "series", "year", unique=True),
    versioned=False,
)

invoices = tenant_table(
    "invoices",
    sa.Column("customer_id", UUID(as_uuid=True), nullable=False),
    sa.Column("order_id", UUID(as_uuid=True)),
    sa.Column("status", sa.Text, nullable=False, server_default="draft"),
    sa.Column("currency", sa.CHAR(3), nullable=False),
    sa.Column("series", sa.Text, nullable=False, server_default="INV"),
    sa.Column("year", sa.Integer),
    sa.Column("sequence", sa.Integer),
    sa.Column("number", sa.Text),
    sa.Column("issue_date", sa.Date),
    sa.Column("due_date", sa.Date),
    sa.Column("notes", sa.Text, nullable=False, server_default=""),
    sa.Column("subtotal", MONEY, nullable=False, server_default="0"),
    sa.Column("tax_total", MONEY, nullable=False, server_default="0"),
    sa.Column("total", MONEY, nullable=False, server_default="0"),
    sa.Column("amount_paid", MONEY, nullable=False, server_default="0"),
    sa.Column("amount_credited", MONEY, nullable=False, server_default="0"),
    sa.Column("voided_at", sa.DateTime(timezone=True)),
    sa.Column("void_reason", sa.Text, nullable=False, server_default=""),
    sa.ForeignKeyConstraint(["tenant_id", "customer_id"], ["customers.tenant_id", "customers.id"]),
    sa.ForeignKeyConstraint(
        ["tenant_id", "order_id"], ["sales_orders.tenant_id", "sales_orders.id"]
    ),
    sa.Index("ix_invoices_created_at", "tenant_id", "created_at"),
    sa.Index("ix_invoices_customer_id_created_at", "tenant_id", "customer_id", "created_at"),
    sa.Index(
        "ix_invoices_number",
        "tenant_id",
        "number",
        unique=True,
        postgresql_where=sa.text("(number IS NOT NULL)"),
    ),
    sa.Index(
        "ix_invoices_order_id",
        "tenant_id",
        "order_id",
        postgresql_where=sa.text("(order_id IS NOT NULL)"),
    ),
    sa.Index(
        "ix_invoices_series_year_sequence",
        "tenant_id",
        "series",
        "year",
        "sequence",
        unique=True,
        postgresql_where=sa.text("(sequence IS NOT NULL)"),
    ),
)

invoice_lines = tenant_table(
    "invoice_lines",
    sa.Column("invoice_id", UUID(as_uuid=True), nullable=False),
    sa.Column("description", sa.Text, nullable=False),
    *line_columns(product_required=False),
    sa.ForeignKeyConstraint(
        ["tenant_id", "invoice_id"], ["invoices.tenant_id", "invoices.id"], ondelete="CASCADE"
    ),
    sa.ForeignKeyConstraint(["tenant_id", "product_id"], ["products.tenant_id", "products.id"]),
    sa.Index("ix_invoice_lines_invoice_id_position", "tenant_id", "invoice_id", "position"),
    versioned=False,
)

payments = tenant_table(
    "payments",
    sa.Column("invoice_id", UUID(as_uuid=True), nullable=False),
    sa.Column("amount", MONEY, nullable=False),
    sa.Column("currency", sa.CHAR(3), nullable=False),
    sa.Column("paid_on", sa.Date, nullable=False),
    sa.Column("method", sa.Text, nullable=False, server_default=""),
    sa.Column("reference", sa.Text, nullable=False, server_default=""),
    sa.Column("recorded_by", UUID(as_uuid=True)),
    sa.ForeignKeyConstraint(["tenant_id", "invoice_id"], ["invoices.tenant_id", "invoices.id"]),
    sa.ForeignKeyConstraint(["tenant_id", "recorded_by"], ["users.tenant_id", "users.id"]),
    sa.Index("ix_payments_invoice_id_paid_on", "tenant_id", "invoice_id", "paid_on"),
    versioned=False,
)

credit_notes = tenant_table(
    "credit_notes",
    sa.Column("invoice_id", UUID(as_uuid=True), nullable=False),
    sa.Column("series", sa.Text, nullable=False, server_default="CN"),
    sa.Column("year", sa.Integer, nullable=False),
    sa.Column("sequence", sa.Integer, nullable=False),
    sa.Column("number", sa.Text, nullable=False),
    sa.Column("issue_date", sa.Date, nullable=False),
    sa.Column("amount", MONEY, nullable=False),
    sa.Column("currency", sa.CHAR(3), nullable=False),
    sa.Column("reason", sa.Text, nullable=False),
    sa.Column("created_by", UUID(as_uuid=True)),
    sa.ForeignKeyConstraint(["tenant_id", "created_by"], ["users.tenant_id", "users.id"]),
    sa.ForeignKeyConstraint(["tenant_id", "invoice_id"], ["invoices.tenant_id", "invoices.id"]),
    sa.Index("ix_credit_notes_invoice_id", "tenant_id", "invoice_id"),
    sa.Index("ix_credit_notes_number", "tenant_id", "number", unique=True),
    versioned=False,
)


BILLING = "domain/billing/repository.py"
NUMBERING = "a part of `number` (domain/billing/numbering.py), which shows them together"
APPEND_ONLY = "append-only: it never changes once recorded"
RECORDED_BY = "who recorded it: the audit log names them as the actor"

# domain/entities.py. Record scope: invoices have no owner of their own; an invoice is
# its sales order's, and its lines, payments and credit notes are the invoice's
ENTITIES = (
    Stored(
        "Invoice",
        invoices,
        Through(invoices.c.order_id, sales_orders, "SalesOrder"),
        derived={
            "amountDue": f"{BILLING}: amount_due (total - paid - credited)",
            "overdue": f"{BILLING}: is_overdue (open and past the due date)",
            "lines": f"{BILLING}: lines_by_invoice (invoice_lines.invoice_id)",
            "payments": f"{BILLING}: payments_by_invoice (payments.invoice_id)",
            "creditNotes": f"{BILLING}: credit_notes_by_invoice (credit_notes.invoice_id)",
        },
        internal={
            "series": NUMBERING,
            "year": NUMBERING,
            "sequence": NUMBERING,
            "voided_at": "status says void and voidReason why; the audit log tells when",
            "updated_at": UPDATED,
        },
    ),
    Stored(
        "InvoiceLine",
        invoice_lines,
        Through(invoice_lines.c.invoice_id, invoices, "Invoice"),
        internal=line_internals("invoice_id", "Invoice"),
    ),
    Stored(
        "Payment",
        payments,
        Through(payments.c.invoice_id, invoices, "Invoice"),
        internal={"recorded_by": RECORDED_BY, "updated_at": APPEND_ONLY},
    ),
    Stored(
        "CreditNote",
        credit_notes,
        Through(credit_notes.c.invoice_id, invoices, "Invoice"),
        internal={
            "series": NUMBERING,
            "year": NUMBERING,
            "sequence": NUMBERING,
            "created_by": RECORDED_BY,
            "updated_at": APPEND_ONLY,
        },
    ),
)
