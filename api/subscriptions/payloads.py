"""What a subscription delivers: the kind of change and the entity, as the query API's
own type, so every field and its access rule are the same as in a query."""

from __future__ import annotations

from enum import Enum

import strawberry

from api.billing.types import Invoice
from api.crm.deal_types import Deal
from api.crm.types import Activity
from api.inventory.types import Product
from api.sales.types import SalesOrder

UNGUARDED = "what happened to the entity beside it, whose own type decides its fields"


@strawberry.enum(description="What happened to the entity.")
class Change(Enum):
    CREATED = "created"
    UPDATED = "updated"
    DUE = "due"  # activityDue: its due time came


@strawberry.type(description="A deal was created or changed: moved stage, won, lost, edited.")
class DealChanged:
    change: Change = strawberry.field(metadata={"unguarded": UNGUARDED})
    deal: Deal | None


@strawberry.type(description="A sales order was created or changed (confirmed, fulfilled, …).")
class OrderChanged:
    change: Change = strawberry.field(metadata={"unguarded": UNGUARDED})
    order: SalesOrder | None


@strawberry.type(description="An invoice was created or changed: issued, paid, credited, …")
class InvoiceChanged:
    change: Change = strawberry.field(metadata={"unguarded": UNGUARDED})
    invoice: Invoice | None


@strawberry.type(description="A product's stock changed in a warehouse.")
class StockChanged:
    change: Change = strawberry.field(metadata={"unguarded": UNGUARDED})
    product: Product | None


@strawberry.type(description="An open activity fell due (or changed while due).")
class ActivityDue:
    change: Change = strawberry.field(metadata={"unguarded": UNGUARDED})
    activity: Activity | None
