"""A page loads the relations its client selected once for all rows (api.core.loaders.prefetch):
however they are selected, only those, and never for a role that may not read them."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from domain.crm.models import deal_stage_changes, deals, pipeline_stages
from tests.support.admin import custom_role, grant, holder_of
from tests.support.crm import create_lead, ok, seed_deals

PLAIN = """query($n: Int!) { deals(first: $n) {
  nodes { title customer { name } owner { name } stage { name } } } }"""
# The same selection through a named fragment, an inline fragment and an alias.
INDIRECT = """query($n: Int!) { deals(first: $n) { edges { node { ...D } } } }
fragment D on Deal { title customer { name } ... on Deal { owner { name } } s: stage { name } }"""
TITLES = "query($n: Int!) { deals(first: $n) { nodes { title } } }"


@pytest.fixture
def gql(ordinary_gql):
    """The loaders are the resolvers' (the compiled path joins relations in its one
    statement: tests/api/test_compiled_reads.py)."""
    return ordinary_gql


async def _run(gql, count_statements, query, n, token):
    with count_statements() as counter:
        data = (await gql(query, {"n": n}, token=token)).ok()["deals"]
    return data, counter.count


async def test_fragments_and_aliases_are_prefetched_like_a_plain_selection(
    gql, tenant, count_statements
):
    manager = await tenant.user("sales_manager")
    await seed_deals(tenant, manager, 30)
    token = tenant.token(manager)
    for n in (5, 30):
        plain, plain_count = await _run(gql, count_statements, PLAIN, n, token)
        indirect, indirect_count = await _run(gql, count_statements, INDIRECT, n, token)
        assert indirect_count == plain_count
        flattened = [
            {
                "title": e["node"]["title"],
                "customer": e["node"]["customer"],
                "owner": e["node"]["owner"],
                "stage": e["node"]["s"],
            }
            for e in indirect["edges"]
        ]
        assert flattened == plain["nodes"] and len(flattened) == n
        assert all(d["customer"]["name"] and d["owner"]["name"] for d in flattened)


async def test_only_selected_relations_are_loaded(gql, tenant, count_statements):
    manager = await tenant.user("sales_manager")
    await seed_deals(tenant, manager, 10)
    token = tenant.token(manager)
    _, titles = await _run(gql, count_statements, TITLES, 10, token)
    _, related = await _run(gql, count_statements, PLAIN, 10, token)
    assert related == titles + 3  # customers, users, stages: one statement each


async def test_a_relation_the_role_may_not_read_is_forbidden_and_not_loaded(
    gql, tenant, count_statements
):
    await seed_deals(tenant, await tenant.user("sales_manager"), 5)
    role = await custom_role(
        gql, tenant, "deals_only", grant("Deal", ["read"], ["title", "customer", "stage"])
    )
    _, token = await holder_of(gql, tenant, role)
    titles = "{ deals(first: 5) { nodes { title } } }"
    (await gql(titles, token=token)).ok()  # the role's policy is now cached
    query = "{ deals(first: 5) { nodes { title customer { name } } } }"
    with count_statements() as with_customer:
        result = await gql(query, token=token)
    nodes = result.data["deals"]["nodes"]
    assert [n["customer"] for n in nodes] == [None] * 5 and all(n["title"] for n in nodes)
    assert set(result.codes) == {"FORBIDDEN"} and len(result.codes) == 5
    with count_statements() as titles_only:
        (await gql(titles, token=token)).ok()
    assert with_customer.count == titles_only.count, with_customer.statements


async def test_relations_are_keyed_by_their_graphql_name(gql, tenant, late_relations):
    """`convertedCustomer` is prefetched as such: not as the Python name of its resolver."""
    rep = await tenant.token_for("sales_rep")
    for i in range(3):
        lead = await create_lead(gql, rep, name=f"Lead {i}", company=f"Company {i}")
        input = {"id": lead["id"], "deal": {"amount": "10", "currency": "EUR"}}
        await ok(gql, "convertLead", input, rep, "lead { id }")
    query = """{ leads(first: 10) { nodes {
      name convertedCustomer { name } convertedDeal { amount } owner { name } } } }"""
    leads = (await gql(query, token=rep)).ok()["leads"]["nodes"]
    assert sorted(lead["convertedCustomer"]["name"] for lead in leads) == [
        "Company 0",
        "Company 1",
        "Company 2",
    ]
    assert all(lead["convertedDeal"] and lead["owner"] for lead in leads)
    assert late_relations == []


# Literal page sizes: with a variable the cost limit counts the largest page, and 200
# customers x their deals x each deal's history is what it refuses (api/cost.py).
CUSTOMERS = """{{ customers(first: {n}) {{ nodes {{ name
  contacts {{ name customer {{ name }} }}
  deals {{ title owner {{ name }} stage {{ name }} history {{ event by {{ name }} toStage {{ name }} }} }}
}} }} }}"""


async def test_a_customer_pages_lists_answer_their_relations_at_once(tenant, probe_with):
    """customers → deals → history: each list loads its items' selected relations for
    all parents of the page at once, so no relation waits on a loader."""
    manager, rep = await tenant.user("sales_manager"), await tenant.user("sales_rep")
    await seed_deals(tenant, manager, 10)  # in the first four stages of the pipeline
    async with tenant.session() as conn:
        found = (await conn.execute(sa.select(deals.c.id, deals.c.pipeline_id))).all()
        last = await conn.scalar(
            sa.select(pipeline_stages.c.id)
            .where(pipeline_stages.c.pipeline_id == found[0].pipeline_id)
            .order_by(pipeline_stages.c.position.desc())
            .limit(1)
        )
        # moved by someone else, to a stage no deal is in: nothing the deals loaded
        rows = [
            {
                "tenant_id": tenant.id,
                "deal_id": d.id,
                "to_stage_id": last,
                "changed_by": rep,
                "event": "moved",
            }
            for d in found
        ]
        await conn.execute(sa.insert(deal_stage_changes), rows)
    probe = probe_with(tenant.token(manager))
    counts = set()
    for n in (4, 10):
        result, count = await probe.counted(CUSTOMERS.format(n=n))
        page = result.ok()
        assert len(page["customers"]["nodes"]) == n
        counts.add(count)
    assert len(counts) == 1 and probe.late == [], counts
    history = [h for c in page["customers"]["nodes"] for d in c["deals"] for h in d["history"]]
    assert len(history) == 10
    assert all(h["by"]["name"] and h["toStage"]["name"] for h in history)
