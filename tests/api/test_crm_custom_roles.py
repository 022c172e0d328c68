"""A custom role that reads deals without their amounts: filters, sort keys, fields and
writes that would reveal or change what it may not read are FORBIDDEN."""

from __future__ import annotations

from domain.crm.models import deals
from tests.support.admin import custom_role, grant, holder_of
from tests.support.crm import create_customer, create_deal, row

NO_AMOUNT = ["title", "customer", "owner", "stage", "status", "lead", "createdAt", "version"]


async def test_deal_reader_without_amounts(gql, tenant):
    admin = tenant.admin_token
    deal = await create_deal(
        gql, admin, (await create_customer(gql, admin))["id"], title="Secret size"
    )
    role = await custom_role(
        gql,
        tenant,
        "pipeline_viewer",
        grant("Deal", ["read", "update"], NO_AMOUNT, ["title"]),
        grant("Customer", ["read"], ["name"]),
        grant("PipelineStage", ["read"], ["name"]),
    )
    _, token = await holder_of(gql, tenant, role)

    data = (
        await gql("{ deals { nodes { title customer { name } stage { name } } } }", token=token)
    ).ok()
    assert data["deals"]["nodes"] == [
        {
            "title": "Secret size",
            "customer": {"name": "Initech"},
            "stage": {"name": "Qualification"},
        }
    ]
    result = await gql("{ deals { nodes { title amount } } }", token=token)
    assert result.error_paths("FORBIDDEN") == [["deals", "nodes", 0, "amount"]]
    assert result.data["deals"]["nodes"] == [{"title": "Secret size", "amount": None}]

    for query in (
        '{ deals(filter: {amount: {min: "500"}}) { nodes { title } } }',
        "{ deals(orderBy: {field: AMOUNT}) { nodes { title } } }",
        '{ deals(filter: {expectedCloseOn: {from: "2030-01-01"}}) { nodes { title } } }',
    ):
        result = await gql(query, token=token)
        assert result.codes == ["FORBIDDEN"] and result.nothing, query

    # may rename, may not re-price: the whole mutation is refused, nothing written
    result = await gql(
        'mutation($id: ID!) { updateDeal(input: {id: $id, version: 1, title: "T", amount: "1"}) { deal { id } } }',
        {"id": deal["id"]},
        token=token,
    )
    assert result.codes == ["FORBIDDEN"]
    stored = await row(tenant, deals, deal["id"])
    assert (stored.title, stored.amount, stored.version) == ("Secret size", 1000, 1)
    result = await gql(
        'mutation($id: ID!) { updateDeal(input: {id: $id, version: 1, title: "Renamed"}) { deal { title } userErrors { code } } }',
        {"id": deal["id"]},
        token=token,
    )
    assert result.ok()["updateDeal"] == {"deal": {"title": "Renamed"}, "userErrors": []}

    # Deal.lead is readable, but a role without leads gets no lead through it
    result = await gql("{ deals { nodes { lead { name } } } }", token=token)
    assert result.codes == ["FORBIDDEN"]


async def test_the_report_is_refused_to_a_role_that_may_not_read_amounts(gql, tenant):
    admin = tenant.admin_token
    await create_deal(gql, admin, (await create_customer(gql, admin))["id"])
    role = await custom_role(
        gql,
        tenant,
        "report_only",
        grant("PipelineReport", ["read"], ["pipeline", "stages", "totals"]),
        grant("Deal", ["read"], NO_AMOUNT),
        grant("PipelineStage", ["read"], ["name"]),
    )
    _, token = await holder_of(gql, tenant, role)
    result = await gql("{ pipelineReport { totals { amount } } }", token=token)
    assert result.codes == ["FORBIDDEN"] and result.nothing
