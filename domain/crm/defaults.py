"""What every new tenant starts with in the front office: the default sales pipeline."""

from __future__ import annotations

from decimal import Decimal
from uuid import UUID

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncConnection

from domain.crm.models import pipeline_stages, pipelines

# name, probability %, won, lost
DEFAULT_STAGES: tuple[tuple[str, str, bool, bool], ...] = (
    ("Qualification", "10", False, False),
    ("Needs analysis", "25", False, False),
    ("Proposal", "50", False, False),
    ("Negotiation", "75", False, False),
    ("Won", "100", True, False),
    ("Lost", "0", False, True),
)


async def seed_defaults(conn: AsyncConnection, tenant_id: UUID) -> None:
    pipeline_id = (
        await conn.execute(
            sa.insert(pipelines)
            .values(tenant_id=tenant_id, name="Sales", is_default=True)
            .returning(pipelines.c.id)
        )
    ).scalar_one()
    await conn.execute(
        sa.insert(pipeline_stages),
        [
            {
                "tenant_id": tenant_id,
                "pipeline_id": pipeline_id,
                "name": name,
                "position": position,
                "probability": Decimal(probability),
                "is_won": won,
                "is_lost": lost,
            }
            for position, (name, probability, won, lost) in enumerate(DEFAULT_STAGES)
        ],
    )
