"""Leads, customers, contacts and activities as GraphQL types (deals and pipelines are in
api/crm/deal_types.py). Scalars are plain attributes copied from the row; relations go
through the request's DataLoaders (one statement per relation per page). Every field
is nullable: a role may be denied any of them (tenants/access/areas/crm.py)."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from enum import Enum
from typing import TYPE_CHECKING, Annotated, Any
from uuid import UUID

import strawberry

from api.admin.loaders import REFERENCED_USERS
from api.admin.types import User, user_reference, user_relation
from api.core.context import Info
from api.core.relay import Node, node_resolver, to_global_id, with_relations
from api.core.rows import column_values, from_row_or_none
from api.cost import at_most
from api.crm import loaders
from domain.billing.customers import LATEST
from domain.crm import repository
from domain.crm.activities import is_overdue
from domain.money import MAX_CURRENCIES

if TYPE_CHECKING:
    from api.billing.customer import Money, PaymentStatus
    from api.billing.types import Invoice
    from api.crm.deal_types import Deal, DealStageChange
    from api.sales.types import SalesOrder

DEALS = "api.crm.deal_types"
SALES, INVOICES, RECEIVABLES = "api.sales.types", "api.billing.types", "api.billing.customer"


STAMPS = ("created_at", "updated_at", "version")


@strawberry.enum
class LeadStatus(Enum):
    NEW = "new"
    CONTACTED = "contacted"
    QUALIFIED = "qualified"
    DISQUALIFIED = "disqualified"
    CONVERTED = "converted"


@strawberry.enum
class CustomerKind(Enum):
    COMPANY = "company"
    PERSON = "person"


@strawberry.enum
class ActivityKind(Enum):
    CALL = "call"
    EMAIL = "email"
    MEETING = "meeting"
    NOTE = "note"
    TASK = "task"


@strawberry.type
class Address:
    line1: str | None = None
    line2: str | None = None
    city: str | None = None
    region: str | None = None
    postal_code: str | None = None
    country: str | None = strawberry.field(default=None, description="ISO 3166 alpha-2.")

    @classmethod
    def from_json(cls, data: dict[str, Any] | None) -> Address | None:
        if not data:
            return None
        return cls(
            line1=data.get("line1"),
            line2=data.get("line2"),
            city=data.get("city"),
            region=data.get("region"),
            postal_code=data.get("postalCode"),
            country=data.get("country"),
        )


@strawberry.type(description="A prospect not yet a customer. `convertLead` makes it one.")
class Lead(Node):
    __entity__ = "Lead"
    # relations a page of Leads loads at once when selected (api.core.loaders.prefetch)
    __prefetch__ = {
        "owner": (REFERENCED_USERS, "owner_id"),
        "convertedCustomer": (loaders.ROWS["Customer"], "customer_id"),
        "convertedDeal": (loaders.ROWS["Deal"], "deal_id"),
    }

    uuid: strawberry.Private[UUID]
    owner_id: strawberry.Private[UUID]
    customer_id: strawberry.Private[UUID | None]
    deal_id: strawberry.Private[UUID | None]
    name: str | None
    company: str | None
    email: str | None
    phone: str | None
    source: str | None
    status: LeadStatus | None
    notes: str | None
    converted_at: datetime | None
    created_at: datetime | None
    updated_at: datetime | None
    version: int | None

    @classmethod
    def from_row(cls, row: Any) -> Lead:
        return cls(
            id=to_global_id("Lead", row.id),
            uuid=row.id,
            customer_id=row.converted_customer_id,
            deal_id=row.converted_deal_id,
            status=LeadStatus(row.status),
            **column_values(row, "owner_id", "name", "company", "email", "phone", "source"),
            **column_values(row, "notes", "converted_at", *STAMPS),
        )

    @user_relation()
    def owner(self, info: Info) -> User | None:
        return user_reference(info, self.owner_id)

    @strawberry.field(description="The customer this lead became.")
    def converted_customer(self, info: Info) -> Customer | None:
        return loaders.row(info, "Customer", self.customer_id, Customer.from_row)

    @strawberry.field(description="The deal opened when the lead was converted, if any.")
    def converted_deal(self, info: Info) -> Annotated[Deal, strawberry.lazy(DEALS)] | None:
        from api.crm.deal_types import Deal

        return loaders.row(info, "Deal", self.deal_id, Deal.from_row)


@strawberry.type(description="A company or a person the tenant sells to.")
class Customer(Node):
    __entity__ = "Customer"
    # relations a page of Customers loads at once when selected (api.core.loaders.prefetch)
    # lists of rows naming the customer (domain.kit.children), as its fields show them
    __children__ = {name: repository.CHILDREN[name] for name in ("contacts", "deals")}
    __prefetch__ = {
        "owner": (REFERENCED_USERS, "owner_id"),
    }

    uuid: strawberry.Private[UUID]
    owner_id: strawberry.Private[UUID | None]
    name: str | None
    kind: CustomerKind | None
    email: str | None
    phone: str | None
    tax_id: str | None
    billing_address: Address | None
    shipping_address: Address | None
    notes: str | None
    credit_limit: Decimal | None = strawberry.field(description="In `creditCurrency`.")
    credit_currency: str | None
    payment_terms_days: int | None = strawberry.field(
        description="Days an invoice to this customer has before it is due."
    )
    created_at: datetime | None
    updated_at: datetime | None
    version: int | None

    @classmethod
    def from_row(cls, row: Any) -> Customer:
        return cls(
            id=to_global_id("Customer", row.id),
            uuid=row.id,
            kind=CustomerKind(row.kind),
            billing_address=Address.from_json(row.billing_address),
            shipping_address=Address.from_json(row.shipping_address),
            **column_values(row, "owner_id", "name", "email", "phone", "tax_id", "notes"),
            **column_values(row, "credit_limit", "credit_currency", "payment_terms_days", *STAMPS),
        )

    @user_relation()
    def owner(self, info: Info) -> User | None:
        return user_reference(info, self.owner_id)

    @strawberry.field(
        description=f"The customer's first {repository.CONTACTS_PER_CUSTOMER} contacts, by name.",
        metadata=at_most(repository.CONTACTS_PER_CUSTOMER),
    )
    async def contacts(self, info: Info) -> list[Contact] | None:
        rows = await loaders.children(info, "contacts", self.uuid)
        return await with_relations(info, [Contact.from_row(r) for r in rows])

    @strawberry.field(
        description=f"The customer's latest {repository.DEALS_PER_CUSTOMER} deals in your "
        "record scope, oldest first.",
        metadata=at_most(repository.DEALS_PER_CUSTOMER),
    )
    async def deals(self, info: Info) -> list[Annotated[Deal, strawberry.lazy(DEALS)]] | None:
        from api.crm.deal_types import Deal

        rows = await loaders.children(info, "deals", self.uuid)
        return await with_relations(info, [Deal.from_row(r) for r in rows])

    @strawberry.field(
        description="Activities and deal events of this customer, newest first (those your "
        "role may read, within your record scope)."
    )
    async def timeline(self, info: Info, first: int = 20) -> list[TimelineEntry] | None:
        limit = max(0, min(first, info.context.settings.max_page_size))
        items = await loaders.timeline(info, self.uuid, limit)
        return [TimelineEntry.from_item(item) for item in items]

    # The back office's fields: resolved in api/billing/customer.py.
    @strawberry.field(
        description=f"The latest {LATEST} orders, newest first, in your record scope.",
        metadata=at_most(LATEST),
    )
    async def orders(
        self, info: Info
    ) -> list[Annotated[SalesOrder, strawberry.lazy(SALES)]] | None:
        from api.billing import customer as back_office

        return await back_office.orders(info, self.uuid)

    @strawberry.field(
        description=f"The latest {LATEST} invoices, newest first.", metadata=at_most(LATEST)
    )
    async def invoices(
        self, info: Info
    ) -> list[Annotated[Invoice, strawberry.lazy(INVOICES)]] | None:
        from api.billing import customer as back_office

        return await back_office.invoices(info, self.uuid)

    @strawberry.field
    async def payment_status(
        self, info: Info
    ) -> Annotated[PaymentStatus, strawberry.lazy(RECEIVABLES)] | None:
        from api.billing import customer as back_office

        return await back_office.payment_status(info, self.uuid)

    @strawberry.field(
        description="What is past due on open invoices, per currency; empty when nothing is.",
        metadata=at_most(MAX_CURRENCIES),
    )
    async def overdue_amount(
        self, info: Info
    ) -> list[Annotated[Money, strawberry.lazy(RECEIVABLES)]] | None:
        from api.billing import customer as back_office

        return await back_office.overdue_amount(info, self.uuid)


@strawberry.type(description="A person at a customer.")
class Contact(Node):
    __entity__ = "Contact"
    # relations a page of Contacts loads at once when selected (api.core.loaders.prefetch)
    __prefetch__ = {
        "customer": (loaders.ROWS["Customer"], "customer_id"),
        "owner": (REFERENCED_USERS, "owner_id"),
    }

    uuid: strawberry.Private[UUID]
    customer_id: strawberry.Private[UUID]
    owner_id: strawberry.Private[UUID | None]
    name: str | None
    email: str | None
    phone: str | None
    title: str | None
    created_at: datetime | None
    updated_at: datetime | None
    version: int | None

    @classmethod
    def from_row(cls, row: Any) -> Contact:
        return cls(
            id=to_global_id("Contact", row.id),
            uuid=row.id,
            **column_values(
                row, "customer_id", "owner_id", "name", "email", "phone", "title", *STAMPS
            ),
        )

    @strawberry.field
    def customer(self, info: Info) -> Customer | None:
        return loaders.row(info, "Customer", self.customer_id, Customer.from_row)

    @user_relation()
    def owner(self, info: Info) -> User | None:
        return user_reference(info, self.owner_id)


@strawberry.type(
    description="A call, email, meeting, note or task; a task with a due date is a follow-up."
)
class Activity(Node):
    __entity__ = "Activity"
    # relations a page of Activitys loads at once when selected (api.core.loaders.prefetch)
    __prefetch__ = {
        "assignedTo": (REFERENCED_USERS, "assigned_id"),
        "createdBy": (REFERENCED_USERS, "creator_id"),
        "lead": (loaders.ROWS["Lead"], "lead_id"),
        "deal": (loaders.ROWS["Deal"], "deal_id"),
        "customer": (loaders.ROWS["Customer"], "customer_id"),
    }

    uuid: strawberry.Private[UUID]
    assigned_id: strawberry.Private[UUID]
    creator_id: strawberry.Private[UUID | None]
    lead_id: strawberry.Private[UUID | None]
    deal_id: strawberry.Private[UUID | None]
    customer_id: strawberry.Private[UUID | None]
    kind: ActivityKind | None
    subject: str | None
    notes: str | None
    due_at: datetime | None
    completed_at: datetime | None
    overdue: bool | None = strawberry.field(description="Not completed and past its due time.")
    created_at: datetime | None
    updated_at: datetime | None
    version: int | None

    @classmethod
    def from_row(cls, row: Any) -> Activity:
        return cls(
            id=to_global_id("Activity", row.id),
            uuid=row.id,
            assigned_id=row.assigned_to,
            creator_id=row.created_by,
            kind=ActivityKind(row.kind),
            overdue=is_overdue(row),
            **column_values(row, "lead_id", "deal_id", "customer_id", "subject", "notes"),
            **column_values(row, "due_at", "completed_at", *STAMPS),
        )

    @user_relation()
    def assigned_to(self, info: Info) -> User | None:
        return user_reference(info, self.assigned_id)

    @user_relation()
    def created_by(self, info: Info) -> User | None:
        return user_reference(info, self.creator_id)

    @strawberry.field
    def lead(self, info: Info) -> Lead | None:
        return loaders.row(info, "Lead", self.lead_id, Lead.from_row)

    @strawberry.field
    def deal(self, info: Info) -> Annotated[Deal, strawberry.lazy(DEALS)] | None:
        from api.crm.deal_types import Deal

        return loaders.row(info, "Deal", self.deal_id, Deal.from_row)

    @strawberry.field
    def customer(self, info: Info) -> Customer | None:
        return loaders.row(info, "Customer", self.customer_id, Customer.from_row)


@strawberry.type(description="One entry of a customer's timeline: an activity or a deal event.")
class TimelineEntry:
    at: datetime
    kind: str = strawberry.field(
        description="`activity`, or the deal event: created, moved, won, lost, reopened."
    )
    activity: Activity | None
    change: Annotated[DealStageChange, strawberry.lazy(DEALS)] | None

    @classmethod
    def from_item(cls, item: repository.TimelineItem) -> TimelineEntry:
        from api.crm.deal_types import DealStageChange

        return cls(
            at=item.at,
            kind=item.kind,
            activity=from_row_or_none(Activity, item.activity),
            change=from_row_or_none(DealStageChange, item.change),
        )


def register_nodes(*kinds: Any) -> None:
    """node(id:) for each type: its row by id, within the caller's record scope."""
    for kind in kinds:
        _register(kind)


def _register(kind: Any) -> None:
    type_name = kind.__name__

    @node_resolver(type_name, entity=type_name)
    async def resolve(context: Any, uuid: UUID) -> Any:
        actor = context.require_actor()
        return from_row_or_none(kind, await repository.get(context.db, actor, type_name, uuid))


register_nodes(Lead, Customer, Contact, Activity)
