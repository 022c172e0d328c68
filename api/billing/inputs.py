"""Billing inputs. Each declares the entity its keys are checked against (api.core.access)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from enum import Enum

import strawberry

from api.billing.types import InvoiceStatus
from api.ordering import OrderDirection


@strawberry.input(description="Invoices matching every given condition.")
class InvoiceFilter:
    __entity__ = "Invoice"
    __reveals__ = {"customerId": ("customer",)}
    status: list[InvoiceStatus] | None = None
    customer_id: strawberry.ID | None = None
    overdue: bool | None = None


@strawberry.enum
class InvoiceOrderField(Enum):
    CREATED_AT = "createdAt"
    NUMBER = "number"
    ISSUE_DATE = "issueDate"
    DUE_DATE = "dueDate"
    TOTAL = "total"


@strawberry.input
class InvoiceOrder:
    __entity__ = "Invoice"
    field: InvoiceOrderField
    direction: OrderDirection = OrderDirection.ASC


@strawberry.input(description="Draft an invoice from a confirmed or fulfilled order.")
class CreateInvoiceFromOrderInput:
    __entity__ = "Invoice"
    __locators__ = ("orderId", "clientMutationId")
    order_id: strawberry.ID
    notes: str | None = strawberry.UNSET


@strawberry.input(description="Edit a draft invoice; issued invoices are immutable.")
class UpdateInvoiceInput:
    __entity__ = "Invoice"
    id: strawberry.ID
    version: int
    notes: str


@strawberry.input(description="Number and date a draft invoice.")
class IssueInvoiceInput:
    __entity__ = "Invoice"
    id: strawberry.ID
    version: int | None = None


@strawberry.input(description="Void an issued invoice that has no payments.")
class VoidInvoiceInput:
    __entity__ = "Invoice"
    # the reason is part of the void action, granted as an action
    __writes__ = {"reason": ()}
    id: strawberry.ID
    version: int | None = None
    reason: str


@strawberry.input(description="A payment against an issued invoice, at most what is due.")
class RecordPaymentInput:
    __entity__ = "Payment"
    __locators__ = ("invoiceId", "clientMutationId")
    # the currency states what the amount is in: it writes the amount
    __writes__ = {"currency": ("amount",)}
    invoice_id: strawberry.ID
    amount: Decimal
    currency: str
    paid_on: date | None = strawberry.field(
        default=strawberry.UNSET, description="Today if not given."
    )
    method: str | None = strawberry.UNSET
    reference: str | None = strawberry.UNSET


@strawberry.input(description="Credit part or all of what remains due on an issued invoice.")
class CreateCreditNoteInput:
    __entity__ = "CreditNote"
    __locators__ = ("invoiceId", "clientMutationId")
    __writes__ = {"currency": ("amount",)}
    invoice_id: strawberry.ID
    amount: Decimal
    currency: str
    reason: str
