"""Leads: capture, duplicate check, edit with versions, conversion, and who may do what."""

from __future__ import annotations

import pytest

from domain.crm.models import contacts, customers, deals, leads
from tests.support.crm import count, create_lead, mutate, ok, row, stages, uuid_of

LEADS = "{ leads { nodes { id name owner { name } } } }"
UPDATE = "lead { id name version }"


async def test_capture_lead_with_defaults_and_duplicate_check(gql, tenant):
    rep = await tenant.token_for("sales_rep")
    lead = await create_lead(gql, rep, email="Ada@Example.com", company="Analytical Engines")
    assert lead["status"] == "NEW" and lead["version"] == 1

    other = await tenant.token_for("sales_manager")
    payload = await mutate(
        gql, "createLead", {"name": "Ada again", "email": "ada@example.COM"}, other, "lead { id }"
    )
    assert payload["lead"] is None
    [error] = payload["userErrors"]
    assert error["code"] == "DUPLICATE" and error["field"] == "email"
    assert "Ada Lovelace" in error["message"]  # names the existing lead
    assert await count(tenant, leads) == 1


async def test_same_email_in_another_tenant_is_no_duplicate(gql, tenant, other_tenant):
    await create_lead(gql, tenant.admin_token, email="same@example.com")
    await create_lead(gql, other_tenant.admin_token, email="same@example.com")
    assert await count(other_tenant, leads) == 1


@pytest.mark.parametrize(
    ("input", "field"),
    [
        ({"email": "not-an-email"}, "email"),
        ({"name": "   "}, "name"),
        ({"owner": "bm9wZQ"}, "owner"),
    ],
)
async def test_bad_lead_input_is_a_user_error_and_writes_nothing(gql, tenant, input, field):
    payload = await mutate(
        gql, "createLead", {"name": "Bob", **input}, tenant.admin_token, "lead { id }"
    )
    assert payload["lead"] is None
    assert [e["field"] for e in payload["userErrors"]] == [field]
    assert await count(tenant, leads) == 0


async def test_sales_rep_sees_and_edits_only_own_leads(gql, tenant):
    rep_a, rep_b = await tenant.user("sales_rep"), await tenant.user("sales_rep")
    mine = await create_lead(gql, tenant.token(rep_a), name="Mine")
    theirs = await create_lead(gql, tenant.token(rep_b), name="Theirs")

    data = (await gql(LEADS, token=tenant.token(rep_a))).ok()
    assert [n["name"] for n in data["leads"]["nodes"]] == ["Mine"]

    node = await gql(
        "query($id: ID!) { node(id: $id) { id } }", {"id": theirs["id"]}, token=tenant.token(rep_a)
    )
    assert node.codes == ["NOT_FOUND"]

    input = {"id": theirs["id"], "version": 1, "name": "Stolen"}
    payload = await mutate(gql, "updateLead", input, tenant.token(rep_a), UPDATE)
    assert payload["lead"] is None and payload["userErrors"][0]["code"] == "NOT_FOUND"
    assert (await row(tenant, leads, theirs["id"])).name == "Theirs"

    # handing a lead to someone else would take it out of the rep's own scope
    input = {"id": mine["id"], "version": 1, "owner": (await user_gid(gql, tenant.token(rep_b)))}
    payload = await mutate(gql, "updateLead", input, tenant.token(rep_a), UPDATE)
    assert payload["userErrors"][0]["code"] == "FORBIDDEN"
    assert (await row(tenant, leads, mine["id"])).owner_id == rep_a


async def user_gid(gql, token):
    return (await gql("{ viewer { user { id } } }", token=token)).ok()["viewer"]["user"]["id"]


async def test_manager_and_admin_see_every_lead(gql, tenant):
    await create_lead(gql, await tenant.token_for("sales_rep"), name="One")
    await create_lead(gql, await tenant.token_for("sales_rep"), name="Two", email="two@x.io")
    for token in (await tenant.token_for("sales_manager"), tenant.admin_token):
        data = (await gql(LEADS, token=token)).ok()
        assert sorted(n["name"] for n in data["leads"]["nodes"]) == ["One", "Two"]


@pytest.mark.parametrize("role", ["warehouse", "hr_manager", "accountant"])
async def test_roles_without_leads_see_none_and_write_none(gql, tenant, role):
    lead = await create_lead(gql, tenant.admin_token)
    token = await tenant.token_for(role)
    result = await gql(LEADS, token=token)
    assert result.codes == ["FORBIDDEN"] and result.nothing

    node = await gql("query($id: ID!) { node(id: $id) { id } }", {"id": lead["id"]}, token=token)
    assert node.codes == ["FORBIDDEN"]

    result = await gql(
        'mutation { createLead(input: {name: "X"}) { lead { id } userErrors { code } } }',
        token=token,
    )
    assert result.codes == ["FORBIDDEN"]
    result = await gql(
        'mutation($id: ID!) { updateLead(input: {id: $id, version: 1, name: "X"}) { lead { id } } }',
        {"id": lead["id"]},
        token=token,
    )
    assert result.codes == ["FORBIDDEN"]
    assert await count(tenant, leads) == 1
    assert (await row(tenant, leads, lead["id"])).name == "Ada Lovelace"


async def test_anonymous_and_other_tenant(gql, tenant, other_tenant):
    lead = await create_lead(gql, tenant.admin_token)
    assert (await gql(LEADS)).codes == ["UNAUTHENTICATED"]

    outsider = other_tenant.admin_token
    assert (await gql(LEADS, token=outsider)).ok()["leads"]["nodes"] == []
    node = await gql("query($id: ID!) { node(id: $id) { id } }", {"id": lead["id"]}, token=outsider)
    assert node.codes == ["NOT_FOUND"]
    payload = await mutate(
        gql, "updateLead", {"id": lead["id"], "version": 1, "name": "Hijacked"}, outsider, UPDATE
    )
    assert payload["userErrors"][0]["code"] == "NOT_FOUND"
    assert (await row(tenant, leads, lead["id"])).name == "Ada Lovelace"


async def test_stale_version_is_a_conflict(gql, tenant):
    lead = await create_lead(gql, tenant.admin_token)
    await ok(
        gql,
        "updateLead",
        {"id": lead["id"], "version": 1, "status": "CONTACTED"},
        tenant.admin_token,
        UPDATE,
    )
    payload = await mutate(
        gql,
        "updateLead",
        {"id": lead["id"], "version": 1, "name": "Late"},
        tenant.admin_token,
        UPDATE,
    )
    assert payload["userErrors"][0]["code"] == "CONFLICT"
    stored = await row(tenant, leads, lead["id"])
    assert (stored.name, stored.status, stored.version) == ("Ada Lovelace", "contacted", 2)


CONVERT = "lead { status } customer { id name } contact { name } deal { id stage { name } }"


async def test_convert_lead_once(gql, tenant):
    rep = await tenant.token_for("sales_rep")
    lead = await create_lead(gql, rep, company="Analytical Engines", email="ada@example.com")
    payload = await ok(gql, "convertLead", {"id": lead["id"]}, rep, CONVERT)
    assert payload["lead"]["status"] == "CONVERTED"
    assert payload["customer"]["name"] == "Analytical Engines"
    assert payload["contact"]["name"] == "Ada Lovelace"
    assert payload["deal"] is None

    again = await mutate(gql, "convertLead", {"id": lead["id"]}, rep, CONVERT)
    assert again["customer"] is None
    assert again["userErrors"][0]["code"] == "ALREADY_CONVERTED"
    assert await count(tenant, customers) == 1 and await count(tenant, contacts) == 1


@pytest.mark.parametrize(
    ("deal", "field"),
    [
        ({"amount": "10", "currency": "XXX"}, "currency"),
        ({"amount": "-5", "currency": "EUR"}, "amount"),
        ({"amount": "10", "currency": "EUR", "stage": "foreign"}, "stage"),
    ],
)
async def test_conversion_is_all_or_nothing(gql, tenant, other_tenant, deal, field):
    rep = await tenant.token_for("sales_rep")
    lead = await create_lead(gql, rep, company="Analytical Engines")
    if deal.get("stage") == "foreign":  # a stage of another tenant's pipeline
        deal["stage"] = (await stages(gql, other_tenant.admin_token))["Proposal"]
    payload = await mutate(gql, "convertLead", {"id": lead["id"], "deal": deal}, rep, CONVERT)
    assert payload["customer"] is None
    assert [e["field"] for e in payload["userErrors"]] == [field]
    # the customer and contact were written before the deal failed: both are gone
    assert await count(tenant, customers) == 0
    assert await count(tenant, contacts) == 0
    assert await count(tenant, deals) == 0
    stored = await row(tenant, leads, lead["id"])
    assert (stored.status, stored.converted_customer_id, stored.version) == ("new", None, 1)


async def test_convert_with_deal_opens_it_in_the_first_stage(gql, tenant):
    rep = await tenant.token_for("sales_rep")
    lead = await create_lead(gql, rep)
    input = {"id": lead["id"], "deal": {"amount": "2500.00", "currency": "usd"}}
    payload = await ok(gql, "convertLead", input, rep, CONVERT)
    assert payload["deal"]["stage"]["name"] == "Qualification"
    stored = await row(tenant, leads, lead["id"])
    assert stored.converted_deal_id == uuid_of(payload["deal"]["id"])


async def test_lead_filters_and_order(gql, tenant):
    manager_id = await tenant.user("sales_manager")
    manager = tenant.token(manager_id)
    rep = await tenant.token_for("sales_rep")
    await create_lead(gql, manager, name="Zoe", company="Umbrella", email="zoe@u.example")
    await create_lead(gql, manager, name="Adam", company="Acme", status="QUALIFIED")
    await create_lead(gql, rep, name="Rob", company="Umbrella 2", email="rob@u.example")

    async def names(filter=None, order=None):
        query = "query($f: LeadFilter, $o: LeadOrder) { leads(filter: $f, orderBy: $o) { nodes { name } } }"
        data = (await gql(query, {"f": filter, "o": order}, token=manager)).ok()
        return [n["name"] for n in data["leads"]["nodes"]]

    assert await names(order={"field": "NAME"}) == ["Adam", "Rob", "Zoe"]
    assert await names(order={"field": "NAME", "direction": "DESC"}) == ["Zoe", "Rob", "Adam"]
    assert await names({"search": "umbrella"}, {"field": "NAME"}) == ["Rob", "Zoe"]
    assert await names({"status": ["QUALIFIED"]}) == ["Adam"]
    assert await names({"ownedByMe": True}, {"field": "NAME"}) == ["Adam", "Zoe"]
    assert await names({"search": "%"}) == []
