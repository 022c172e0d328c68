"""Writes within record scope: a role with scope `own` or `team` hands a record only to
someone inside it; a duplicate out of scope is refused without naming the other record."""

from __future__ import annotations

from tests.support.crm import mutate
from tests.support.record_scope import gid, make_world

CREATE_LEAD = "lead { id }"


async def test_team_assigns_owners_down_the_chain_only(gql, tenant):
    world = await make_world(tenant, "Lead", "team")
    for owner, code in (("deep", None), ("me", None), ("stranger", "FORBIDDEN")):
        payload = await mutate(
            gql,
            "createLead",
            {"name": f"for {owner}", "owner": gid("User", world.users[owner])},
            world.token,
            CREATE_LEAD,
        )
        assert [e["code"] for e in payload["userErrors"]] == ([code] if code else []), owner


async def test_own_assigns_to_oneself_only(gql, tenant):
    world = await make_world(tenant, "Deal", "own")
    payload = await mutate(
        gql,
        "createDeal",
        {
            "title": "T",
            "customer": gid("Customer", world.customer),
            "amount": "1",
            "currency": "EUR",
            "owner": gid("User", world.users["deep"]),
        },
        world.token,
        "deal { id }",
    )
    assert [(e["field"], e["code"]) for e in payload["userErrors"]] == [("owner", "FORBIDDEN")]


async def test_a_duplicate_out_of_scope_names_nobody(gql, tenant):
    world = await make_world(tenant, "Lead", "own")
    manager = tenant.token(await tenant.user("sales_manager"))
    for token, email in ((manager, "taken@x.example"), (world.token, "mine@x.example")):
        await mutate(
            gql, "createLead", {"name": "Grace Hopper", "email": email}, token, CREATE_LEAD
        )

    for email, named in (("TAKEN@x.example", False), ("mine@x.example", True)):
        payload = await mutate(
            gql, "createLead", {"name": "Again", "email": email}, world.token, CREATE_LEAD
        )
        assert payload["lead"] is None
        [error] = payload["userErrors"]
        assert (error["field"], error["code"]) == ("email", "DUPLICATE")
        assert ("Grace Hopper" in error["message"]) is named, error
