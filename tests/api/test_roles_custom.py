"""Custom roles as data: created, copied, edited at run time, validated, deleted."""

import pytest

from api.core.relay import to_global_id
from tests.support.admin import (
    ASSIGN_ROLE,
    CREATE_USER,
    DEACTIVATE,
    DELETE_ROLE,
    ROLES,
    UPDATE_ROLE,
    USERS,
    create_role,
    custom_role,
    grant,
    holder_of,
    role_by_key,
    snapshot,
)

USER_FIELDS = ["email", "name", "active", "role", "createdAt", "version"]
ROLE_FIELDS = ["key", "name", "description", "builtin", "permissions", "userCount", "version"]


def by_entity(role):
    return {p["entity"]: p for p in role["permissions"]}


async def test_a_role_from_scratch_grants_exactly_what_it_lists(gql, tenant):
    role = await custom_role(gql, tenant, "directory", grant("User", ["read"], ["email", "name"]))
    assert (role["builtin"], role["version"], role["userCount"]) == (False, 1, 0)
    user = by_entity(role)["User"]
    assert user["actions"] == ["read"] and user["scope"] == "all"
    assert user["readableFields"] == ["email", "name"] and user["writableFields"] == []
    assert by_entity(role)["Role"]["actions"] == [] and by_entity(role)["Role"]["scope"] is None


async def test_a_copy_of_a_built_in_role_grants_what_it_grants(gql, tenant):
    for key in ("sales_rep", "tenant_admin"):
        source = await role_by_key(gql, tenant.admin_token, key)
        payload = await create_role(gql, tenant.admin_token, f"my_{key}", copyFrom=source["id"])
        copy = payload["role"]
        assert payload["userErrors"] == [] and copy["builtin"] is False
        assert copy["permissions"] == source["permissions"]


async def test_a_copy_with_an_override_changes_only_that_entity(gql, tenant):
    admin = await role_by_key(gql, tenant.admin_token, "tenant_admin")
    payload = await create_role(
        gql,
        tenant.admin_token,
        "deputy",
        grant("User", ["read"], ["email", "name", "active"]),
        copyFrom=admin["id"],
    )
    copy = by_entity(payload["role"])
    assert copy["User"]["actions"] == ["read"] and copy["User"]["writableFields"] == []
    assert {k: v for k, v in copy.items() if k != "User"} == {
        k: v for k, v in by_entity(admin).items() if k != "User"
    }


BAD_GRANTS = [
    (grant("Spaceship", ["read"]), "permissions.Spaceship", "unknown entity 'Spaceship'"),
    (grant("User", ["read"], ["salary"]), "permissions.User.read", "User has no field 'salary'"),
    (
        grant("User", ["update"], [], ["colour"]),
        "permissions.User.write",
        "User has no field 'colour'",
    ),
    (grant("User", ["read", "launch"]), "permissions.User.actions", "User has no action 'launch'"),
    (grant("User", ["read"], scope="galaxy"), "permissions.User.scope", "unknown scope 'galaxy'"),
    (
        grant("User", ["update"], [], ["active"]),
        "permissions.User.write",
        "User.active is read-only",
    ),
]


@pytest.mark.parametrize(("bad", "field", "message"), BAD_GRANTS)
async def test_unknown_names_in_a_role_are_user_errors_and_nothing_is_written(
    gql, tenant, bad, field, message
):
    before = await snapshot(tenant)
    payload = await create_role(gql, tenant.admin_token, "broken", bad)
    assert payload["role"] is None
    assert [(e["field"], e["code"]) for e in payload["userErrors"]] == [(field, "BAD_USER_INPUT")]
    assert message in payload["userErrors"][0]["message"]
    assert await snapshot(tenant) == before

    # the same validation guards an edit
    role = await custom_role(gql, tenant, "fine", grant("User", ["read"], ["email"]))
    before = await snapshot(tenant)
    result = await gql(
        UPDATE_ROLE,
        {"input": {"id": role["id"], "version": role["version"], "permissions": [bad]}},
        token=tenant.admin_token,
    )
    assert [e["field"] for e in result.ok()["updateRole"]["userErrors"]] == [field]
    assert await snapshot(tenant) == before


async def test_key_name_and_duplicates_are_checked(gql, tenant):
    await custom_role(gql, tenant, "auditor")
    duplicate = await create_role(gql, tenant.admin_token, "auditor")
    assert [(e["field"], e["code"]) for e in duplicate["userErrors"]] == [("key", "DUPLICATE")]
    builtin_key = await create_role(gql, tenant.admin_token, "sales_rep")
    assert builtin_key["userErrors"][0]["code"] == "DUPLICATE"
    bad_key = await create_role(gql, tenant.admin_token, "Not A Key")
    assert bad_key["userErrors"][0]["field"] == "key"
    twice = await create_role(
        gql, tenant.admin_token, "twice", grant("User", ["read"]), grant("User", [])
    )
    assert twice["userErrors"][0]["field"] == "permissions"


async def test_an_edited_role_changes_the_very_next_response(gql, tenant):
    role = await custom_role(gql, tenant, "viewer_of_people", grant("User", ["read"], ["email"]))
    _, token = await holder_of(gql, tenant, role)
    query = "{ users { nodes { email name } } }"

    first = await gql(query, token=token)
    assert first.codes and set(first.codes) == {"FORBIDDEN"}
    assert {tuple(p[-1:]) for p in first.error_paths()} == {("name",)}

    edited = await gql(
        UPDATE_ROLE,
        {
            "input": {
                "id": role["id"],
                "version": role["version"],
                "permissions": [grant("User", ["read"], ["email", "name"])],
            }
        },
        token=tenant.admin_token,
    )
    assert edited.ok()["updateRole"]["role"]["version"] == role["version"] + 1
    second = (await gql(query, token=token)).ok()
    assert all(n["name"] for n in second["users"]["nodes"])

    # and back: taking the entity away refuses the whole list on the next request
    await gql(
        UPDATE_ROLE,
        {
            "input": {
                "id": role["id"],
                "version": role["version"] + 1,
                "permissions": [grant("User", [])],
            }
        },
        token=tenant.admin_token,
    )
    third = await gql(query, token=token)
    assert third.codes == ["FORBIDDEN"] and third.nothing


async def test_update_merges_per_entity_and_checks_the_version(gql, tenant):
    role = await custom_role(
        gql, tenant, "mixed", grant("User", ["read"], ["email"]), grant("Role", ["read"], ["key"])
    )
    stale = await gql(
        UPDATE_ROLE,
        {"input": {"id": role["id"], "version": role["version"] + 5, "name": "Renamed"}},
        token=tenant.admin_token,
    )
    assert stale.ok()["updateRole"]["userErrors"][0]["code"] == "CONFLICT"

    updated = (
        await gql(
            UPDATE_ROLE,
            {
                "input": {
                    "id": role["id"],
                    "version": role["version"],
                    "name": "Renamed",
                    "permissions": [grant("Role", ["read"], ["key", "name"])],
                }
            },
            token=tenant.admin_token,
        )
    ).ok()["updateRole"]["role"]
    assert updated["name"] == "Renamed"
    assert by_entity(updated)["User"]["readableFields"] == ["email"]  # untouched
    assert by_entity(updated)["Role"]["readableFields"] == ["key", "name"]


async def test_built_in_roles_are_read_only(gql, tenant):
    rep = await role_by_key(gql, tenant.admin_token, "sales_rep")
    before = await snapshot(tenant)
    update = await gql(
        UPDATE_ROLE,
        {"input": {"id": rep["id"], "version": rep["version"], "name": "X"}},
        token=tenant.admin_token,
    )
    assert update.ok()["updateRole"]["userErrors"][0]["code"] == "READ_ONLY"
    delete = await gql(DELETE_ROLE, {"input": {"id": rep["id"]}}, token=tenant.admin_token)
    assert delete.ok()["deleteRole"]["userErrors"][0]["code"] == "READ_ONLY"
    assert await snapshot(tenant) == before


async def test_a_role_in_use_cannot_be_deleted(gql, tenant):
    role = await custom_role(gql, tenant, "temp", grant("User", ["read"], ["email"]))
    user, _ = await holder_of(gql, tenant, role)
    before = await snapshot(tenant)
    refused = (
        await gql(DELETE_ROLE, {"input": {"id": role["id"]}}, token=tenant.admin_token)
    ).ok()["deleteRole"]
    assert refused["deletedRoleId"] is None
    assert [(e["field"], e["code"]) for e in refused["userErrors"]] == [("id", "IN_USE")]
    assert await snapshot(tenant) == before

    rep = await role_by_key(gql, tenant.admin_token, "sales_rep")
    moved = await gql(
        ASSIGN_ROLE,
        {"input": {"userId": user["id"], "roleId": rep["id"]}},
        token=tenant.admin_token,
    )
    assert moved.ok()["assignRole"]["userErrors"] == []
    deleted = (
        await gql(
            DELETE_ROLE, {"input": {"id": role["id"], "version": 1}}, token=tenant.admin_token
        )
    ).ok()["deleteRole"]
    assert deleted == {"deletedRoleId": role["id"], "userErrors": []}
    gone = await gql(
        "query($id: ID!) { node(id: $id) { id } }", {"id": role["id"]}, token=tenant.admin_token
    )
    assert gone.codes == ["NOT_FOUND"]


async def test_nobody_grants_what_they_do_not_hold(gql, tenant):
    # a user administrator who may manage users and roles, but reads no audit log
    manager = await custom_role(
        gql,
        tenant,
        "user_admin",
        grant("User", ["read", "create", "update"], USER_FIELDS, ["email", "name", "role"]),
        grant(
            "Role",
            ["read", "create", "update"],
            ROLE_FIELDS,
            ["key", "name", "description", "permissions"],
        ),
    )
    _, token = await holder_of(gql, tenant, manager)
    before = await snapshot(tenant)

    wider = await create_role(gql, token, "snoop", grant("AuditEvent", ["read"], ["action"]))
    assert [(e["field"], e["code"]) for e in wider["userErrors"]] == [("permissions", "FORBIDDEN")]
    assert "AuditEvent" in wider["userErrors"][0]["message"]

    admin = await role_by_key(gql, tenant.admin_token, "tenant_admin")
    copy = await create_role(gql, token, "my_admin", copyFrom=admin["id"])
    assert copy["userErrors"][0]["code"] == "FORBIDDEN"

    made = await gql(
        CREATE_USER,
        {"input": {"email": f"boss@{tenant.slug}.example", "name": "Boss", "roleId": admin["id"]}},
        token=token,
    )
    assert [(e["field"], e["code"]) for e in made.ok()["createUser"]["userErrors"]] == [
        ("roleId", "FORBIDDEN")
    ]
    target = await tenant.user("sales_rep")
    promoted = await gql(
        ASSIGN_ROLE,
        {"input": {"userId": to_global_id("User", target), "roleId": admin["id"]}},
        token=token,
    )
    assert promoted.ok()["assignRole"]["userErrors"][0]["code"] == "FORBIDDEN"
    assert (await snapshot(tenant))[1] == before[1]  # no role written

    # within its own rights it may: a narrower role, and users holding it
    narrow = await create_role(gql, token, "readers", grant("User", ["read"], ["email"]))
    assert narrow["userErrors"] == []
    ok = await gql(
        CREATE_USER,
        {
            "input": {
                "email": f"r@{tenant.slug}.example",
                "name": "R",
                "roleId": narrow["role"]["id"],
            }
        },
        token=token,
    )
    assert ok.ok()["createUser"]["userErrors"] == []
    listed = (await gql(ROLES, token=token)).ok()["roles"]["nodes"]
    assert "readers" in {r["key"] for r in listed}
    assert (await gql(USERS, token=token)).ok()["users"]["nodes"]


async def test_a_user_administrator_acts_only_within_its_own_rights(gql, tenant):
    manager = await custom_role(
        gql,
        tenant,
        "people_admin",
        grant("User", ["read", "update", "deactivate"], USER_FIELDS, ["role"]),
        grant("Role", ["read", "update"], ROLE_FIELDS, ["name", "permissions"]),
    )
    _, token = await holder_of(gql, tenant, manager)
    rep = await role_by_key(gql, tenant.admin_token, "sales_rep")
    admin = to_global_id("User", tenant.admin_id)
    before = await snapshot(tenant)

    # the tenant admin holds rights the manager does not: not theirs to demote or lock out
    demote = await gql(ASSIGN_ROLE, {"input": {"userId": admin, "roleId": rep["id"]}}, token=token)
    assert demote.ok()["assignRole"]["userErrors"][0]["code"] == "FORBIDDEN"
    lock_out = await gql(DEACTIVATE, {"input": {"id": admin}}, token=token)
    assert lock_out.ok()["deactivateUser"]["userErrors"][0]["code"] == "FORBIDDEN"
    assert await snapshot(tenant) == before

    # a role granting more than the manager holds may still be edited where the manager may grant
    wide = await custom_role(
        gql,
        tenant,
        "wide",
        grant("AuditEvent", ["read"], ["action"]),
        grant("User", ["read"], ["email"]),
    )
    narrower = await gql(
        UPDATE_ROLE,
        {
            "input": {
                "id": wide["id"],
                "version": 1,
                "permissions": [grant("User", ["read"], ["email", "name"])],
            }
        },
        token=token,
    )
    assert narrower.ok()["updateRole"]["userErrors"] == []
    assert by_entity(narrower.data["updateRole"]["role"])["AuditEvent"]["actions"] == ["read"]
    widened = await gql(
        UPDATE_ROLE,
        {
            "input": {
                "id": wide["id"],
                "version": 2,
                "permissions": [grant("AuditEvent", ["read"], ["action", "changes"])],
            }
        },
        token=token,
    )
    assert widened.ok()["updateRole"]["userErrors"][0]["code"] == "FORBIDDEN"
