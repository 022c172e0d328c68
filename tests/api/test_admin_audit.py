"""The audit log: written by the database trigger, read newest first under the reader's
policy — values of fields the reader may not read are redacted."""

from api.core.relay import from_global_id, to_global_id
from tests.support.admin import (
    ASSIGN_ROLE,
    DEACTIVATE,
    UPDATE_ROLE,
    custom_role,
    grant,
    holder_of,
    role_by_key,
)

EVENT = "id entity entityId action occurredAt actor { id email } changes { field old new redacted }"
AUDIT = f"""query($filter: AuditEventFilter, $first: Int) {{
  auditEvents(filter: $filter, first: $first) {{ nodes {{ {EVENT} requestId }} }} }}"""
# without requestId, which the auditor below is not granted
AUDIT_BRIEF = AUDIT.replace("requestId", "")


async def events(gql, token, document=AUDIT, **filter):
    result = await gql(document, {"filter": filter}, token=token)
    return result.ok()["auditEvents"]["nodes"]


def changes(event):
    return {c["field"]: (c["old"], c["new"], c["redacted"]) for c in event["changes"]}


async def _history(gql, tenant):
    """A user created, given another role, then deactivated, all by the admin."""
    user_id = await tenant.user("sales_rep", name="Erin")
    user = to_global_id("User", user_id)
    accountant = await role_by_key(gql, tenant.admin_token, "accountant")
    await gql(
        ASSIGN_ROLE,
        {"input": {"userId": user, "roleId": accountant["id"]}},
        token=tenant.admin_token,
    )
    await gql(DEACTIVATE, {"input": {"id": user}}, token=tenant.admin_token)
    return user, accountant


async def test_a_rows_history_newest_first_with_who_and_what(gql, tenant):
    user, accountant = await _history(gql, tenant)
    found = await events(gql, tenant.admin_token, entity="User", entityId=user)
    assert [e["action"] for e in found] == ["update", "update", "insert"]
    assert {e["entityId"] for e in found} == {user}
    assert changes(found[0]) == {"active": (True, False, False)}
    old_role, new_role, _ = changes(found[1])["role"]  # as global ids, ready for node(id:)
    assert from_global_id(old_role)[0] == "Role" and new_role == accountant["id"]
    assert changes(found[2])["name"] == (None, "Erin", False)
    # the fixture wrote the insert without a user; the admin's mutations carry their id
    assert found[2]["actor"] is None
    assert found[0]["actor"]["id"] == to_global_id("User", tenant.admin_id)
    assert found[0]["requestId"]
    assert found[0]["occurredAt"] >= found[1]["occurredAt"] >= found[2]["occurredAt"]


async def test_filters_by_actor_and_time(gql, tenant):
    user, _ = await _history(gql, tenant)
    admin = to_global_id("User", tenant.admin_id)
    by_admin = await events(gql, tenant.admin_token, actor=admin)
    assert [e["action"] for e in by_admin] == ["update", "update"]
    newest = by_admin[0]["occurredAt"]
    assert (
        await events(gql, tenant.admin_token, occurredAt={"gte": newest}, actor=admin)
        == by_admin[:1]
    )
    older = await events(gql, tenant.admin_token, occurredAt={"lt": newest}, entityId=user)
    assert [e["action"] for e in older] == ["update", "insert"]
    bad = await gql(AUDIT, {"filter": {"entity": "Spaceship"}}, token=tenant.admin_token)
    assert bad.codes == ["BAD_USER_INPUT"]


async def test_an_edited_role_is_audited(gql, tenant):
    role = await custom_role(gql, tenant, "editable", grant("User", ["read"], ["email"]))
    await gql(
        UPDATE_ROLE,
        {
            "input": {
                "id": role["id"],
                "version": 1,
                "permissions": [grant("User", ["read"], ["email", "name"])],
            }
        },
        token=tenant.admin_token,
    )
    found = await events(gql, tenant.admin_token, entity="Role", entityId=role["id"])
    assert [e["action"] for e in found] == ["update", "insert"]
    old, new, redacted = changes(found[0])["permissions"]
    assert not redacted
    assert old["User"]["read"] == ["email"] and new["User"]["read"] == ["email", "name"]


async def test_values_the_reader_may_not_read_are_redacted(gql, tenant, other_tenant):
    user, _ = await _history(gql, tenant)
    auditor = await custom_role(
        gql,
        tenant,
        "auditor",
        grant(
            "AuditEvent",
            ["read"],
            ["occurredAt", "actor", "entity", "entityId", "action", "changes"],
        ),
        grant("User", ["read"], ["email", "active"]),
    )
    _, token = await holder_of(gql, tenant, auditor)
    found = await events(gql, token, AUDIT_BRIEF, entity="User", entityId=user)
    assert [e["action"] for e in found] == ["update", "update", "insert"]
    inserted = changes(found[2])
    assert inserted["email"][1].startswith("sales_rep.") and not inserted["email"][2]
    assert inserted["active"] == (None, True, False)
    assert inserted["name"] == (None, None, True)  # redacted
    assert changes(found[1]) == {"role": (None, None, True)}
    # requestId is not granted: that field alone is refused
    partial = await gql(AUDIT, {"filter": {"entityId": user}}, token=token)
    assert set(partial.codes) == {"FORBIDDEN"}
    assert {p[-1] for p in partial.error_paths()} == {"requestId"}

    # the auditor cannot read roles: their history is neither listed nor filterable
    listed = (await gql("{ auditEvents(first: 200) { nodes { entity } } }", token=token)).ok()
    assert {e["entity"] for e in listed["auditEvents"]["nodes"]} == {"User"}
    refused = await gql(AUDIT, {"filter": {"entity": "Role"}}, token=token)
    assert refused.codes == ["FORBIDDEN"]

    # another tenant's events are out of reach
    theirs = await gql(AUDIT, {"filter": {"entityId": user}}, token=other_tenant.admin_token)
    assert theirs.ok()["auditEvents"]["nodes"] == []


async def test_an_audit_event_by_node_id_follows_the_same_rules(gql, tenant, other_tenant):
    user, _ = await _history(gql, tenant)
    event = (await events(gql, tenant.admin_token, entityId=user))[0]
    query = "query($id: ID!) { node(id: $id) { ... on AuditEvent { action changes { field redacted } } } }"
    found = (await gql(query, {"id": event["id"]}, token=tenant.admin_token)).ok()["node"]
    assert found["action"] == "update"
    assert (await gql(query, {"id": event["id"]}, token=other_tenant.admin_token)).codes == [
        "NOT_FOUND"
    ]
    rep = await gql(query, {"id": event["id"]}, token=await tenant.token_for("sales_rep"))
    assert rep.codes == ["FORBIDDEN"] and rep.data["node"] is None
