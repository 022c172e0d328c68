"""Customers and contacts: profile for sales, credit for accounting, timeline newest first."""

from __future__ import annotations

import pytest

from domain.crm.models import contacts, customers
from tests.support.crm import count, create_customer, create_deal, mutate, ok, row, stages
from tests.support.hr import add_employee

CUSTOMER = "customer { id name creditLimit paymentTermsDays version }"


async def test_create_customer_with_addresses_and_contact(gql, tenant):
    rep = await tenant.token_for("sales_rep")
    input = {
        "name": "Initech",
        "kind": "COMPANY",
        "taxId": "DE123",
        "billingAddress": {"line1": "1 Main St", "city": "Berlin", "country": "de"},
    }
    payload = await ok(
        gql, "createCustomer", input, rep, "customer { id taxId billingAddress { city country } }"
    )
    customer = payload["customer"]
    assert customer["billingAddress"] == {"city": "Berlin", "country": "DE"}
    contact = await ok(
        gql,
        "createContact",
        {"customer": customer["id"], "name": "Peter", "email": "peter@initech.example"},
        rep,
        "contact { name customer { name } }",
    )
    assert contact["contact"] == {"name": "Peter", "customer": {"name": "Initech"}}
    query = "query($id: ID!) { node(id: $id) { ... on Customer { contacts { name } } } }"
    data = (await gql(query, {"id": customer["id"]}, token=rep)).ok()
    assert data["node"]["contacts"] == [{"name": "Peter"}]


async def test_contact_with_invalid_email_writes_nothing(gql, tenant):
    customer = await create_customer(gql, tenant.admin_token)
    payload = await mutate(
        gql,
        "createContact",
        {"customer": customer["id"], "name": "P", "email": "p@"},
        tenant.admin_token,
        "contact { id }",
    )
    assert payload["userErrors"][0]["field"] == "email"
    assert await count(tenant, contacts) == 0


async def test_sales_rep_reads_credit_but_cannot_write_it(gql, tenant):
    admin = tenant.admin_token
    customer = await create_customer(gql, admin, creditLimit="5000", creditCurrency="EUR")
    rep = await tenant.token_for("sales_rep")
    data = (await gql("{ customers { nodes { creditLimit paymentTermsDays } } }", token=rep)).ok()
    assert data["customers"]["nodes"] == [{"creditLimit": "5000.0000", "paymentTermsDays": 30}]

    result = await gql(
        'mutation($id: ID!) { updateCustomer(input: {id: $id, version: 1, creditLimit: "9"}) { customer { id } } }',
        {"id": customer["id"]},
        token=rep,
    )
    assert result.codes == ["FORBIDDEN"]
    result = await gql(
        'mutation { createCustomer(input: {name: "X", creditLimit: "1", creditCurrency: "EUR"}) { customer { id } } }',
        token=rep,
    )
    assert result.codes == ["FORBIDDEN"]
    stored = await row(tenant, customers, customer["id"])
    assert (stored.credit_limit, stored.version) == (5000, 1)
    assert await count(tenant, customers) == 1


async def test_accountant_edits_credit_but_not_the_profile(gql, tenant):
    customer = await create_customer(gql, tenant.admin_token)
    accountant = await tenant.token_for("accountant")
    input = {
        "id": customer["id"],
        "version": 1,
        "creditLimit": "750.50",
        "creditCurrency": "EUR",
        "paymentTermsDays": 14,
    }
    payload = await ok(gql, "updateCustomer", input, accountant, CUSTOMER)
    assert payload["customer"]["creditLimit"] == "750.5000"
    assert payload["customer"]["paymentTermsDays"] == 14

    for input in ({"id": customer["id"], "version": 2, "name": "Renamed"}, {"name": "New"}):
        name = "updateCustomer" if "id" in input else "createCustomer"
        result = await gql(
            f"mutation($input: {name[0].upper()}{name[1:]}Input!) {{ {name}(input: $input) {{ customer {{ id }} }} }}",
            {"input": input},
            token=accountant,
        )
        assert result.codes == ["FORBIDDEN"]
    stored = await row(tenant, customers, customer["id"])
    assert (stored.name, stored.version) == ("Initech", 2)


async def test_credit_limit_needs_a_known_currency(gql, tenant):
    customer = await create_customer(gql, tenant.admin_token)
    for extra, field in (({"creditCurrency": "ABC"}, "creditCurrency"), ({}, "creditCurrency")):
        input = {"id": customer["id"], "version": 1, "creditLimit": "10", **extra}
        payload = await mutate(gql, "updateCustomer", input, tenant.admin_token, CUSTOMER)
        assert payload["userErrors"][0]["field"] == field
    assert (await row(tenant, customers, customer["id"])).credit_limit is None


async def test_warehouse_reads_the_profile_only(gql, tenant):
    await create_customer(gql, tenant.admin_token, creditLimit="1", creditCurrency="EUR")
    token = await tenant.token_for("warehouse")
    data = (await gql("{ customers { nodes { name } } }", token=token)).ok()
    assert data["customers"]["nodes"] == [{"name": "Initech"}]
    result = await gql("{ customers { nodes { name creditLimit } } }", token=token)
    assert result.data["customers"]["nodes"] == [{"name": "Initech", "creditLimit": None}]
    assert result.error_paths("FORBIDDEN") == [["customers", "nodes", 0, "creditLimit"]]
    result = await gql('{ customers(filter: {search: "Ini"}) { nodes { name } } }', token=token)
    assert result.codes == []


@pytest.mark.parametrize("role", ["hr_manager", None])
async def test_no_customers_without_access(gql, tenant, role):
    await create_customer(gql, tenant.admin_token)
    token = await tenant.token_for(role) if role else None
    result = await gql("{ customers { nodes { name } } }", token=token)
    assert result.nothing
    assert result.codes == ["FORBIDDEN" if role else "UNAUTHENTICATED"]


async def test_timeline_lists_activities_and_deal_events_newest_first(gql, tenant):
    rep = await tenant.token_for("sales_rep")
    customer = await create_customer(gql, rep)
    deal = await create_deal(gql, rep, customer["id"])
    await ok(
        gql,
        "logActivity",
        {"kind": "CALL", "subject": "Intro call", "customer": customer["id"], "done": True},
        rep,
        "activity { id }",
    )
    await ok(
        gql,
        "moveDealStage",
        {"id": deal["id"], "stage": (await stages(gql, rep))["Proposal"]},
        rep,
        "deal { id }",
    )
    query = """query($id: ID!) { node(id: $id) { ... on Customer { timeline {
        kind activity { subject } change { event toStage { name } deal { title } } } } } }"""
    timeline = (await gql(query, {"id": customer["id"]}, token=rep)).ok()["node"]["timeline"]
    assert [t["kind"] for t in timeline] == ["moved", "activity", "created"]
    assert timeline[0]["change"]["toStage"]["name"] == "Proposal"
    assert timeline[1]["activity"]["subject"] == "Intro call"

    # the accountant reads deals but not activities: the timeline shows deal events only
    accountant = await tenant.token_for("accountant")
    timeline = (
        await gql(
            query.replace("activity { subject } ", ""), {"id": customer["id"]}, token=accountant
        )
    ).ok()["node"]["timeline"]
    assert [t["kind"] for t in timeline] == ["moved", "created"]


CONTACTS = "{ contacts { nodes { name customer { name } } } }"


async def test_contacts_matrix(gql, tenant, other_tenant):
    admin = tenant.admin_token
    customer = await create_customer(gql, admin)
    await ok(
        gql, "createContact", {"customer": customer["id"], "name": "Peter"}, admin, "contact { id }"
    )
    expected = [{"name": "Peter", "customer": {"name": "Initech"}}]
    for role in ("sales_rep", "sales_manager", "accountant", "warehouse"):
        data = (await gql(CONTACTS, token=await tenant.token_for(role))).ok()
        assert data["contacts"]["nodes"] == expected, role
    assert (await gql(CONTACTS, token=await tenant.token_for("hr_manager"))).codes == ["FORBIDDEN"]
    assert (await gql(CONTACTS)).codes == ["UNAUTHENTICATED"]
    assert (await gql(CONTACTS, token=other_tenant.admin_token)).ok()["contacts"]["nodes"] == []

    # reading is not writing: accountant and warehouse add no contacts, nor to another tenant
    for role in ("accountant", "warehouse"):
        result = await gql(
            'mutation($c: ID!) { createContact(input: {customer: $c, name: "X"}) { contact { id } } }',
            {"c": customer["id"]},
            token=await tenant.token_for(role),
        )
        assert result.codes == ["FORBIDDEN"]
    payload = await mutate(
        gql,
        "createContact",
        {"customer": customer["id"], "name": "X"},
        other_tenant.admin_token,
        "contact { id }",
    )
    assert payload["userErrors"][0]["code"] == "NOT_FOUND"
    assert await count(tenant, contacts) == 1 and await count(other_tenant, contacts) == 0


async def test_update_contact_with_version(gql, tenant):
    rep = await tenant.token_for("sales_rep")
    customer = await create_customer(gql, rep)
    made = await ok(
        gql, "createContact", {"customer": customer["id"], "name": "Peter"}, rep, "contact { id }"
    )
    input = {
        "id": made["contact"]["id"],
        "version": 1,
        "title": "CFO",
        "email": "p@initech.example",
    }
    updated = await ok(gql, "updateContact", input, rep, "contact { title version }")
    assert updated["contact"] == {"title": "CFO", "version": 2}
    for values, code in (
        ({"version": 1}, "CONFLICT"),
        ({"version": 2, "email": "nope"}, "BAD_USER_INPUT"),
    ):
        payload = await mutate(
            gql, "updateContact", {**input, **values, "title": "CEO"}, rep, "contact { id }"
        )
        assert payload["userErrors"][0]["code"] == code
    stored = await row(tenant, contacts, made["contact"]["id"])
    assert (stored.title, stored.version) == ("CFO", 2)
    result = await gql(
        "mutation($i: UpdateContactInput!) { updateContact(input: $i) { contact { id } } }",
        {"i": {"id": made["contact"]["id"], "version": 2, "title": "X"}},
        token=await tenant.token_for("warehouse"),
    )
    assert result.codes == ["FORBIDDEN"]
    assert (await row(tenant, contacts, made["contact"]["id"])).title == "CFO"


async def test_timeline_keeps_the_newest_entries(gql, tenant):
    admin = tenant.admin_token
    customer = await create_customer(gql, admin)
    names = await stages(gql, admin)
    deal = await create_deal(gql, admin, customer["id"])
    for subject in ("first", "second", "third"):
        input = {"kind": "NOTE", "subject": subject, "customer": customer["id"]}
        await ok(gql, "logActivity", input, admin, "activity { id }")
    await ok(
        gql, "moveDealStage", {"id": deal["id"], "stage": names["Proposal"]}, admin, "deal { id }"
    )
    query = """query($id: ID!, $n: Int!) { node(id: $id) { ... on Customer {
        timeline(first: $n) { kind activity { subject } } } } }"""
    timeline = (await gql(query, {"id": customer["id"], "n": 3}, token=admin)).ok()["node"][
        "timeline"
    ]
    assert [(t["kind"], t["activity"] and t["activity"]["subject"]) for t in timeline] == [
        ("moved", None),
        ("activity", "third"),
        ("activity", "second"),
    ]


async def test_a_refused_root_field_leaves_the_others_intact(gql, tenant):
    """Issue 3: a field the role may not read is null with FORBIDDEN at its path and the
    rest of the response is intact — root fields included (they are nullable)."""
    await create_customer(gql, tenant.admin_token)
    await add_employee(tenant, "Ada", salary=5000)
    token = await tenant.token_for("sales_rep")
    result = await gql(
        "{ customers { nodes { name } } auditEvents { nodes { action } } "
        "employees { nodes { salary } } viewer { tenant { slug } } }",
        token=token,
    )
    assert result.data["customers"]["nodes"] and result.data["viewer"]["tenant"]["slug"]
    assert result.data["auditEvents"] is None
    assert result.error_paths("FORBIDDEN")[0] == ["auditEvents"]
    assert result.data["employees"]["nodes"] == [{"salary": None}]  # and FORBIDDEN at its path
    assert ["employees", "nodes", 0, "salary"] in result.error_paths("FORBIDDEN")
