"""`totalCount` on every connection: the rows the list has in all — under its filter,
within the reader's record scope and RLS, whatever the page — on both read paths, and
one statement only when it is selected."""

from __future__ import annotations

import functools
from typing import Any

import graphql
import pytest

from tests.conftest import graphql as send
from tests.support.api_clients import partner
from tests.support.crm import create_customer, create_deal, ok
from tests.support.demo import seed_every_area
from tests.support.fuzz import SDL
from tests.support.webhooks import create_webhook

SCHEMA = graphql.build_schema(SDL.read_text())
# the count statement's sub-select (domain.pagination.count_statement)
COUNTED = "AS listed"


def _root_connections() -> list[str]:
    query = SCHEMA.query_type
    assert query is not None
    return sorted(
        name
        for name, field in query.fields.items()
        if graphql.get_named_type(field.type).name.endswith("Connection")
    )


@pytest.fixture(params=["compiled", "ordinary"])
def either_gql(request: Any, gql: Any, ordinary_gql: Any) -> Any:
    """`gql` of the compiled read path, then of the resolvers (compiled reads off)."""
    return gql if request.param == "compiled" else ordinary_gql


async def _everything(
    gql: Any, token: str, field: str, arguments: str = "", first: int = 200
) -> tuple[list[str], set[int]]:
    """The cursors of every row of a list (not every type has an id), paged through to
    its end, and every totalCount its pages answered."""
    query = f"""query($after: String) {{ {field}({arguments} first: {first}, after: $after) {{
      totalCount edges {{ cursor }} pageInfo {{ hasNextPage endCursor }} }} }}"""
    ids: list[str] = []
    totals: set[int] = set()
    after = None
    while True:
        page = (await gql(query, {"after": after}, token=token)).ok()[field]
        ids += [e["cursor"] for e in page["edges"]]
        totals.add(page["totalCount"])
        if not page["pageInfo"]["hasNextPage"]:
            return ids, totals
        after = page["pageInfo"]["endCursor"]


async def _won_deal(gql: Any, token: str) -> None:
    customer = await create_customer(gql, token)
    deal = await create_deal(gql, token, customer["id"], amount="10.00", currency="EUR")
    await ok(gql, "winDeal", {"id": deal["id"], "version": deal["version"]}, token, "deal { id }")


def test_every_connection_type_has_a_non_null_total_count() -> None:
    connections = [t for n, t in SCHEMA.type_map.items() if n.endswith("Connection")]
    assert len(connections) >= 19
    for gtype in connections:
        assert isinstance(gtype, graphql.GraphQLObjectType)
        assert str(gtype.fields["totalCount"].type) == "Int!", gtype.name


async def test_every_root_connection_counts_every_row_it_lists(either_gql, gql, tenant):
    admin = tenant.admin_token
    await seed_every_area(tenant)
    hook = (await create_webhook(gql, admin, ["DEAL_WON"]))["webhook"]
    await _won_deal(gql, admin)  # a delivery of the webhook
    await partner(gql, tenant)  # an API client
    arguments = {"webhookDeliveries": f'webhookId: "{hook["id"]}",'}
    for field in _root_connections():
        ids, totals = await _everything(either_gql, admin, field, arguments.get(field, ""), 7)
        assert ids, f"{field}: the test tenant has none"
        assert totals == {len(ids)}, field


async def test_the_count_is_the_filtered_lists_whatever_the_page(either_gql, tenant):
    admin = tenant.admin_token
    await seed_every_area(tenant)
    won, _ = await _everything(either_gql, admin, "deals", "filter: {status: [WON]},")
    everything, _ = await _everything(either_gql, admin, "deals")
    assert 0 < len(won) < len(everything)
    # a page from the middle, forwards and backwards: the list's count, not the page's
    query = """query($after: String, $before: String) {
      forwards: deals(filter: {status: [WON]}, first: 1, after: $after) { totalCount }
      backwards: deals(filter: {status: [WON]}, last: 1, before: $before) { totalCount }
      empty: deals(filter: {status: [WON]}, first: 0) { totalCount nodes { id } } }"""
    first = (
        await either_gql(
            "{ deals(filter: {status: [WON]}, first: 1) { pageInfo { endCursor } } }", token=admin
        )
    ).ok()
    cursor = first["deals"]["pageInfo"]["endCursor"]
    found = (await either_gql(query, {"after": cursor, "before": cursor}, token=admin)).ok()
    assert found["forwards"]["totalCount"] == len(won)
    assert found["backwards"]["totalCount"] == len(won)
    assert found["empty"] == {"totalCount": len(won), "nodes": []}


async def test_record_scope_narrows_the_count(either_gql, tenant):
    users = await seed_every_area(tenant)
    rep = tenant.token(users["sales_rep"])
    own, totals = await _everything(either_gql, rep, "deals")
    every, _ = await _everything(either_gql, tenant.admin_token, "deals")
    assert totals == {len(own)} and 0 < len(own) < len(every)


async def test_another_tenants_rows_are_not_counted(either_gql, gql, tenant, other_tenant):
    for _ in range(3):
        await create_customer(gql, other_tenant.admin_token)
    query = "{ customers(first: 1) { totalCount } users { totalCount } }"
    mine = (await either_gql(query, token=tenant.admin_token)).ok()
    theirs = (await either_gql(query, token=other_tenant.admin_token)).ok()
    assert mine == {"customers": {"totalCount": 0}, "users": {"totalCount": 1}}
    assert theirs == {"customers": {"totalCount": 3}, "users": {"totalCount": 1}}


def _counts(statements: list[str]) -> int:
    return sum(COUNTED in s for s in statements)


async def test_a_count_is_sent_only_when_selected(either_gql, tenant, count_statements):
    admin = tenant.admin_token
    await seed_every_area(tenant)
    sent = {}
    for name, selection in {
        "plain": "nodes { id }",
        "counted": "nodes { id } totalCount",
        "twice": "a: totalCount nodes { id } b: totalCount",
        "alone": "totalCount",
    }.items():
        for size in (1, 50):
            for filtered in ("", "filter: {status: [OPEN]}, "):
                query = f"{{ deals({filtered}first: {size}) {{ {selection} }} }}"
                with count_statements() as counter:
                    (await either_gql(query, token=admin)).ok()
                sent[name, size, filtered] = (counter.count, _counts(counter.statements))
    for key, (statements, counts) in sent.items():
        name, size, filtered = key
        assert counts == (name != "plain"), key
        assert statements == sent["plain", size, filtered][0] + counts, key
        assert statements == sent[name, 1, filtered][0], key  # constant in page size


async def test_a_filter_the_role_may_not_use_is_refused_before_any_count(
    either_gql, tenant, count_statements
):
    rep = await tenant.token_for("sales_rep")
    query = '{ employees(filter: {salary: {gt: "5000"}}) { totalCount nodes { id } } }'
    with count_statements() as counter:
        result = await either_gql(query, token=rep)
    assert result.codes == ["FORBIDDEN"] and result.data == {"employees": None}
    assert _counts(counter.statements) == 0


async def test_a_count_costs_one_field_whatever_the_page_size(make_client, tenant):
    gql = functools.partial(send, await make_client(max_query_cost=3))
    admin = tenant.admin_token
    # the connection and its totalCount: 2, not one per row of the page
    assert (await gql("{ deals(first: 200) { totalCount } }", token=admin)).ok() == {
        "deals": {"totalCount": 0}
    }
    over = await gql("{ deals(first: 2) { totalCount nodes { id } } }", token=admin)
    assert over.codes == ["BAD_USER_INPUT"]
