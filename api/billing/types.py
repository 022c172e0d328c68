"""Billing GraphQL types. Rows map to plain objects; relations go through loaders.

Every field but `id` is nullable: what a role may not read is null with a FORBIDDEN
error (sales roles read an invoice's summary only, see tenants/access/areas/billing.py).
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from enum import Enum
from typing import Any, TypeVar
from uuid import UUID

import strawberry

from api.billing import loaders
from api.core.context import Info
from api.core.relay import Node, node_resolver, to_global_id, with_relations
from api.core.rows import from_row_or_none
from api.cost import at_most
from api.crm import loaders as crm_loaders
from api.crm.types import Customer
from api.inventory.loaders import PRODUCTS
from api.inventory.types import Product, product_by_id
from api.sales.loaders import ORDERS
from api.sales.types import SalesOrder, order_by_id
from api.strawberry_internals import plain_field_names
from domain.billing import repository
from domain.billing.services import CREDIT_NOTES_PER_INVOICE, PAYMENTS_PER_INVOICE
from domain.sales.pricing import MAX_LINES

T = TypeVar("T")


def copied(cls: type[T], row: Any, **given: Any) -> T:
    """An object of a strawberry type from a row: every plain field from the row column
    of the same name, unless given."""
    names = plain_field_names(cls)
    return cls(**{n: getattr(row, n) for n in names if n not in given}, **given)


@strawberry.enum(description="draft → issued → partially_paid → paid, or void.")
class InvoiceStatus(Enum):
    DRAFT = "draft"
    ISSUED = "issued"
    PARTIALLY_PAID = "partially_paid"
    PAID = "paid"
    VOID = "void"


@strawberry.type(description="One line of an invoice, copied from the order it bills.")
class InvoiceLine:
    __entity__ = "InvoiceLine"
    # relations an invoice's lines load at once when selected (Invoice.lines)
    __prefetch__ = {"product": (PRODUCTS, "product_id")}
    product_id: strawberry.Private[UUID | None]
    description: str | None
    quantity: int | None
    unit_price: Decimal | None
    discount_percent: Decimal | None
    tax_rate: Decimal | None
    subtotal: Decimal | None
    tax: Decimal | None
    total: Decimal | None

    @classmethod
    def from_row(cls, r: Any) -> InvoiceLine:
        return copied(cls, r, product_id=r.product_id)

    @strawberry.field(description="The product billed, when the line bills one.")
    def product(self, info: Info) -> Product | None:
        return product_by_id(info, self.product_id)


@strawberry.type(description="Money received against an invoice. Append-only.")
class Payment(Node):
    __entity__ = "Payment"
    __prefetch__ = {"invoice": (loaders.INVOICES, "invoice_id")}
    invoice_id: strawberry.Private[UUID]
    id: strawberry.ID
    amount: Decimal | None
    currency: str | None
    paid_on: date | None
    method: str | None
    reference: str | None
    created_at: datetime | None

    @classmethod
    def from_row(cls, r: Any) -> Payment:
        return copied(cls, r, invoice_id=r.invoice_id, id=to_global_id("Payment", r.id))

    @strawberry.field
    def invoice(self, info: Info) -> Invoice | None:
        return invoice_by_id(info, self.invoice_id)


@strawberry.type(description="A credit against an issued invoice; its own gapless CN- series.")
class CreditNote(Node):
    __entity__ = "CreditNote"
    __prefetch__ = {"invoice": (loaders.INVOICES, "invoice_id")}
    invoice_id: strawberry.Private[UUID]
    id: strawberry.ID
    number: str | None
    amount: Decimal | None
    currency: str | None
    reason: str | None
    issue_date: date | None
    created_at: datetime | None

    @classmethod
    def from_row(cls, r: Any) -> CreditNote:
        return copied(cls, r, invoice_id=r.invoice_id, id=to_global_id("CreditNote", r.id))

    @strawberry.field
    def invoice(self, info: Info) -> Invoice | None:
        return invoice_by_id(info, self.invoice_id)


@strawberry.type(description="A customer invoice. Issued invoices are immutable.")
class Invoice(Node):
    __entity__ = "Invoice"
    __computed__ = repository.INVOICE_DERIVED  # amountDue, overdue
    __children__ = {
        "lines": repository.LINES,
        "payments": repository.PAYMENTS,
        "creditNotes": repository.CREDIT_NOTES,
    }
    # relations a page of Invoices loads at once when selected (api.core.loaders.prefetch)
    __prefetch__ = {
        "customer": (crm_loaders.ROWS["Customer"], "customer_id"),
        "order": (ORDERS, "order_id"),
    }
    uuid: strawberry.Private[UUID]
    customer_id: strawberry.Private[UUID]
    order_id: strawberry.Private[UUID | None]
    id: strawberry.ID
    number: str | None = strawberry.field(description="Given when issued: INV-<year>-<n>.")
    status: InvoiceStatus | None
    currency: str | None
    issue_date: date | None
    due_date: date | None
    overdue: bool | None = strawberry.field(description="Open and past its due date.")
    subtotal: Decimal | None
    tax_total: Decimal | None
    total: Decimal | None
    amount_paid: Decimal | None
    amount_credited: Decimal | None
    amount_due: Decimal | None = strawberry.field(description="total - paid - credited.")
    notes: str | None
    void_reason: str | None
    created_at: datetime | None
    version: int | None

    @classmethod
    def from_row(cls, r: Any) -> Invoice:
        return copied(
            cls,
            r,
            uuid=r.id,
            customer_id=r.customer_id,
            order_id=r.order_id,
            id=to_global_id("Invoice", r.id),
            status=InvoiceStatus(r.status),
            overdue=repository.is_overdue(r),
            amount_due=repository.amount_due(r),
        )

    @strawberry.field
    def customer(self, info: Info) -> Customer | None:
        return crm_loaders.row(info, "Customer", self.customer_id, Customer.from_row)

    @strawberry.field(description="The order billed (null when out of your record scope).")
    def order(self, info: Info) -> SalesOrder | None:
        return order_by_id(info, self.order_id)

    @strawberry.field(metadata=at_most(MAX_LINES))  # copied from its order's lines
    async def lines(self, info: Info) -> list[InvoiceLine] | None:
        rows = await loaders.invoice_lines(info, self.uuid)
        return await with_relations(info, [InvoiceLine.from_row(r) for r in rows])

    @strawberry.field(metadata=at_most(PAYMENTS_PER_INVOICE))
    async def payments(self, info: Info) -> list[Payment] | None:
        rows = await loaders.invoice_payments(info, self.uuid)
        return await with_relations(info, [Payment.from_row(r) for r in rows])

    @strawberry.field(metadata=at_most(CREDIT_NOTES_PER_INVOICE))
    async def credit_notes(self, info: Info) -> list[CreditNote] | None:
        rows = await loaders.invoice_credit_notes(info, self.uuid)
        return await with_relations(info, [CreditNote.from_row(r) for r in rows])


def invoice_by_id(info: Info, uuid: UUID) -> Invoice | None:
    """The Invoice: at once when prefetched (`INVOICES` in `__prefetch__`), else
    awaitable (api.core.loaders.Relation.resolve)."""
    return loaders.INVOICES.resolve(info, uuid, Invoice.from_row)


async def order_invoices(info: Info, order_id: UUID) -> list[Invoice]:
    """SalesOrder.invoices: the order's invoices, newest first."""
    rows = await loaders.order_invoices(info, order_id)
    return await with_relations(info, [Invoice.from_row(r) for r in rows])


@node_resolver("Invoice", entity="Invoice")
async def _invoice_node(context: Any, uuid: UUID) -> Invoice | None:
    row = await repository.get_invoice(context.db, context.require_actor(), uuid)
    return from_row_or_none(Invoice, row)


def _register_part(kind: Any, lookup: Any) -> None:
    """node(id:) for a payment or credit note (webhook payloads hand their ids out)."""

    @node_resolver(kind.__name__, entity=kind.__name__)
    async def resolve(context: Any, uuid: UUID) -> Any:
        row = await lookup(context.db, context.require_actor(), uuid)
        return from_row_or_none(kind, row)


_register_part(Payment, repository.get_payment)
_register_part(CreditNote, repository.get_credit_note)

NODE_TYPES = (Invoice, Payment, CreditNote)
