"""Mutation payloads of the CRM: the record written (null when nothing was) and userErrors."""

from __future__ import annotations

import strawberry

from api.core.payloads import Answer, UserError
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
ACTIVITY = Answer(ActivityPayload, "activity", Activity.from_row)
CONTACT = Answer(ContactPayload, "contact", Contact.from_row)
CUSTOMER = Answer(CustomerPayload, "customer", Customer.from_row)
DEAL = Answer(DealPayload, "deal", Deal.from_row)
LEAD = Answer(LeadPayload, "lead", Lead.from_row)
PIPELINE = Answer(PipelinePayload, "pipeline", Pipeline.from_row)
