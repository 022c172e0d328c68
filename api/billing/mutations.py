"""Billing mutations: each parses its input and calls one service (domain/billing/services)."""

from __future__ import annotations

from uuid import UUID

import strawberry

from api.billing.inputs import (
    CreateCreditNoteInput,
    CreateInvoiceFromOrderInput,
    IssueInvoiceInput,
    RecordPaymentInput,
    UpdateInvoiceInput,
    VoidInvoiceInput,
)
from api.billing.types import CreditNote, Invoice, Payment
from api.core.context import Info
from api.core.payloads import Answer, UserError, respond
from api.core.relay import local_id
from domain.billing import services


@strawberry.type
class InvoicePayload:
    invoice: Invoice | None
    user_errors: list[UserError]


@strawberry.type
class PaymentPayload:
    payment: Payment | None
    invoice: Invoice | None
    user_errors: list[UserError]


@strawberry.type
class CreditNotePayload:
    credit_note: CreditNote | None
    invoice: Invoice | None
    user_errors: list[UserError]


def _invoice_id(global_id: str, field: str = "id") -> UUID:
    return local_id(global_id, "Invoice", field)


# What each mutation answers: its payload, the field of the record, the row's conversion.
# Every billing use case checks everything before it writes (domain/billing/services.py),
# so each runs `checks_first`: no savepoint of its own.
INVOICE = Answer.record(InvoicePayload, "invoice", Invoice.from_row)
# a payment or credit note answers the new row and the invoice after it
PAYMENT = Answer(
    PaymentPayload, lambda r: {"payment": Payment.from_row(r[0]), "invoice": Invoice.from_row(r[1])}
)
CREDIT_NOTE = Answer(
    CreditNotePayload,
    lambda r: {"credit_note": CreditNote.from_row(r[0]), "invoice": Invoice.from_row(r[1])},
)


@strawberry.type
class Mutation:
    @strawberry.mutation(metadata={"access": ("Invoice", "create")})
    async def create_invoice_from_order(
        self, info: Info, input: CreateInvoiceFromOrderInput
    ) -> InvoicePayload:
        ctx = info.context
        return await respond(
            info,
            INVOICE,
            lambda: services.create_invoice_from_order(
                ctx.db,
                ctx.require_actor(),
                local_id(input.order_id, "SalesOrder", "orderId"),
                (input.notes or "").strip(),
            ),
            checks_first=True,
        )

    @strawberry.mutation(metadata={"access": ("Invoice", "update")})
    async def update_invoice(self, info: Info, input: UpdateInvoiceInput) -> InvoicePayload:
        ctx = info.context
        return await respond(
            info,
            INVOICE,
            lambda: services.update_invoice(
                ctx.db, ctx.require_actor(), _invoice_id(input.id), input.version, input.notes
            ),
            checks_first=True,
        )

    @strawberry.mutation(metadata={"access": ("Invoice", "issue")})
    async def issue_invoice(self, info: Info, input: IssueInvoiceInput) -> InvoicePayload:
        ctx = info.context
        return await respond(
            info,
            INVOICE,
            lambda: services.issue_invoice(
                ctx.db, ctx.require_actor(), _invoice_id(input.id), input.version
            ),
            checks_first=True,
        )

    @strawberry.mutation(metadata={"access": ("Invoice", "void")})
    async def void_invoice(self, info: Info, input: VoidInvoiceInput) -> InvoicePayload:
        ctx = info.context
        return await respond(
            info,
            INVOICE,
            lambda: services.void_invoice(
                ctx.db,
                ctx.require_actor(),
                _invoice_id(input.id),
                input.version,
                input.reason,
            ),
            checks_first=True,
        )

    @strawberry.mutation(metadata={"access": ("Payment", "create")})
    async def record_payment(self, info: Info, input: RecordPaymentInput) -> PaymentPayload:
        ctx = info.context
        return await respond(
            info,
            PAYMENT,
            lambda: services.record_payment(
                ctx.db,
                ctx.require_actor(),
                _invoice_id(input.invoice_id, "invoiceId"),
                amount=input.amount,
                currency_code=input.currency,
                paid_on=input.paid_on or None,  # UNSET is falsy
                method=input.method or "",
                reference=input.reference or "",
            ),
            checks_first=True,
        )

    @strawberry.mutation(metadata={"access": ("CreditNote", "create")})
    async def create_credit_note(
        self, info: Info, input: CreateCreditNoteInput
    ) -> CreditNotePayload:
        ctx = info.context
        return await respond(
            info,
            CREDIT_NOTE,
            lambda: services.create_credit_note(
                ctx.db,
                ctx.require_actor(),
                _invoice_id(input.invoice_id, "invoiceId"),
                amount=input.amount,
                currency_code=input.currency,
                reason=input.reason,
            ),
            checks_first=True,
        )
