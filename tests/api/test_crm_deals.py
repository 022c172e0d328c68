"""Deals: creation and its checks, moving through the pipeline, closing, and who may do what."""

from __future__ import annotations

import pytest

from domain.crm.models import deal_stage_changes, deals
from tests.support.crm import (
    count,
    create_customer,
    create_deal,
    mutate,
    ok,
    row,
    seed_deals,
    stages,
    uuid_of,
)

DEAL = "deal { id status probability version stage { name } }"
DEALS = "{ deals { nodes { id title owner { name } } } }"


@pytest.mark.parametrize(
    ("values", "field", "code"),
    [
        ({"amount": "-1"}, "amount", "BAD_USER_INPUT"),
        ({"amount": "1e20"}, "amount", "BAD_USER_INPUT"),
        ({"currency": "EURO"}, "currency", "BAD_USER_INPUT"),
        ({"title": ""}, "title", "BAD_USER_INPUT"),
        ({"probability": "120"}, "probability", "BAD_USER_INPUT"),
        ({"stage": "PipelineStage:unknown"}, "stage", "BAD_USER_INPUT"),  # no id at all
        ({"contact": "nonsense"}, "contact", "BAD_USER_INPUT"),
    ],
)
async def test_bad_deal_input_is_a_user_error(gql, tenant, values, field, code):
    token = tenant.admin_token
    customer = await create_customer(gql, token)
    input = {"title": "T", "customer": customer["id"], "amount": "5", "currency": "EUR", **values}
    payload = await mutate(gql, "createDeal", input, token, DEAL)
    assert payload["deal"] is None
    assert [(e["field"], e["code"]) for e in payload["userErrors"]] == [(field, code)]
    assert await count(tenant, deals) == 0


async def test_non_decimal_amount_is_refused_before_anything_runs(gql, tenant):
    customer = await create_customer(gql, tenant.admin_token)
    input = {"title": "T", "customer": customer["id"], "amount": "12,5", "currency": "EUR"}
    result = await gql(
        "mutation($input: CreateDealInput!) { createDeal(input: $input) { deal { id } } }",
        {"input": input},
        token=tenant.admin_token,
    )
    assert result.codes == ["BAD_USER_INPUT"]
    assert await count(tenant, deals) == 0


async def test_customer_of_another_tenant_is_not_found(gql, tenant, other_tenant):
    foreign = await create_customer(gql, other_tenant.admin_token)
    input = {"title": "T", "customer": foreign["id"], "amount": "5", "currency": "EUR"}
    payload = await mutate(gql, "createDeal", input, tenant.admin_token, DEAL)
    assert payload["userErrors"][0]["code"] == "NOT_FOUND"
    assert await count(tenant, deals) == 0


async def test_stage_of_another_pipeline_is_refused(gql, tenant):
    admin = tenant.admin_token
    other = await ok(
        gql,
        "createPipeline",
        {"name": "Renewals", "stages": [{"name": "Open", "probability": "50"}]},
        admin,
        "pipeline { id stages { id } }",
    )
    deal = await create_deal(gql, admin, (await create_customer(gql, admin))["id"])
    foreign_stage = other["pipeline"]["stages"][0]["id"]
    payload = await mutate(
        gql, "moveDealStage", {"id": deal["id"], "stage": foreign_stage}, admin, DEAL
    )
    assert payload["userErrors"][0]["field"] == "stage"
    assert (await row(tenant, deals, deal["id"])).stage_id == uuid_of(deal["stage"]["id"])


async def test_move_win_and_history(gql, tenant):
    rep_id = await tenant.user("sales_rep", name="Rita Rep")
    rep = tenant.token(rep_id)
    names = await stages(gql, rep)
    deal = await create_deal(gql, rep, (await create_customer(gql, rep))["id"])
    assert (deal["stage"]["name"], deal["status"]) == ("Qualification", "OPEN")

    moved = await ok(
        gql,
        "moveDealStage",
        {"id": deal["id"], "stage": names["Proposal"], "version": 1},
        rep,
        DEAL,
    )
    assert (moved["deal"]["stage"]["name"], moved["deal"]["probability"]) == ("Proposal", "50.0000")

    stale = await mutate(
        gql,
        "moveDealStage",
        {"id": deal["id"], "stage": names["Negotiation"], "version": 1},
        rep,
        DEAL,
    )
    assert stale["userErrors"][0]["code"] == "CONFLICT"

    won = await ok(gql, "winDeal", {"id": deal["id"]}, rep, DEAL)
    assert won["deal"]["status"] == "WON" and won["deal"]["stage"]["name"] == "Won"

    for attempt in (
        ("moveDealStage", {"id": deal["id"], "stage": names["Proposal"]}),
        ("loseDeal", {"id": deal["id"], "reason": "Changed their mind"}),
        ("winDeal", {"id": deal["id"]}),
        ("updateDeal", {"id": deal["id"], "version": 3, "amount": "1"}),
    ):
        payload = await mutate(gql, *attempt, rep, DEAL)
        assert payload["userErrors"][0]["code"] == "DEAL_CLOSED"
    stored = await row(tenant, deals, deal["id"])
    assert (stored.status, stored.lost_reason) == ("won", None)

    query = """query($id: ID!) { node(id: $id) { ... on Deal {
        history { event by { name } fromStage { name } toStage { name } } } } }"""
    history = (await gql(query, {"id": deal["id"]}, token=rep)).ok()["node"]["history"]
    assert [
        (h["event"], h["fromStage"] and h["fromStage"]["name"], h["toStage"]["name"])
        for h in history
    ] == [
        ("CREATED", None, "Qualification"),
        ("MOVED", "Qualification", "Proposal"),
        ("WON", "Proposal", "Won"),
    ]
    assert {h["by"]["name"] for h in history} == {"Rita Rep"}


async def test_lose_needs_a_reason(gql, tenant):
    admin = tenant.admin_token
    deal = await create_deal(gql, admin, (await create_customer(gql, admin))["id"])
    payload = await mutate(gql, "loseDeal", {"id": deal["id"], "reason": " "}, admin, DEAL)
    assert payload["userErrors"][0]["field"] == "reason"
    lost = await ok(
        gql,
        "loseDeal",
        {"id": deal["id"], "reason": "Too expensive"},
        admin,
        "deal { status lostReason }",
    )
    assert lost["deal"] == {"status": "LOST", "lostReason": "Too expensive"}


async def test_sales_rep_works_own_deals_only(gql, tenant):
    rep_a, rep_b = await tenant.user("sales_rep"), await tenant.user("sales_rep")
    customer = await create_customer(gql, tenant.token(rep_a))
    mine = await create_deal(gql, tenant.token(rep_a), customer["id"], title="Mine")
    theirs = await create_deal(gql, tenant.token(rep_b), customer["id"], title="Theirs")

    data = (await gql(DEALS, token=tenant.token(rep_a))).ok()
    assert [n["title"] for n in data["deals"]["nodes"]] == ["Mine"]
    names = await stages(gql, tenant.token(rep_a))
    for name, input in (
        ("updateDeal", {"id": theirs["id"], "version": 1, "amount": "1"}),
        ("moveDealStage", {"id": theirs["id"], "stage": names["Proposal"]}),
        ("winDeal", {"id": theirs["id"]}),
    ):
        payload = await mutate(gql, name, input, tenant.token(rep_a), DEAL)
        assert payload["userErrors"][0]["code"] == "NOT_FOUND"
    stored = await row(tenant, deals, theirs["id"])
    assert (stored.amount, stored.status, stored.version) == (1000, "open", 1)
    assert mine["title"] == "Mine"


async def test_accountant_reads_deals_but_cannot_edit_them(gql, tenant):
    admin = tenant.admin_token
    deal = await create_deal(gql, admin, (await create_customer(gql, admin))["id"])
    accountant = await tenant.token_for("accountant")
    data = (await gql(DEALS, token=accountant)).ok()
    assert [n["id"] for n in data["deals"]["nodes"]] == [deal["id"]]

    names = await stages(gql, accountant)
    for name, input in (
        ("updateDeal", {"id": deal["id"], "version": 1, "amount": "1"}),
        ("moveDealStage", {"id": deal["id"], "stage": names["Proposal"]}),
        ("winDeal", {"id": deal["id"]}),
        ("createDeal", {"title": "T", "customer": "x", "amount": "1", "currency": "EUR"}),
    ):
        result = await gql(
            f"mutation($input: {name[0].upper()}{name[1:]}Input!) {{ {name}(input: $input) {{ deal {{ id }} }} }}",
            {"input": input},
            token=accountant,
        )
        assert result.codes == ["FORBIDDEN"], name
    stored = await row(tenant, deals, deal["id"])
    assert (stored.amount, stored.version) == (1000, 1)
    assert await count(tenant, deals) == 1
    assert await count(tenant, deal_stage_changes) == 1


@pytest.mark.parametrize("role", ["warehouse", "hr_manager"])
async def test_roles_without_deals(gql, tenant, role):
    result = await gql(DEALS, token=await tenant.token_for(role))
    assert result.codes == ["FORBIDDEN"] and result.nothing


async def test_page_size_over_the_cap_is_refused(gql, tenant):
    result = await gql("{ deals(first: 201) { nodes { id } } }", token=tenant.admin_token)
    assert result.codes == ["BAD_USER_INPUT"]


async def test_filter_and_order(gql, tenant):
    admin = tenant.admin_token
    customer = (await create_customer(gql, admin))["id"]
    for title, amount in (("Small", "10"), ("Large", "900"), ("Medium", "300")):
        await create_deal(gql, admin, customer, title=title, amount=amount)
    query = """{ deals(filter: {amount: {min: "100"}}, orderBy: {field: AMOUNT, direction: DESC}, first: 1) {
        nodes { title } pageInfo { hasNextPage endCursor } } }"""
    data = (await gql(query, token=admin)).ok()["deals"]
    assert [n["title"] for n in data["nodes"]] == ["Large"] and data["pageInfo"]["hasNextPage"]
    query = """query($after: String) { deals(filter: {amount: {min: "100"}}, orderBy: {field: AMOUNT, direction: DESC}, after: $after) {
        nodes { title } } }"""
    rest = (await gql(query, {"after": data["pageInfo"]["endCursor"]}, token=admin)).ok()
    assert [n["title"] for n in rest["deals"]["nodes"]] == ["Medium"]


async def test_statements_do_not_grow_with_the_page(gql, tenant, count_statements):
    rep_id = await tenant.user("sales_rep")
    await seed_deals(tenant, rep_id, 200)
    token = tenant.token(rep_id)
    query = "query($n: Int!) { deals(first: $n) { nodes { customer { name } owner { name } stage { name } } } }"
    counts = []
    for n in (10, 50, 200):
        with count_statements() as counter:
            data = (await gql(query, {"n": n}, token=token)).ok()
        assert len(data["deals"]["nodes"]) == n
        assert all(d["customer"]["name"] and d["stage"]["name"] for d in data["deals"]["nodes"])
        counts.append(counter.count)
    assert counts[0] == counts[1] == counts[2] <= 8, counts


async def test_admin_and_manager_see_every_deal_other_tenant_none(gql, tenant, other_tenant):
    rep = await tenant.token_for("sales_rep")
    deal = await create_deal(gql, rep, (await create_customer(gql, rep))["id"])
    for token in (tenant.admin_token, await tenant.token_for("sales_manager")):
        assert [n["id"] for n in (await gql(DEALS, token=token)).ok()["deals"]["nodes"]] == [
            deal["id"]
        ]
    outsider = other_tenant.admin_token
    assert (await gql(DEALS, token=outsider)).ok()["deals"]["nodes"] == []
    node = await gql("query($id: ID!) { node(id: $id) { id } }", {"id": deal["id"]}, token=outsider)
    assert node.codes == ["NOT_FOUND"]
    payload = await mutate(gql, "winDeal", {"id": deal["id"]}, outsider, DEAL)
    assert payload["userErrors"][0]["code"] == "NOT_FOUND"
    assert (await row(tenant, deals, deal["id"])).status == "open"
    assert (await gql(DEALS)).codes == ["UNAUTHENTICATED"]


async def test_a_cursor_of_another_order_is_bad_input(gql, tenant):
    admin = tenant.admin_token
    customer = (await create_customer(gql, admin))["id"]
    for title in ("A", "B"):
        await create_deal(gql, admin, customer, title=title)
    page = (await gql("{ deals(first: 1) { pageInfo { endCursor } } }", token=admin)).ok()
    cursor = page["deals"]["pageInfo"]["endCursor"]
    query = "query($c: String) { deals(orderBy: {field: AMOUNT}, after: $c) { nodes { id } } }"
    for bad in (cursor, "garbage"):
        assert (await gql(query, {"c": bad}, token=admin)).codes == ["BAD_USER_INPUT"]
