"""The back office's fields on the CRM `Customer` type. The CRM type declares each as a
one-line resolver calling these, so the billing rules stay here:

    @strawberry.field
    async def payment_status(self, info: Info) -> PaymentStatus | None:
        return await customer.payment_status(info, self.uuid)
"""

from __future__ import annotations

from decimal import Decimal
from enum import Enum
from uuid import UUID

import strawberry

from api.billing import loaders
from api.billing.types import Invoice
from api.core.context import Info
from api.core.relay import with_relations
from api.sales.types import SalesOrder


@strawberry.enum(description="Where a customer stands with its invoices.")
class PaymentStatus(Enum):
    NO_INVOICES = "no_invoices"
    PAID = "paid"
    OPEN = "open"
    OVERDUE = "overdue"


async def orders(info: Info, customer_id: UUID) -> list[SalesOrder]:
    """The customer's latest orders (newest first), within the caller's order scope."""
    rows = await loaders.customer_orders(info, customer_id)
    return await with_relations(info, [SalesOrder.from_row(r) for r in rows])


async def invoices(info: Info, customer_id: UUID) -> list[Invoice]:
    """The customer's latest invoices, newest first."""
    rows = await loaders.customer_invoices(info, customer_id)
    return await with_relations(info, [Invoice.from_row(r) for r in rows])


async def payment_status(info: Info, customer_id: UUID) -> PaymentStatus:
    return PaymentStatus((await loaders.customer_receivables(info, customer_id)).payment_status)


@strawberry.type(description="An amount in one currency.")
class Money:
    amount: Decimal
    currency: str


async def overdue_amount(info: Info, customer_id: UUID) -> list[Money]:
    """Per currency, by currency code: amounts in different currencies never add up."""
    overdue = (await loaders.customer_receivables(info, customer_id)).overdue_amounts
    return [Money(amount=overdue[c], currency=c) for c in sorted(overdue)]
