"""Per-request loaders for billing relations: one statement per relation for a whole
page (an invoice page's lines, a customer page's invoices or receivables)."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from api.core.context import Info
from api.core.loaders import Relation, keyed_loader
from domain.billing import customers, repository
from domain.billing.customers import NO_RECEIVABLES, Receivables


async def _lines(context: Any, keys: list[UUID]) -> Any:
    return await repository.lines_by_invoice(context.db, context.require_actor(), keys)


async def _payments(context: Any, keys: list[UUID]) -> Any:
    return await repository.payments_by_invoice(context.db, context.require_actor(), keys)


async def _credit_notes(context: Any, keys: list[UUID]) -> Any:
    return await repository.credit_notes_by_invoice(context.db, context.require_actor(), keys)


async def _invoices(context: Any, keys: list[UUID]) -> Any:
    return await repository.invoices_by_id(context.db, context.require_actor(), keys)


# an invoice by id (None when missing or out of the caller's record scope)
INVOICES = Relation("billing.invoices", _invoices, entity="Invoice")


async def _invoices_by_order(context: Any, keys: list[UUID]) -> Any:
    return await repository.invoices_by_order(context.db, context.require_actor(), keys)


async def _invoices_by_customer(context: Any, keys: list[UUID]) -> Any:
    return await customers.invoices_by_customer(context.db, context.require_actor(), keys)


async def _orders_by_customer(context: Any, keys: list[UUID]) -> Any:
    return await customers.orders_by_customer(context.db, context.require_actor(), keys)


async def _receivables(context: Any, keys: list[UUID]) -> Any:
    return await customers.receivables_by_customer(context.db, keys)


async def invoice_lines(info: Info, invoice_id: UUID) -> list[Any]:
    return await keyed_loader(info, "billing.lines", _lines, []).load(invoice_id)  # type: ignore[no-any-return]


async def invoice_payments(info: Info, invoice_id: UUID) -> list[Any]:
    return await keyed_loader(info, "billing.payments", _payments, []).load(invoice_id)  # type: ignore[no-any-return]


async def invoice_credit_notes(info: Info, invoice_id: UUID) -> list[Any]:
    loader = keyed_loader(info, "billing.credit_notes", _credit_notes, [])
    return await loader.load(invoice_id)  # type: ignore[no-any-return]


async def customer_invoices(info: Info, customer_id: UUID) -> list[Any]:
    loader = keyed_loader(info, "billing.invoices_by_customer", _invoices_by_customer, [])
    return await loader.load(customer_id)  # type: ignore[no-any-return]


async def customer_orders(info: Info, customer_id: UUID) -> list[Any]:
    loader = keyed_loader(info, "billing.orders_by_customer", _orders_by_customer, [])
    return await loader.load(customer_id)  # type: ignore[no-any-return]


async def customer_receivables(info: Info, customer_id: UUID) -> Receivables:
    loader = keyed_loader(info, "billing.receivables", _receivables, NO_RECEIVABLES)
    return await loader.load(customer_id)  # type: ignore[no-any-return]


async def order_invoices(info: Info, order_id: UUID) -> list[Any]:
    loader = keyed_loader(info, "billing.invoices_by_order", _invoices_by_order, [])
    return await loader.load(order_id)  # type: ignore[no-any-return]
