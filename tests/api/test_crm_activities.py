"""Activities and follow-ups: logging, completing, my overdue follow-ups, record scope."""

from __future__ import annotations

import pytest

from domain.crm.models import activities
from tests.support.crm import count, create_customer, create_lead, mutate, ok, row

ACTIVITY = "activity { id subject overdue completedAt version assignedTo { name } }"
OVERDUE = """{ activities(filter: {assignedToMe: true, overdue: true}, orderBy: {field: DUE_AT}) {
    nodes { subject overdue } } }"""
PAST, FUTURE = "2020-01-01T09:00:00+00:00", "2999-01-01T09:00:00+00:00"


async def log(gql, token, subject, **values):
    input = {"kind": "TASK", "subject": subject, **values}
    return (await ok(gql, "logActivity", input, token, ACTIVITY))["activity"]


async def test_my_overdue_follow_ups(gql, tenant):
    rep_a, rep_b = await tenant.user("sales_rep"), await tenant.user("sales_rep")
    a, b = tenant.token(rep_a), tenant.token(rep_b)
    lead = await create_lead(gql, a)
    late = await log(gql, a, "Call back", dueAt=PAST, lead=lead["id"])
    await log(gql, a, "Later", dueAt=FUTURE)
    await log(gql, a, "No date")
    await log(gql, b, "Someone else's", dueAt=PAST)
    assert late["overdue"] is True

    data = (await gql(OVERDUE, token=a)).ok()
    assert data["activities"]["nodes"] == [{"subject": "Call back", "overdue": True}]

    done = await ok(gql, "completeActivity", {"id": late["id"], "version": 1}, a, ACTIVITY)
    assert done["activity"]["completedAt"] and done["activity"]["overdue"] is False
    assert (await gql(OVERDUE, token=a)).ok()["activities"]["nodes"] == []

    again = await mutate(gql, "completeActivity", {"id": late["id"]}, a, ACTIVITY)
    assert again["userErrors"][0]["field"] == "id"


async def test_order_by_due_date_pages_through_missing_dates(gql, tenant):
    token = tenant.admin_token
    for subject, due in (("b", FUTURE), ("none", None), ("a", PAST)):
        await log(gql, token, subject, **({"dueAt": due} if due else {}))
    query = """query($after: String) { activities(orderBy: {field: DUE_AT}, first: 2, after: $after) {
        nodes { subject } pageInfo { endCursor } } }"""
    first = (await gql(query, token=token)).ok()["activities"]
    rest = (await gql(query, {"after": first["pageInfo"]["endCursor"]}, token=token)).ok()
    subjects = [n["subject"] for n in first["nodes"] + rest["activities"]["nodes"]]
    assert subjects == ["a", "b", "none"]


async def test_sales_rep_sees_and_completes_only_own(gql, tenant):
    rep_a, rep_b = await tenant.user("sales_rep"), await tenant.user("sales_rep")
    theirs = await log(gql, tenant.token(rep_b), "Theirs", dueAt=PAST)
    token = tenant.token(rep_a)
    assert (await gql("{ activities { nodes { id } } }", token=token)).ok()["activities"][
        "nodes"
    ] == []
    payload = await mutate(gql, "completeActivity", {"id": theirs["id"]}, token, ACTIVITY)
    assert payload["userErrors"][0]["code"] == "NOT_FOUND"
    assert (await row(tenant, activities, theirs["id"])).completed_at is None

    # nor can a rep assign work to someone else, or link it to another rep's lead
    lead = await create_lead(gql, tenant.token(rep_b))
    query = "{ viewer { user { id } } }"
    b_id = (await gql(query, token=tenant.token(rep_b))).ok()["viewer"]["user"]["id"]
    for values, code in (({"assignedTo": b_id}, "FORBIDDEN"), ({"lead": lead["id"]}, "NOT_FOUND")):
        payload = await mutate(
            gql, "logActivity", {"kind": "CALL", "subject": "x", **values}, token, ACTIVITY
        )
        assert payload["userErrors"][0]["code"] == code
    assert await count(tenant, activities) == 1


async def test_manager_assigns_follow_ups(gql, tenant):
    rep_id = await tenant.user("sales_rep", name="Rita")
    rep = tenant.token(rep_id)
    rep_gid = (await gql("{ viewer { user { id } } }", token=rep)).ok()["viewer"]["user"]["id"]
    manager = await tenant.token_for("sales_manager")
    customer = await create_customer(gql, manager)
    made = await log(gql, manager, "Visit", assignedTo=rep_gid, dueAt=PAST, customer=customer["id"])
    assert made["assignedTo"]["name"] == "Rita"
    assert (await gql(OVERDUE, token=rep)).ok()["activities"]["nodes"] == [
        {"subject": "Visit", "overdue": True}
    ]


@pytest.mark.parametrize("role", ["accountant", "warehouse", "hr_manager"])
async def test_roles_without_activities(gql, tenant, role):
    await log(gql, tenant.admin_token, "Secret plan")
    token = await tenant.token_for(role)
    assert (await gql("{ activities { nodes { id } } }", token=token)).codes == ["FORBIDDEN"]
    result = await gql(
        'mutation { logActivity(input: {kind: NOTE, subject: "x"}) { activity { id } } }',
        token=token,
    )
    assert result.codes == ["FORBIDDEN"]
    assert await count(tenant, activities) == 1


async def test_activity_needs_a_subject_and_a_zoned_due_time(gql, tenant):
    for values, field in (
        ({"subject": " "}, "subject"),
        ({"dueAt": "2030-01-01T09:00:00"}, "dueAt"),
    ):
        input = {"kind": "CALL", "subject": "Call", **values}
        payload = await mutate(gql, "logActivity", input, tenant.admin_token, ACTIVITY)
        assert payload["userErrors"][0]["field"] == field
    assert await count(tenant, activities) == 0


async def test_paging_backwards_by_due_date(gql, tenant):
    token = tenant.admin_token
    for subject, due in (("b", FUTURE), ("none", None), ("a", PAST)):
        await log(gql, token, subject, **({"dueAt": due} if due else {}))
    query = """query($before: String) { activities(orderBy: {field: DUE_AT}, last: 2, before: $before) {
        nodes { subject } pageInfo { startCursor hasPreviousPage } } }"""
    last = (await gql(query, token=token)).ok()["activities"]
    assert [n["subject"] for n in last["nodes"]] == ["b", "none"]
    assert last["pageInfo"]["hasPreviousPage"]
    before = (await gql(query, {"before": last["pageInfo"]["startCursor"]}, token=token)).ok()
    assert [n["subject"] for n in before["activities"]["nodes"]] == ["a"]
