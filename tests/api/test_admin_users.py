"""Tenant administration of users: lists, node(id:), create, (de)activate, assign a role,
and the rule that a tenant always keeps an active tenant admin."""

from api.core.relay import to_global_id
from tests.support.admin import (
    ASSIGN_ROLE,
    CREATE_USER,
    DEACTIVATE,
    DELETE_ROLE,
    REACTIVATE,
    UPDATE_ROLE,
    USERS,
    custom_role,
    grant,
    role_by_key,
    snapshot,
)

NODE = "query($id: ID!) { node(id: $id) { id ... on User { email } ... on Role { key } } }"


def errors(payload):
    return [(e["field"], e["code"]) for e in payload["userErrors"]]


async def test_users_filter_order_and_page(gql, tenant):
    token = tenant.admin_token
    rep = await role_by_key(gql, token, "sales_rep")
    for name in ("Carol", "Alice", "Bob"):
        await tenant.user("sales_rep", email=f"{name.lower()}@{tenant.slug}.example", name=name)

    reps = (await gql(USERS, {"filter": {"role": rep["id"]}}, token=token)).ok()["users"]
    assert [u["email"].split("@")[0] for u in reps["nodes"]] == ["alice", "bob", "carol"]

    by_name = {"field": "NAME", "direction": "DESC"}
    page = (await gql(USERS, {"orderBy": by_name, "first": 2}, token=token)).ok()["users"]
    assert [u["name"] for u in page["nodes"]] == ["Carol", "Bob"]
    assert page["pageInfo"]["hasNextPage"]
    rest = (
        await gql(USERS, {"orderBy": by_name, "after": page["pageInfo"]["endCursor"]}, token=token)
    ).ok()["users"]
    assert [u["name"] for u in rest["nodes"]] == ["Alice", "Admin"]

    found = (await gql(USERS, {"filter": {"search": "ARO"}}, token=token)).ok()["users"]["nodes"]
    assert [u["name"] for u in found] == ["Carol"]
    none_inactive = (await gql(USERS, {"filter": {"active": False}}, token=token)).ok()
    assert none_inactive["users"]["nodes"] == []


async def test_node_finds_users_and_roles_of_the_tenant_only(gql, tenant, other_tenant):
    user = to_global_id("User", tenant.admin_id)
    found = (await gql(NODE, {"id": user}, token=tenant.admin_token)).ok()["node"]
    assert found["email"] == f"admin@{tenant.slug}.example"
    rep = await role_by_key(gql, tenant.admin_token, "sales_rep")
    assert (await gql(NODE, {"id": rep["id"]}, token=tenant.admin_token)).ok()["node"][
        "key"
    ] == "sales_rep"

    for global_id in (user, rep["id"]):
        result = await gql(NODE, {"id": global_id}, token=other_tenant.admin_token)
        assert result.codes == ["NOT_FOUND"] and result.data["node"] is None


async def test_ids_of_another_tenant_are_not_found_in_every_mutation(gql, tenant, other_tenant):
    theirs_user = to_global_id("User", other_tenant.admin_id)
    theirs_role = (await role_by_key(gql, other_tenant.admin_token, "sales_rep"))["id"]
    custom = await custom_role(gql, other_tenant, "theirs", grant("User", ["read"], ["email"]))
    mine_role = (await role_by_key(gql, tenant.admin_token, "sales_rep"))["id"]
    mine_user = to_global_id("User", await tenant.user("sales_rep"))
    before, before_other = await snapshot(tenant), await snapshot(other_tenant)
    attempts = [
        (DEACTIVATE, "deactivateUser", {"id": theirs_user}, "id"),
        (REACTIVATE, "reactivateUser", {"id": theirs_user}, "id"),
        (ASSIGN_ROLE, "assignRole", {"userId": theirs_user, "roleId": mine_role}, "userId"),
        (ASSIGN_ROLE, "assignRole", {"userId": mine_user, "roleId": theirs_role}, "roleId"),
        (
            CREATE_USER,
            "createUser",
            {"email": f"x@{tenant.slug}.example", "name": "X", "roleId": theirs_role},
            "roleId",
        ),
        (UPDATE_ROLE, "updateRole", {"id": custom["id"], "version": 1, "name": "Mine"}, "id"),
        (DELETE_ROLE, "deleteRole", {"id": custom["id"]}, "id"),
    ]
    for document, name, payload_input, field in attempts:
        payload = (await gql(document, {"input": payload_input}, token=tenant.admin_token)).ok()[
            name
        ]
        assert errors(payload) == [(field, "NOT_FOUND")], name
    assert await snapshot(tenant) == before
    assert await snapshot(other_tenant) == before_other


async def test_create_user_checks_email_and_duplicates(gql, tenant):
    rep = await role_by_key(gql, tenant.admin_token, "sales_rep")
    new = {"email": f" Dana@{tenant.slug}.example ", "name": "Dana", "roleId": rep["id"]}
    created = (await gql(CREATE_USER, {"input": new}, token=tenant.admin_token)).ok()["createUser"]
    assert created["userErrors"] == []
    assert created["user"]["email"] == f"dana@{tenant.slug}.example"
    assert created["user"]["role"]["key"] == "sales_rep" and created["user"]["active"] is True

    before = await snapshot(tenant)
    again = (
        await gql(
            CREATE_USER,
            {"input": {**new, "email": f"DANA@{tenant.slug}.example"}},
            token=tenant.admin_token,
        )
    ).ok()["createUser"]
    assert errors(again) == [("email", "DUPLICATE")]
    bad = (
        await gql(CREATE_USER, {"input": {**new, "email": "nope"}}, token=tenant.admin_token)
    ).ok()
    assert errors(bad["createUser"]) == [("email", "BAD_USER_INPUT")]
    assert await snapshot(tenant) == before


async def test_a_deactivated_user_is_locked_out_on_the_next_request_until_reactivated(gql, tenant):
    user_id = await tenant.user("sales_rep")
    token = tenant.token(user_id)
    assert (await gql("{ viewer { user { email } } }", token=token)).ok()
    user = to_global_id("User", user_id)

    stale = (
        await gql(DEACTIVATE, {"input": {"id": user, "version": 7}}, token=tenant.admin_token)
    ).ok()
    assert errors(stale["deactivateUser"]) == [("version", "CONFLICT")]
    done = (
        await gql(DEACTIVATE, {"input": {"id": user, "version": 1}}, token=tenant.admin_token)
    ).ok()
    assert done["deactivateUser"]["user"]["active"] is False
    assert (await gql("{ viewer { user { email } } }", token=token)).codes == ["UNAUTHENTICATED"]

    back = (await gql(REACTIVATE, {"input": {"id": user}}, token=tenant.admin_token)).ok()
    assert back["reactivateUser"]["user"]["active"] is True
    assert (await gql("{ viewer { user { email } } }", token=token)).ok()


async def test_the_last_active_admin_cannot_be_deactivated_or_reassigned(gql, tenant):
    admin = to_global_id("User", tenant.admin_id)
    rep = await role_by_key(gql, tenant.admin_token, "sales_rep")
    admin_role = await role_by_key(gql, tenant.admin_token, "tenant_admin")
    before = await snapshot(tenant)

    alone = (await gql(DEACTIVATE, {"input": {"id": admin}}, token=tenant.admin_token)).ok()
    assert errors(alone["deactivateUser"]) == [("id", "LAST_ADMIN")]
    moved = await gql(
        ASSIGN_ROLE, {"input": {"userId": admin, "roleId": rep["id"]}}, token=tenant.admin_token
    )
    assert errors(moved.ok()["assignRole"]) == [("userId", "LAST_ADMIN")]
    assert await snapshot(tenant) == before

    # an inactive second admin does not count
    second_id = await tenant.user("tenant_admin")
    second = to_global_id("User", second_id)
    await gql(DEACTIVATE, {"input": {"id": second}}, token=tenant.admin_token)
    still = await gql(
        ASSIGN_ROLE, {"input": {"userId": admin, "roleId": rep["id"]}}, token=tenant.admin_token
    )
    assert errors(still.ok()["assignRole"]) == [("userId", "LAST_ADMIN")]

    # an active one does: then the first admin may step down
    await gql(REACTIVATE, {"input": {"id": second}}, token=tenant.admin_token)
    stepped = await gql(
        ASSIGN_ROLE, {"input": {"userId": admin, "roleId": rep["id"]}}, token=tenant.admin_token
    )
    assert stepped.ok()["assignRole"]["user"]["role"]["key"] == "sales_rep"
    # the second admin is now the last one
    last = (await gql(DEACTIVATE, {"input": {"id": second}}, token=tenant.token(second_id))).ok()
    assert errors(last["deactivateUser"]) == [("id", "LAST_ADMIN")]
    # assigning the admin role again is always fine
    back = await gql(
        ASSIGN_ROLE,
        {"input": {"userId": admin, "roleId": admin_role["id"]}},
        token=tenant.token(second_id),
    )
    assert back.ok()["assignRole"]["user"]["role"]["key"] == "tenant_admin"


async def test_an_assigned_role_applies_from_the_next_request(gql, tenant):
    user_id = await tenant.user("sales_rep")
    token = tenant.token(user_id)
    assert (await gql("{ users { nodes { email } } }", token=token)).codes == ["FORBIDDEN"]
    readers = await custom_role(gql, tenant, "readers", grant("User", ["read"], ["email"]))
    assigned = await gql(
        ASSIGN_ROLE,
        {"input": {"userId": to_global_id("User", user_id), "roleId": readers["id"], "version": 1}},
        token=tenant.admin_token,
    )
    assert assigned.ok()["assignRole"]["user"]["version"] == 2
    emails = (await gql("{ users { nodes { email } } }", token=token)).ok()["users"]["nodes"]
    assert len(emails) == 2
    viewer = (await gql("{ viewer { user { roleKey } } }", token=token)).ok()
    assert viewer["viewer"]["user"]["roleKey"] == "readers"
