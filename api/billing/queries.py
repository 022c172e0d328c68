"""Billing queries: the invoice list (node(id:) is registered in api/billing/types.py)."""

from __future__ import annotations

import strawberry

from api.billing.inputs import InvoiceFilter, InvoiceOrder, InvoiceOrderField
from api.billing.types import Invoice
from api.compiled.sources import listing
from api.core.context import Info
from api.core.relay import Connection, connection, from_global_id, page_request
from api.ordering import OrderDirection
from domain.billing import repository
from domain.pagination import Listing, run_listing
from tenants.principal import Actor


def _where(filter: InvoiceFilter | None) -> repository.InvoiceFilter:
    if filter is None:
        return repository.InvoiceFilter()
    customer_id = None
    if filter.customer_id is not None:
        customer_id = from_global_id(filter.customer_id, "Customer")[1]
    return repository.InvoiceFilter(
        statuses=[s.value for s in filter.status] if filter.status else None,
        customer_id=customer_id,
        overdue=filter.overdue,
    )


def _invoices(actor: Actor, filter: InvoiceFilter | None, order_by: InvoiceOrder | None) -> Listing:
    order = order_by or InvoiceOrder(field=InvoiceOrderField.CREATED_AT)
    descending = order.direction is OrderDirection.DESC
    return repository.invoice_listing(actor, _where(filter), order.field.value, descending)


@strawberry.type
class Query:
    @strawberry.field(
        description="Invoices, newest last unless ordered otherwise.",
        metadata=listing("Invoice", _invoices),
    )
    async def invoices(
        self,
        info: Info,
        filter: InvoiceFilter | None = None,
        order_by: InvoiceOrder | None = None,
        first: int | None = None,
        after: str | None = None,
        last: int | None = None,
        before: str | None = None,
    ) -> Connection[Invoice] | None:
        page = page_request(info, first, after, last, before)
        found = _invoices(info.context.require_actor(), filter, order_by)
        return await connection(
            info, await run_listing(info.context.db, found, page), Invoice.from_row
        )
