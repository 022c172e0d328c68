"""Mutation inputs of the CRM. Optional fields default to UNSET, so only the keys a client
sends reach the write check (api.core.access) and the service; an explicit null clears."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

import strawberry
from strawberry import UNSET

from api.core.inputs import LOCATORS, sent_items
from api.core.relay import local_id
from api.crm.types import ActivityKind, CustomerKind, LeadStatus
from domain.naming import snake_to_camel

# input attribute holding a global id -> type of the id
REFS = {
    "owner": "User",
    "customer": "Customer",
    "contact": "Contact",
    "pipeline": "Pipeline",
    "stage": "PipelineStage",
    "assigned_to": "User",
    "lead": "Lead",
    "deal": "Deal",
}
# input names -> service argument names
ARGUMENTS = {name: f"{name}_id" for name in REFS if name != "assigned_to"}


def _plain(value: Any) -> Any:
    if isinstance(value, AddressInput):
        return value.to_json()
    return getattr(value, "value", value)  # enums to their values


def sent(input: Any) -> dict[str, Any]:
    """The keys the client sent (python names), global ids decoded: a bad one raises a
    NOT_FOUND domain error, so call this inside the service call."""
    values: dict[str, Any] = {}
    for name, value in sent_items(input, LOCATORS):
        if name in REFS and value is not None:
            value = local_id(value, REFS[name], snake_to_camel(name))
        values[name] = _plain(value)
    return values


def arguments(input: Any, **extra: str) -> dict[str, Any]:
    """`sent(input)` keyed by the service's argument names."""
    names = ARGUMENTS | extra
    return {names.get(k, k): v for k, v in sent(input).items()}


def target(input: Any) -> Any:
    """The row a mutation acts on (its `id`), as a uuid."""
    return local_id(input.id, type(input).__entity__, "id")


@strawberry.input
class AddressInput:
    line1: str | None = None
    line2: str | None = None
    city: str | None = None
    region: str | None = None
    postal_code: str | None = None
    country: str | None = strawberry.field(default=None, description="ISO 3166 alpha-2.")

    def to_json(self) -> dict[str, Any]:
        return {
            "line1": self.line1,
            "line2": self.line2,
            "city": self.city,
            "region": self.region,
            "postalCode": self.postal_code,
            "country": self.country,
        }


# ----------------------------------------------------------------------------- leads
@strawberry.input
class CreateLeadInput:
    __entity__ = "Lead"
    name: str
    company: str | None = UNSET
    email: str | None = UNSET
    phone: str | None = UNSET
    source: str | None = UNSET
    status: LeadStatus | None = UNSET
    owner: strawberry.ID | None = strawberry.field(default=UNSET, description="You by default.")
    notes: str | None = UNSET


@strawberry.input
class UpdateLeadInput:
    __entity__ = "Lead"
    id: strawberry.ID
    version: int
    name: str | None = UNSET
    company: str | None = UNSET
    email: str | None = UNSET
    phone: str | None = UNSET
    source: str | None = UNSET
    status: LeadStatus | None = UNSET
    owner: strawberry.ID | None = UNSET
    notes: str | None = UNSET


@strawberry.input(description="The deal to open when converting a lead.")
class ConvertLeadDealInput:
    __entity__ = "Deal"
    title: str | None = strawberry.field(default=UNSET, description="From the lead by default.")
    amount: Decimal
    currency: str
    pipeline: strawberry.ID | None = UNSET
    stage: strawberry.ID | None = UNSET
    expected_close_on: date | None = UNSET


@strawberry.input(description="Customer and contact from the lead, plus a deal if `deal` is given.")
class ConvertLeadInput:
    __entity__ = "Lead"
    __writes__ = {"deal": ()}  # its own fields are checked as Deal fields
    id: strawberry.ID
    version: int | None = UNSET
    deal: ConvertLeadDealInput | None = UNSET


# ------------------------------------------------------------------ customers, contacts
@strawberry.input(description="Customer fields both createCustomer and updateCustomer take.")
class CustomerFields:
    __entity__ = "Customer"
    email: str | None = UNSET
    phone: str | None = UNSET
    tax_id: str | None = UNSET
    owner: strawberry.ID | None = UNSET
    billing_address: AddressInput | None = UNSET
    shipping_address: AddressInput | None = UNSET
    notes: str | None = UNSET
    credit_limit: Decimal | None = strawberry.field(
        default=UNSET, description="In `creditCurrency`."
    )
    credit_currency: str | None = UNSET
    payment_terms_days: int | None = UNSET


@strawberry.input
class CreateCustomerInput(CustomerFields):
    name: str
    kind: CustomerKind | None = strawberry.field(default=UNSET, description="COMPANY by default.")


@strawberry.input
class UpdateCustomerInput(CustomerFields):
    id: strawberry.ID
    version: int
    name: str | None = UNSET
    kind: CustomerKind | None = UNSET


@strawberry.input
class CreateContactInput:
    __entity__ = "Contact"
    customer: strawberry.ID
    name: str
    email: str | None = UNSET
    phone: str | None = UNSET
    title: str | None = UNSET
    owner: strawberry.ID | None = UNSET


@strawberry.input
class UpdateContactInput:
    __entity__ = "Contact"
    id: strawberry.ID
    version: int
    name: str | None = UNSET
    email: str | None = UNSET
    phone: str | None = UNSET
    title: str | None = UNSET
    owner: strawberry.ID | None = UNSET


# ----------------------------------------------------------------------------- deals
@strawberry.input
class CreateDealInput:
    __entity__ = "Deal"
    title: str
    customer: strawberry.ID
    amount: Decimal
    currency: str
    contact: strawberry.ID | None = UNSET
    owner: strawberry.ID | None = strawberry.field(default=UNSET, description="You by default.")
    pipeline: strawberry.ID | None = strawberry.field(
        default=UNSET, description="The stage's pipeline, else the default pipeline."
    )
    stage: strawberry.ID | None = strawberry.field(
        default=UNSET, description="The pipeline's first open stage by default."
    )
    probability: Decimal | None = strawberry.field(
        default=UNSET, description="Percent; the stage's by default."
    )
    expected_close_on: date | None = UNSET


@strawberry.input(description="Move a deal with `moveDealStage`, `winDeal`, `loseDeal`.")
class UpdateDealInput:
    __entity__ = "Deal"
    id: strawberry.ID
    version: int
    title: str | None = UNSET
    customer: strawberry.ID | None = UNSET
    contact: strawberry.ID | None = UNSET
    owner: strawberry.ID | None = UNSET
    amount: Decimal | None = UNSET
    currency: str | None = UNSET
    probability: Decimal | None = UNSET
    expected_close_on: date | None = UNSET


@strawberry.input
class MoveDealStageInput:
    __entity__ = "Deal"
    id: strawberry.ID
    stage: strawberry.ID = strawberry.field(description="A stage of the deal's pipeline.")
    version: int | None = UNSET


@strawberry.input
class WinDealInput:
    __entity__ = "Deal"
    id: strawberry.ID
    version: int | None = UNSET


@strawberry.input
class LoseDealInput:
    __entity__ = "Deal"
    __writes__ = {"reason": ()}  # the `lose` action governs it (lostReason is read-only)
    id: strawberry.ID
    reason: str
    version: int | None = UNSET


# ------------------------------------------------------------------------ activities
@strawberry.input(
    description="Link it to a lead, a deal or a customer (a deal's customer by default)."
)
class LogActivityInput:
    __entity__ = "Activity"
    __writes__ = {"done": ()}
    kind: ActivityKind
    subject: str
    notes: str | None = UNSET
    due_at: datetime | None = UNSET
    assigned_to: strawberry.ID | None = strawberry.field(
        default=UNSET, description="You by default."
    )
    lead: strawberry.ID | None = UNSET
    deal: strawberry.ID | None = UNSET
    customer: strawberry.ID | None = UNSET
    done: bool | None = strawberry.field(
        default=UNSET, description="Log something already done (a call that took place)."
    )


@strawberry.input
class CompleteActivityInput:
    __entity__ = "Activity"
    id: strawberry.ID
    version: int | None = UNSET


# ------------------------------------------------------------------------- pipelines
@strawberry.input(description="Stages are given in pipeline order.")
class PipelineStageInput:
    __entity__ = "PipelineStage"
    id: strawberry.ID | None = strawberry.field(
        default=UNSET, description="An existing stage of this pipeline (updatePipeline)."
    )
    name: str
    probability: Decimal = strawberry.field(description="Percent, 0 to 100.")
    is_won: bool | None = UNSET
    is_lost: bool | None = UNSET


@strawberry.input
class CreatePipelineInput:
    __entity__ = "Pipeline"
    name: str
    stages: list[PipelineStageInput]
    is_default: bool | None = UNSET


@strawberry.input(description="`stages`, when given, replaces the list (ids keep existing stages).")
class UpdatePipelineInput:
    __entity__ = "Pipeline"
    id: strawberry.ID
    version: int
    name: str | None = UNSET
    is_default: bool | None = UNSET
    stages: list[PipelineStageInput] | None = UNSET
