"""Mutation payloads of the CRM: the record written (null when nothing was) and userErrors."""

from __future__ import annotations

import strawberry

from api.core.payloads import UserError
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
