"""Helpers the CRM API tests share: create records through the API, count rows directly."""

from __future__ import annotations

from decimal import Decimal
from typing import Any
from uuid import UUID

import sqlalchemy as sa

from api.core.relay import from_global_id
from domain.crm.models import customers, deals, pipeline_stages, pipelines

ERRORS = "userErrors { field code message }"


def uuid_of(global_id: str) -> UUID:
    return from_global_id(global_id)[1]


async def mutate(gql: Any, name: str, input: dict[str, Any], token: str, select: str) -> Any:
    """Run `name(input:)` and return its payload."""
    query = f"mutation($input: {name[0].upper()}{name[1:]}Input!) {{ {name}(input: $input) {{ {select} {ERRORS} }} }}"
    result = await gql(query, {"input": input}, token=token)
    assert result.status == 200 and not result.errors, result.body
    return result.data[name]


async def ok(gql: Any, name: str, input: dict[str, Any], token: str, select: str) -> Any:
    payload = await mutate(gql, name, input, token, select)
    assert payload["userErrors"] == [], payload
    return payload


async def create_lead(gql: Any, token: str, **values: Any) -> dict[str, Any]:
    input = {"name": "Ada Lovelace", **values}
    payload = await ok(gql, "createLead", input, token, "lead { id name email status version }")
    return payload["lead"]


async def create_customer(gql: Any, token: str, **values: Any) -> dict[str, Any]:
    input = {"name": "Initech", **values}
    payload = await ok(gql, "createCustomer", input, token, "customer { id name version }")
    return payload["customer"]


async def create_deal(gql: Any, token: str, customer: str, **values: Any) -> dict[str, Any]:
    input = {"title": "Big one", "customer": customer, "amount": "1000", "currency": "EUR"}
    select = "deal { id title amount version status stage { id name } }"
    return (await ok(gql, "createDeal", {**input, **values}, token, select))["deal"]


async def stages(gql: Any, token: str) -> dict[str, str]:
    """The default pipeline's stage ids by name."""
    query = "{ pipelines(filter: {isDefault: true}) { nodes { stages { id name } } } }"
    data = (await gql(query, token=token)).ok()
    return {s["name"]: s["id"] for s in data["pipelines"]["nodes"][0]["stages"]}


async def count(tenant: Any, table: sa.Table, *where: Any) -> int:
    async with tenant.session() as conn:
        return int(await conn.scalar(sa.select(sa.func.count()).select_from(table).where(*where)))


async def row(tenant: Any, table: sa.Table, id: str) -> Any:
    async with tenant.session() as conn:
        return (await conn.execute(sa.select(table).where(table.c.id == uuid_of(id)))).one()


async def seed_deals(tenant: Any, owner_id: UUID, n: int) -> None:
    """`n` deals of `owner_id`, each with its own customer, in two statements."""
    async with tenant.session() as conn:
        pipeline = await conn.scalar(sa.select(pipelines.c.id).where(pipelines.c.is_default))
        stage_ids = list(
            await conn.scalars(
                sa.select(pipeline_stages.c.id)
                .where(pipeline_stages.c.pipeline_id == pipeline)
                .order_by(pipeline_stages.c.position)
                .limit(4)
            )
        )
        customer_ids = list(
            await conn.scalars(
                sa.insert(customers).returning(customers.c.id),
                [
                    {"tenant_id": tenant.id, "name": f"Customer {i}", "kind": "company"}
                    for i in range(n)
                ],
            )
        )
        await conn.execute(
            sa.insert(deals),
            [
                {
                    "tenant_id": tenant.id,
                    "title": f"Deal {i}",
                    "customer_id": customer_id,
                    "owner_id": owner_id,
                    "pipeline_id": pipeline,
                    "stage_id": stage_ids[i % len(stage_ids)],
                    "amount": Decimal(100 * (i + 1)),
                    "currency": "EUR",
                    "probability": Decimal(10),
                }
                for i, customer_id in enumerate(customer_ids)
            ],
        )
