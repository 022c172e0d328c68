"""Billing mutations: each parses its input and calls one service (domain/billing/services)."""

from __future__ import annotations

from typing import Any
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
from api.core.payloads import Answer, UserError, respond, run_service
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


async def _settle(info: Info, call: Any) -> tuple[Any, Invoice | None, list[UserError]]:
    """A payment or credit: (the new row, the invoice after it, userErrors)."""
    result, errors = await run_service(info, call)
    if result is None:
        return None, None, errors
    row, invoice = result
    return row, Invoice.from_row(invoice), errors


# What each mutation answers: its payload, the field of the record, the row's conversion.
INVOICE = Answer(InvoicePayload, "invoice", Invoice.from_row)


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
        )

    @strawberry.mutation(metadata={"access": ("Payment", "create")})
    async def record_payment(self, info: Info, input: RecordPaymentInput) -> PaymentPayload:
        ctx = info.context
        payment, invoice, errors = await _settle(
            info,
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
        )
        return PaymentPayload(
            payment=Payment.from_row(payment) if payment else None,
            invoice=invoice,
            user_errors=errors,
        )

    @strawberry.mutation(metadata={"access": ("CreditNote", "create")})
    async def create_credit_note(
        self, info: Info, input: CreateCreditNoteInput
    ) -> CreditNotePayload:
        ctx = info.context
        note, invoice, errors = await _settle(
            info,
            lambda: services.create_credit_note(
                ctx.db,
                ctx.require_actor(),
                _invoice_id(input.invoice_id, "invoiceId"),
                amount=input.amount,
                currency_code=input.currency,
                reason=input.reason,
            ),
        )
        return CreditNotePayload(
            credit_note=CreditNote.from_row(note) if note else None,
            invoice=invoice,
            user_errors=errors,
        )
