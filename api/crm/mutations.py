"""CRM mutations for leads, customers, contacts and activities (deals and pipelines are in
api/crm/deal_mutations.py). Each parses its input and calls one service inside
`respond` (api/core/payloads.py): a domain error rolls back everything the call wrote and becomes userErrors.
Ids in inputs are decoded inside the call, so a bad one is a NOT_FOUND userError."""

from __future__ import annotations

from typing import Any

import strawberry
from strawberry.tools import merge_types

from api.core.context import Info
from api.core.inputs import has_value
from api.core.payloads import respond
from api.crm.deal_mutations import DealMutation, version_of
from api.crm.inputs import (
    CompleteActivityInput,
    ConvertLeadInput,
    CreateContactInput,
    CreateCustomerInput,
    CreateLeadInput,
    LogActivityInput,
    UpdateContactInput,
    UpdateCustomerInput,
    UpdateLeadInput,
    arguments,
    target,
)
from api.crm.payloads import (
    ACTIVITY,
    CONTACT,
    CONVERTED_LEAD,
    CUSTOMER,
    LEAD,
    ActivityPayload,
    ContactPayload,
    ConvertLeadPayload,
    CustomerPayload,
    LeadPayload,
)
from api.errors import forbidden
from domain.crm import activities, customers, leads


@strawberry.type
class FrontOfficeMutation:
    @strawberry.mutation(metadata={"access": ("Lead", "create")})
    async def create_lead(self, info: Info, input: CreateLeadInput) -> LeadPayload:
        ctx = info.context
        return await respond(
            info,
            LEAD,
            lambda: leads.create_lead(
                ctx.db, ctx.require_actor(), leads.LeadDraft(**arguments(input))
            ),
        )

    @strawberry.mutation(metadata={"access": ("Lead", "update")})
    async def update_lead(self, info: Info, input: UpdateLeadInput) -> LeadPayload:
        ctx = info.context
        return await respond(
            info,
            LEAD,
            lambda: leads.update_lead(
                ctx.db,
                ctx.require_actor(),
                target(input),
                input.version,
                **arguments(input, email="email_address"),
            ),
        )

    @strawberry.mutation(
        metadata={"access": ("Lead", "convert")},
        description="A customer and a contact (and a deal when `deal` is given) from a lead, "
        "in one transaction.",
    )
    async def convert_lead(self, info: Info, input: ConvertLeadInput) -> ConvertLeadPayload:
        ctx = info.context
        deal = input.deal if has_value(input.deal) else None
        for entity in ("Customer", "Contact", *(("Deal",) if deal else ())):
            if not ctx.policy.can(entity, "create"):
                raise forbidden(f"Your role may not create {entity}, which converting does.")

        async def call() -> Any:
            opened = leads.ConversionDeal(**arguments(deal)) if deal is not None else None
            actor = ctx.require_actor()
            return await leads.convert_lead(ctx.db, actor, target(input), version_of(input), opened)

        return await respond(info, CONVERTED_LEAD, call)

    @strawberry.mutation(metadata={"access": ("Customer", "create")})
    async def create_customer(self, info: Info, input: CreateCustomerInput) -> CustomerPayload:
        ctx = info.context
        return await respond(
            info,
            CUSTOMER,
            lambda: customers.create_customer(
                ctx.db, ctx.require_actor(), customers.CustomerDraft(**arguments(input))
            ),
        )

    @strawberry.mutation(metadata={"access": ("Customer", "update")})
    async def update_customer(self, info: Info, input: UpdateCustomerInput) -> CustomerPayload:
        ctx = info.context
        return await respond(
            info,
            CUSTOMER,
            lambda: customers.update_customer(
                ctx.db, ctx.require_actor(), target(input), input.version, arguments(input)
            ),
        )

    @strawberry.mutation(metadata={"access": ("Contact", "create")})
    async def create_contact(self, info: Info, input: CreateContactInput) -> ContactPayload:
        ctx = info.context
        return await respond(
            info,
            CONTACT,
            lambda: customers.create_contact(
                ctx.db, ctx.require_actor(), **arguments(input, email="email_address")
            ),
        )

    @strawberry.mutation(metadata={"access": ("Contact", "update")})
    async def update_contact(self, info: Info, input: UpdateContactInput) -> ContactPayload:
        ctx = info.context
        return await respond(
            info,
            CONTACT,
            lambda: customers.update_contact(
                ctx.db, ctx.require_actor(), target(input), input.version, arguments(input)
            ),
        )

    @strawberry.mutation(metadata={"access": ("Activity", "create")})
    async def log_activity(self, info: Info, input: LogActivityInput) -> ActivityPayload:
        ctx = info.context
        return await respond(
            info,
            ACTIVITY,
            lambda: activities.log_activity(
                ctx.db,
                ctx.require_actor(),
                activities.ActivityDraft(**arguments(input, done="completed")),
            ),
        )

    @strawberry.mutation(metadata={"access": ("Activity", "complete")})
    async def complete_activity(self, info: Info, input: CompleteActivityInput) -> ActivityPayload:
        ctx = info.context
        return await respond(
            info,
            ACTIVITY,
            lambda: activities.complete_activity(
                ctx.db, ctx.require_actor(), target(input), version_of(input)
            ),
        )


Mutation = merge_types("Mutation", (FrontOfficeMutation, DealMutation))
