"""Mutation payloads of the CRM: the record written (null when nothing was) and userErrors."""

from __future__ import annotations

import strawberry

from api.core.payloads import Answer, UserError
from api.core.rows import from_row_or_none
from api.crm.deal_types import Deal, Pipeline
from api.crm.types import Activity, Contact, Customer, Lead


@strawberry.type
class LeadPayload:
    lead: Lead | None = None
    user_errors: list[UserError] = strawberry.field(default_factory=list)


@strawberry.type(description="What a lead became; all or nothing.")
class ConvertLeadPayload:
    lead: Lead | None = None
    customer: Customer | None = None
    contact: Contact | None = None
    deal: Deal | None = None
    user_errors: list[UserError] = strawberry.field(default_factory=list)


@strawberry.type
class CustomerPayload:
    customer: Customer | None = None
    user_errors: list[UserError] = strawberry.field(default_factory=list)


@strawberry.type
class ContactPayload:
    contact: Contact | None = None
    user_errors: list[UserError] = strawberry.field(default_factory=list)


@strawberry.type
class DealPayload:
    deal: Deal | None = None
    user_errors: list[UserError] = strawberry.field(default_factory=list)


@strawberry.type
class ActivityPayload:
    activity: Activity | None = None
    user_errors: list[UserError] = strawberry.field(default_factory=list)


@strawberry.type
class PipelinePayload:
    pipeline: Pipeline | None = None
    user_errors: list[UserError] = strawberry.field(default_factory=list)


# What each CRM mutation answers: its payload, the field of the record, the row's conversion.
ACTIVITY = Answer.record(ActivityPayload, "activity", Activity.from_row)
CONTACT = Answer.record(ContactPayload, "contact", Contact.from_row)
CUSTOMER = Answer.record(CustomerPayload, "customer", Customer.from_row)
DEAL = Answer.record(DealPayload, "deal", Deal.from_row)
LEAD = Answer.record(LeadPayload, "lead", Lead.from_row)
PIPELINE = Answer.record(PipelinePayload, "pipeline", Pipeline.from_row)
# what a lead became: the lead, its customer and contact, and the deal when one opened
CONVERTED_LEAD = Answer(
    ConvertLeadPayload,
    lambda done: {
        "lead": Lead.from_row(done.lead),
        "customer": Customer.from_row(done.customer),
        "contact": Contact.from_row(done.contact),
        "deal": from_row_or_none(Deal, done.deal),
    },
)
