"""Pipelines, their stages, deals and a deal's stage history as GraphQL types."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from enum import Enum
from typing import TYPE_CHECKING, Annotated, Any
from uuid import UUID

import strawberry

from api.admin.loaders import REFERENCED_USERS
from api.admin.types import User, user_reference, user_relation
from api.core.context import Info
from api.core.relay import Node, to_global_id, with_relations
from api.core.rows import column_values
from api.cost import at_most
from api.crm import loaders
from api.crm.types import (
    STAMPS,
    Contact,
    Customer,
    Lead,
    register_nodes,
)
from domain.crm import repository
from domain.crm.pipelines import MAX_STAGES
from domain.crm.repository import HISTORY_PER_DEAL

if TYPE_CHECKING:
    from api.sales.types import SalesOrder


@strawberry.enum
class DealStatus(Enum):
    OPEN = "open"
    WON = "won"
    LOST = "lost"


@strawberry.enum
class DealEvent(Enum):
    CREATED = "created"
    MOVED = "moved"
    WON = "won"
    LOST = "lost"
    REOPENED = "reopened"


@strawberry.type(description="A step of a pipeline, with the probability a deal in it gets.")
class PipelineStage(Node):
    __entity__ = "PipelineStage"

    uuid: strawberry.Private[UUID]
    name: str | None
    position: int | None
    probability: Decimal | None = strawberry.field(description="Percent, 0 to 100.")
    is_won: bool | None
    is_lost: bool | None

    @classmethod
    def from_row(cls, row: Any) -> PipelineStage:
        return cls(
            id=to_global_id("PipelineStage", row.id),
            uuid=row.id,
            **column_values(row, "name", "position", "probability", "is_won", "is_lost"),
        )


@strawberry.type(description="An ordered list of stages deals move through.")
class Pipeline(Node):
    __entity__ = "Pipeline"
    __children__ = {"stages": repository.CHILDREN["stages"]}

    uuid: strawberry.Private[UUID]
    name: str | None
    is_default: bool | None
    created_at: datetime | None
    updated_at: datetime | None
    version: int | None

    @classmethod
    def from_row(cls, row: Any) -> Pipeline:
        return cls(
            id=to_global_id("Pipeline", row.id),
            uuid=row.id,
            **column_values(row, "name", "is_default", *STAMPS),
        )

    @strawberry.field(description="In pipeline order.", metadata=at_most(MAX_STAGES))
    async def stages(self, info: Info) -> list[PipelineStage] | None:
        rows = await loaders.children(info, "stages", self.uuid)
        return [PipelineStage.from_row(r) for r in rows]


@strawberry.type(description="A stage change of a deal: who moved it, when, from where to where.")
class DealStageChange:
    # relations a deal's history loads at once when selected (api.core.loaders.prefetch)
    __prefetch__ = {
        "by": (REFERENCED_USERS, "by_id"),
        "fromStage": (loaders.ROWS["PipelineStage"], "from_id"),
        "toStage": (loaders.ROWS["PipelineStage"], "to_id"),
        "deal": (loaders.ROWS["Deal"], "deal_id"),
    }

    event: DealEvent
    at: datetime
    by_id: strawberry.Private[UUID | None]
    from_id: strawberry.Private[UUID | None]
    to_id: strawberry.Private[UUID]
    deal_id: strawberry.Private[UUID]

    @classmethod
    def from_row(cls, row: Any) -> DealStageChange:
        return cls(
            event=DealEvent(row.event),
            at=row.changed_at,
            by_id=row.changed_by,
            from_id=row.from_stage_id,
            to_id=row.to_stage_id,
            deal_id=row.deal_id,
        )

    @user_relation()
    def by(self, info: Info) -> User | None:
        return user_reference(info, self.by_id)

    @strawberry.field(description="Null for the event that created the deal.")
    def from_stage(self, info: Info) -> PipelineStage | None:
        return loaders.row(info, "PipelineStage", self.from_id, PipelineStage.from_row)

    @strawberry.field
    def to_stage(self, info: Info) -> PipelineStage | None:
        return loaders.row(info, "PipelineStage", self.to_id, PipelineStage.from_row)

    @strawberry.field(description="The deal, when it is in your record scope.")
    def deal(self, info: Info) -> Deal | None:
        return loaders.row(info, "Deal", self.deal_id, Deal.from_row)


@strawberry.type(description="An opportunity to sell to a customer, moving through a pipeline.")
class Deal(Node):
    __entity__ = "Deal"
    # relations a page of Deals loads at once when selected (api.core.loaders.prefetch)
    __prefetch__ = {
        "customer": (loaders.ROWS["Customer"], "customer_id"),
        "contact": (loaders.ROWS["Contact"], "contact_id"),
        "owner": (REFERENCED_USERS, "owner_id"),
        "pipeline": (loaders.ROWS["Pipeline"], "pipeline_id"),
        "stage": (loaders.ROWS["PipelineStage"], "stage_id"),
        "lead": (loaders.ROWS["Lead"], "lead_id"),
    }

    uuid: strawberry.Private[UUID]
    customer_id: strawberry.Private[UUID]
    contact_id: strawberry.Private[UUID | None]
    owner_id: strawberry.Private[UUID]
    pipeline_id: strawberry.Private[UUID]
    stage_id: strawberry.Private[UUID]
    lead_id: strawberry.Private[UUID | None]
    title: str | None
    amount: Decimal | None = strawberry.field(description="In `currency`.")
    currency: str | None
    probability: Decimal | None = strawberry.field(
        description="Percent, 0 to 100; the stage's default unless set on the deal."
    )
    expected_close_on: date | None
    status: DealStatus | None
    closed_at: datetime | None
    lost_reason: str | None
    created_at: datetime | None
    updated_at: datetime | None
    version: int | None

    @classmethod
    def from_row(cls, row: Any) -> Deal:
        return cls(
            id=to_global_id("Deal", row.id),
            uuid=row.id,
            status=DealStatus(row.status),
            **column_values(
                row, "customer_id", "contact_id", "owner_id", "pipeline_id", "stage_id"
            ),
            **column_values(row, "lead_id", "title", "amount", "currency", "probability"),
            **column_values(row, "expected_close_on", "closed_at", "lost_reason", *STAMPS),
        )

    @strawberry.field
    def customer(self, info: Info) -> Customer | None:
        return loaders.row(info, "Customer", self.customer_id, Customer.from_row)

    @strawberry.field
    def contact(self, info: Info) -> Contact | None:
        return loaders.row(info, "Contact", self.contact_id, Contact.from_row)

    @user_relation()
    def owner(self, info: Info) -> User | None:
        return user_reference(info, self.owner_id)

    @strawberry.field
    def pipeline(self, info: Info) -> Pipeline | None:
        return loaders.row(info, "Pipeline", self.pipeline_id, Pipeline.from_row)

    @strawberry.field
    def stage(self, info: Info) -> PipelineStage | None:
        return loaders.row(info, "PipelineStage", self.stage_id, PipelineStage.from_row)

    @strawberry.field(description="The lead this deal was converted from, if any.")
    def lead(self, info: Info) -> Lead | None:
        return loaders.row(info, "Lead", self.lead_id, Lead.from_row)

    @strawberry.field(
        description=f"The latest {HISTORY_PER_DEAL} stage changes, oldest first.",
        metadata=at_most(HISTORY_PER_DEAL),
    )
    async def history(self, info: Info) -> list[DealStageChange] | None:
        rows = await loaders.history(info, self.uuid)
        return await with_relations(info, [DealStageChange.from_row(r) for r in rows])

    @strawberry.field(description="The sales order made from this deal (in your scope), if any.")
    async def order(
        self, info: Info
    ) -> Annotated[SalesOrder, strawberry.lazy("api.sales.types")] | None:
        from api.sales.types import order_of_deal

        return await order_of_deal(info, self.uuid)


register_nodes(Deal, Pipeline, PipelineStage)
