"""node(id:) for every CRM type, and fixed statement counts for nested customer reads."""

from __future__ import annotations

from tests.support.crm import create_customer, create_deal, create_lead, ok, seed_deals
from tests.support.prefetch import with_page

NODE = "query($id: ID!) { node(id: $id) { __typename id } }"


async def test_node_answers_for_every_crm_type(gql, tenant):
    admin = tenant.admin_token
    customer = await create_customer(gql, admin)
    contact = await ok(
        gql, "createContact", {"customer": customer["id"], "name": "P"}, admin, "contact { id }"
    )
    deal = await create_deal(gql, admin, customer["id"])
    activity = await ok(
        gql, "logActivity", {"kind": "NOTE", "subject": "S"}, admin, "activity { id }"
    )
    pipelines = (await gql("{ pipelines { nodes { id stages { id } } } }", token=admin)).ok()
    pipeline = pipelines["pipelines"]["nodes"][0]
    ids = {
        "Lead": (await create_lead(gql, admin))["id"],
        "Customer": customer["id"],
        "Contact": contact["contact"]["id"],
        "Deal": deal["id"],
        "Activity": activity["activity"]["id"],
        "Pipeline": pipeline["id"],
        "PipelineStage": pipeline["stages"][0]["id"],
    }
    for type_name, id in ids.items():
        data = (await gql(NODE, {"id": id}, token=admin)).ok()
        assert data["node"] == {"__typename": type_name, "id": id}


async def test_customer_page_with_nested_lists_has_fixed_statements(gql, tenant, count_statements):
    rep_id = await tenant.user("sales_rep")
    await seed_deals(tenant, rep_id, 60)
    token = tenant.token(rep_id)
    query = """query($n: Int!) { customers(first: $n) { nodes {
        name owner { name } contacts { name } deals { title stage { name } history { event } }
        timeline { kind change { toStage { name } } } } } }"""
    counts = []
    for n in (5, 20, 30):
        with count_statements() as counter:
            data = (await gql(with_page(query, n), token=token)).ok()
        assert len(data["customers"]["nodes"]) == n
        counts.append(counter.count)
    assert counts[0] == counts[1] == counts[2], counts
