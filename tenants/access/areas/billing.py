"""Billing: invoices, their lines, payments and credit notes.

Sales reads an invoice's summary (number, status, total, amount due, due date) and
nothing more; lines, payments, credit notes, issuing and voiding are accounting's.
"""

from tenants.access.catalog import Area, EntitySpec, Grant

SUMMARY = (
    "number",
    "status",
    "total",
    "amountDue",
    "dueDate",
    "overdue",
    "currency",
    "customer",
    "order",
    "issueDate",
    "createdAt",
)
DETAIL = (
    "lines",
    "payments",
    "creditNotes",
    "subtotal",
    "taxTotal",
    "amountPaid",
    "amountCredited",
    "notes",
    "voidReason",
    "version",
)
LINE = (
    "description",
    "product",
    "quantity",
    "unitPrice",
    "discountPercent",
    "taxRate",
    "subtotal",
    "tax",
    "total",
)
PAYMENT = ("invoice", "amount", "currency", "paidOn", "method", "reference", "createdAt")
CREDIT_NOTE = ("invoice", "number", "amount", "currency", "reason", "issueDate", "createdAt")

AREA = Area(
    entities=(
        EntitySpec(
            "Invoice",
            {"summary": SUMMARY, "detail": DETAIL},
            actions=("read", "create", "update", "issue", "void"),
            readonly=tuple(f for f in SUMMARY + DETAIL if f != "notes"),
        ),
        EntitySpec("InvoiceLine", {"line": LINE}, actions=("read",), readonly=LINE),
        EntitySpec(
            "Payment",
            {"payment": PAYMENT},
            actions=("read", "create"),
            readonly=("invoice", "currency", "createdAt"),
            description="Append-only; a payment never exceeds the invoice's amount due.",
        ),
        EntitySpec(
            "CreditNote",
            {"creditNote": CREDIT_NOTE},
            actions=("read", "create"),
            readonly=("invoice", "number", "currency", "issueDate", "createdAt"),
        ),
    ),
    grants={
        "sales_rep": (Grant("Invoice", "read", read=("summary",)),),
        "sales_manager": (Grant("Invoice", "read", read=("summary",)),),
        "accountant": (
            Grant("Invoice", "read create update issue void", write=("notes",)),
            Grant("InvoiceLine", "read"),
            Grant("Payment", "read create", write=("amount", "paidOn", "method", "reference")),
            Grant("CreditNote", "read create", write=("amount", "reason")),
        ),
    },
)
