"""Typed `filter:` and `orderBy:` inputs of the CRM lists. Keys are catalog fields, or
declare in `__reveals__` which fields they reveal, so the guard in api.core.access refuses a
filter or sort key on a field the role cannot read. `search` covers the fields of
`domain.crm.repository.SEARCHED` that the role may read (`__searches__`)."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from enum import Enum
from typing import Any
from uuid import UUID

import strawberry
from strawberry import UNSET

from api.core.access import searched
from api.core.inputs import has_value, sent_or_none
from api.core.relay import from_global_id, from_optional_global_id
from api.crm.deal_types import DealStatus
from api.crm.types import ActivityKind, CustomerKind, LeadStatus
from api.ordering import OrderDirection
from domain.crm.report import ReportFilter
from domain.crm.repository import SEARCHED, Filter, Sort


def _ids(values: Any, type_name: str) -> list[UUID] | None:
    return [from_global_id(v, type_name)[1] for v in values] if has_value(values) else None


def _enums(values: Any) -> list[str] | None:
    return [v.value for v in values] if has_value(values) else None


@strawberry.input(description="Inclusive bounds; either may be left out.")
class DecimalRange:
    min: Decimal | None = UNSET
    max: Decimal | None = UNSET


@strawberry.input(description="Inclusive dates; either may be left out.")
class DateRange:
    from_: date | None = strawberry.field(default=UNSET, name="from")
    to: date | None = UNSET


@strawberry.input
class LeadFilter:
    __entity__ = "Lead"
    __reveals__ = {"ownedByMe": ("owner",)}
    __searches__ = {"search": SEARCHED["Lead"]}

    search: str | None = strawberry.field(
        default=UNSET, description="In name, company, email (those your role may read)."
    )
    status: list[LeadStatus] | None = UNSET
    source: str | None = UNSET
    owner: list[strawberry.ID] | None = UNSET
    owned_by_me: bool | None = UNSET

    def to_domain(self, user_id: UUID) -> Filter:
        return Filter(
            search=searched(self.search),
            status=_enums(self.status),
            source=sent_or_none(self.source),
            owner_ids=[user_id] if self.owned_by_me else _ids(self.owner, "User"),
        )


@strawberry.input
class CustomerFilter:
    __entity__ = "Customer"
    __searches__ = {"search": SEARCHED["Customer"]}

    search: str | None = strawberry.field(
        default=UNSET, description="In name and email (those your role may read)."
    )
    kind: list[CustomerKind] | None = UNSET
    owner: list[strawberry.ID] | None = UNSET

    def to_domain(self, user_id: UUID) -> Filter:
        return Filter(
            search=searched(self.search),
            kind=_enums(self.kind),
            owner_ids=_ids(self.owner, "User"),
        )


@strawberry.input
class ContactFilter:
    __entity__ = "Contact"
    __searches__ = {"search": SEARCHED["Contact"]}

    search: str | None = strawberry.field(
        default=UNSET, description="In name, email and title (those your role may read)."
    )
    customer: strawberry.ID | None = UNSET

    def to_domain(self, user_id: UUID) -> Filter:
        return Filter(
            search=searched(self.search),
            customer_id=from_optional_global_id(sent_or_none(self.customer), "Customer"),
        )


@strawberry.input
class DealFilter:
    __entity__ = "Deal"
    __reveals__ = {"ownedByMe": ("owner",)}
    __searches__ = {"search": SEARCHED["Deal"]}

    search: str | None = strawberry.field(default=UNSET, description="In the title.")
    status: list[DealStatus] | None = UNSET
    owner: list[strawberry.ID] | None = UNSET
    owned_by_me: bool | None = UNSET
    customer: strawberry.ID | None = UNSET
    pipeline: strawberry.ID | None = UNSET
    stage: list[strawberry.ID] | None = UNSET
    amount: DecimalRange | None = UNSET
    expected_close_on: DateRange | None = UNSET

    def to_domain(self, user_id: UUID) -> Filter:
        amount = sent_or_none(self.amount) or DecimalRange()
        close = sent_or_none(self.expected_close_on) or DateRange()
        return Filter(
            search=searched(self.search),
            status=_enums(self.status),
            owner_ids=[user_id] if self.owned_by_me else _ids(self.owner, "User"),
            customer_id=from_optional_global_id(sent_or_none(self.customer), "Customer"),
            pipeline_id=from_optional_global_id(sent_or_none(self.pipeline), "Pipeline"),
            stage_ids=_ids(self.stage, "PipelineStage"),
            amount_min=sent_or_none(amount.min),
            amount_max=sent_or_none(amount.max),
            close_from=sent_or_none(close.from_),
            close_to=sent_or_none(close.to),
        )


@strawberry.input(description="My overdue follow-ups: `{assignedToMe: true, overdue: true}`.")
class ActivityFilter:
    __entity__ = "Activity"
    __searches__ = {"search": SEARCHED["Activity"]}
    __reveals__ = {
        "assignedToMe": ("assignedTo",),
        "overdue": ("dueAt", "completedAt"),
        "completed": ("completedAt",),
        "dueBefore": ("dueAt",),
    }

    search: str | None = strawberry.field(default=UNSET, description="In the subject.")
    kind: list[ActivityKind] | None = UNSET
    assigned_to: list[strawberry.ID] | None = UNSET
    assigned_to_me: bool | None = UNSET
    overdue: bool | None = UNSET
    completed: bool | None = UNSET
    due_before: datetime | None = UNSET
    lead: strawberry.ID | None = UNSET
    deal: strawberry.ID | None = UNSET
    customer: strawberry.ID | None = UNSET

    def to_domain(self, user_id: UUID) -> Filter:
        return Filter(
            search=searched(self.search),
            kind=_enums(self.kind),
            owner_ids=[user_id] if self.assigned_to_me else _ids(self.assigned_to, "User"),
            overdue=sent_or_none(self.overdue),
            completed=sent_or_none(self.completed),
            due_before=sent_or_none(self.due_before),
            lead_id=from_optional_global_id(sent_or_none(self.lead), "Lead"),
            deal_id=from_optional_global_id(sent_or_none(self.deal), "Deal"),
            customer_id=from_optional_global_id(sent_or_none(self.customer), "Customer"),
        )


@strawberry.input
class PipelineFilter:
    __entity__ = "Pipeline"

    is_default: bool | None = UNSET

    def to_domain(self, user_id: UUID) -> Filter:
        return Filter(is_default=sent_or_none(self.is_default))


@strawberry.input(description="Which deals the pipeline report covers.")
class PipelineReportFilter:
    __entity__ = "Deal"  # it filters deals: the keys are Deal fields
    __reveals__ = {"ownedByMe": ("owner",)}

    pipeline: strawberry.ID | None = strawberry.field(
        default=UNSET, description="The default pipeline when left out."
    )
    owner: list[strawberry.ID] | None = UNSET
    owned_by_me: bool | None = UNSET
    status: list[DealStatus] | None = UNSET
    expected_close_on: DateRange | None = UNSET

    def to_domain(self, user_id: UUID) -> ReportFilter:
        close = sent_or_none(self.expected_close_on) or DateRange()
        return ReportFilter(
            pipeline_id=from_optional_global_id(sent_or_none(self.pipeline), "Pipeline"),
            owner_ids=[user_id] if self.owned_by_me else _ids(self.owner, "User"),
            close_from=sent_or_none(close.from_),
            close_to=sent_or_none(close.to),
            status=_enums(self.status),
        )


# ----------------------------------------------------------------------------- orderBy
@strawberry.enum(description="Sort keys of leads, customers, contacts and pipelines.")
class NameOrderField(Enum):
    CREATED_AT = "createdAt"
    NAME = "name"


@strawberry.enum
class DealOrderField(Enum):
    CREATED_AT = "createdAt"
    TITLE = "title"
    AMOUNT = "amount"
    EXPECTED_CLOSE_ON = "expectedCloseOn"


@strawberry.enum
class ActivityOrderField(Enum):
    CREATED_AT = "createdAt"
    DUE_AT = "dueAt"


@strawberry.input
class LeadOrder:
    __entity__ = "Lead"
    field: NameOrderField
    direction: OrderDirection = OrderDirection.ASC


@strawberry.input
class CustomerOrder:
    __entity__ = "Customer"
    field: NameOrderField
    direction: OrderDirection = OrderDirection.ASC


@strawberry.input
class ContactOrder:
    __entity__ = "Contact"
    field: NameOrderField
    direction: OrderDirection = OrderDirection.ASC


@strawberry.input
class DealOrder:
    __entity__ = "Deal"
    field: DealOrderField
    direction: OrderDirection = OrderDirection.ASC


@strawberry.input
class ActivityOrder:
    __entity__ = "Activity"
    field: ActivityOrderField
    direction: OrderDirection = OrderDirection.ASC


@strawberry.input
class PipelineOrder:
    __entity__ = "Pipeline"
    field: NameOrderField
    direction: OrderDirection = OrderDirection.ASC


def sort(order: Any) -> Sort | None:
    if not has_value(order):
        return None
    return Sort(field=order.field.value, descending=order.direction == OrderDirection.DESC)
