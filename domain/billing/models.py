"""Billing tables (migration 0004)."""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import UUID

from domain.base import tenant_table
from domain.ownership import Ownership, Through
from domain.sales.models import MONEY, line_columns, sales_orders

invoice_counters = tenant_table(
    "invoice_counters",
    sa.Column("series", sa.Text, nullable=False),
    sa.Column("year", sa.Integer, nullable=False),
    sa.Column("last_number", sa.Integer, nullable=False),
    versioned=False,
)

invoices = tenant_table(
    "invoices",
    sa.Column("customer_id", UUID(as_uuid=True), nullable=False),
    sa.Column("order_id", UUID(as_uuid=True)),
    sa.Column("status", sa.Text, nullable=False),
    sa.Column("currency", sa.CHAR(3), nullable=False),
    sa.Column("series", sa.Text, nullable=False),
    sa.Column("year", sa.Integer),
    sa.Column("sequence", sa.Integer),
    sa.Column("number", sa.Text),
    sa.Column("issue_date", sa.Date),
    sa.Column("due_date", sa.Date),
    sa.Column("notes", sa.Text, nullable=False),
    sa.Column("subtotal", MONEY, nullable=False),
    sa.Column("tax_total", MONEY, nullable=False),
    sa.Column("total", MONEY, nullable=False),
    sa.Column("amount_paid", MONEY, nullable=False),
    sa.Column("amount_credited", MONEY, nullable=False),
    sa.Column("voided_at", sa.DateTime(timezone=True)),
    sa.Column("void_reason", sa.Text, nullable=False),
)

invoice_lines = tenant_table(
    "invoice_lines",
    sa.Column("invoice_id", UUID(as_uuid=True), nullable=False),
    sa.Column("description", sa.Text, nullable=False),
    *line_columns(),
    versioned=False,
)

payments = tenant_table(
    "payments",
    sa.Column("invoice_id", UUID(as_uuid=True), nullable=False),
    sa.Column("amount", MONEY, nullable=False),
    sa.Column("currency", sa.CHAR(3), nullable=False),
    sa.Column("paid_on", sa.Date, nullable=False),
    sa.Column("method", sa.Text, nullable=False),
    sa.Column("reference", sa.Text, nullable=False),
    sa.Column("recorded_by", UUID(as_uuid=True)),
    versioned=False,
)

credit_notes = tenant_table(
    "credit_notes",
    sa.Column("invoice_id", UUID(as_uuid=True), nullable=False),
    sa.Column("series", sa.Text, nullable=False),
    sa.Column("year", sa.Integer, nullable=False),
    sa.Column("sequence", sa.Integer, nullable=False),
    sa.Column("number", sa.Text, nullable=False),
    sa.Column("issue_date", sa.Date, nullable=False),
    sa.Column("amount", MONEY, nullable=False),
    sa.Column("currency", sa.CHAR(3), nullable=False),
    sa.Column("reason", sa.Text, nullable=False),
    sa.Column("created_by", UUID(as_uuid=True)),
    versioned=False,
)


# record scope (domain/scope.py): invoices have no owner of their own; an invoice is
# its sales order's, and its lines, payments and credit notes are the invoice's
OWNERSHIP: dict[str, Ownership] = {
    "Invoice": Through(invoices.c.order_id, sales_orders, "SalesOrder"),
    "InvoiceLine": Through(invoice_lines.c.invoice_id, invoices, "Invoice"),
    "Payment": Through(payments.c.invoice_id, invoices, "Invoice"),
    "CreditNote": Through(credit_notes.c.invoice_id, invoices, "Invoice"),
}
