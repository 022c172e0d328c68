"""Pipelines: the seeded default, per-tenant pipelines managed by sales managers."""

from __future__ import annotations

import pytest

from domain.crm.models import pipeline_stages, pipelines
from tests.support.crm import count, create_customer, create_deal, mutate, ok, row

PIPELINE = (
    "pipeline { id name isDefault version stages { id name position probability isWon isLost } }"
)
STAGES = [
    {"name": "Discovery", "probability": "20"},
    {"name": "Signed", "probability": "100", "isWon": True},
    {"name": "Dropped", "probability": "0", "isLost": True},
]


async def test_every_tenant_starts_with_the_default_pipeline(gql, tenant, other_tenant):
    query = "{ pipelines { nodes { id name isDefault stages { name probability } } } }"
    mine = (await gql(query, token=await tenant.token_for("sales_rep"))).ok()["pipelines"]["nodes"]
    theirs = (await gql(query, token=other_tenant.admin_token)).ok()["pipelines"]["nodes"]
    assert [(p["name"], p["isDefault"]) for p in mine] == [("Sales", True)]
    assert [s["name"] for s in mine[0]["stages"]][:2] == ["Qualification", "Needs analysis"]
    assert mine[0]["id"] != theirs[0]["id"]


async def test_manager_creates_and_reorders_a_pipeline(gql, tenant):
    manager = await tenant.token_for("sales_manager")
    made = (
        await ok(
            gql,
            "createPipeline",
            {"name": "Renewals", "stages": STAGES, "isDefault": True},
            manager,
            PIPELINE,
        )
    )["pipeline"]
    assert [s["position"] for s in made["stages"]] == [0, 1, 2] and made["isDefault"]
    query = "{ pipelines(filter: {isDefault: true}) { nodes { name } } }"
    assert (await gql(query, token=manager)).ok()["pipelines"]["nodes"] == [{"name": "Renewals"}]

    discovery, signed, dropped = made["stages"]
    stages = [
        {"id": discovery["id"], "name": "Discovery", "probability": "20"},
        {"name": "Proposal", "probability": "60"},
        {"id": signed["id"], "name": "Signed", "probability": "100", "isWon": True},
        {"id": dropped["id"], "name": "Dropped", "probability": "0", "isLost": True},
    ]
    updated = (
        await ok(
            gql,
            "updatePipeline",
            {"id": made["id"], "version": 1, "stages": stages},
            manager,
            PIPELINE,
        )
    )["pipeline"]
    assert [(s["name"], s["position"]) for s in updated["stages"]] == [
        ("Discovery", 0),
        ("Proposal", 1),
        ("Signed", 2),
        ("Dropped", 3),
    ]
    stale = await mutate(
        gql, "updatePipeline", {"id": made["id"], "version": 1, "name": "X"}, manager, PIPELINE
    )
    assert stale["userErrors"][0]["code"] == "CONFLICT"


async def test_a_stage_a_deal_passed_through_cannot_be_removed(gql, tenant):
    admin = tenant.admin_token
    made = (
        await ok(gql, "createPipeline", {"name": "Renewals", "stages": STAGES}, admin, PIPELINE)
    )["pipeline"]
    customer = await create_customer(gql, admin)
    deal = await create_deal(gql, admin, customer["id"], pipeline=made["id"])
    await ok(gql, "winDeal", {"id": deal["id"]}, admin, "deal { id }")  # Discovery -> Signed
    stages = [{"name": "Fresh", "probability": "10"}] + [
        {
            "id": s["id"],
            "name": s["name"],
            "probability": s["probability"],
            "isWon": s["isWon"],
            "isLost": s["isLost"],
        }
        for s in made["stages"][1:]
    ]
    payload = await mutate(
        gql, "updatePipeline", {"id": made["id"], "version": 1, "stages": stages}, admin, PIPELINE
    )
    assert payload["userErrors"][0]["code"] == "STAGE_IN_USE"


async def test_a_stage_with_deals_cannot_be_removed(gql, tenant):
    admin = tenant.admin_token
    made = (
        await ok(gql, "createPipeline", {"name": "Renewals", "stages": STAGES}, admin, PIPELINE)
    )["pipeline"]
    customer = await create_customer(gql, admin)
    await create_deal(gql, admin, customer["id"], pipeline=made["id"])
    stages = [
        {
            "id": s["id"],
            "name": s["name"],
            "probability": s["probability"],
            "isWon": s["isWon"],
            "isLost": s["isLost"],
        }
        for s in made["stages"][1:]
    ]
    stages.insert(0, {"name": "Fresh", "probability": "10"})  # Discovery, with the deal, left out
    payload = await mutate(
        gql, "updatePipeline", {"id": made["id"], "version": 1, "stages": stages}, admin, PIPELINE
    )
    assert payload["userErrors"][0]["code"] == "STAGE_IN_USE"
    assert (
        await count(
            tenant,
            pipeline_stages,
            pipeline_stages.c.pipeline_id == (await row(tenant, pipelines, made["id"])).id,
        )
        == 3
    )


@pytest.mark.parametrize(
    ("stages", "field"),
    [
        ([], "stages"),
        ([{"name": "A", "probability": "101"}], "stages.probability"),
        ([{"name": "A", "probability": "5"}, {"name": "a", "probability": "5"}], "stages.name"),
        ([{"name": "Won", "probability": "100", "isWon": True}], "stages"),
    ],
)
async def test_bad_stages_write_nothing(gql, tenant, stages, field):
    payload = await mutate(
        gql, "createPipeline", {"name": "P", "stages": stages}, tenant.admin_token, PIPELINE
    )
    assert payload["userErrors"][0]["field"] == field
    assert await count(tenant, pipelines) == 1


@pytest.mark.parametrize("role", ["sales_rep", "accountant"])
async def test_only_managers_shape_pipelines(gql, tenant, role):
    token = await tenant.token_for(role)
    result = await gql(
        "mutation($input: CreatePipelineInput!) { createPipeline(input: $input) { pipeline { id } } }",
        {"input": {"name": "Mine", "stages": STAGES}},
        token=token,
    )
    assert result.codes == ["FORBIDDEN"]
    assert await count(tenant, pipelines) == 1
