"""Tenant administration is tenant_admin's through the catalog alone: every other
built-in role is refused every admin query and mutation, whatever the route, and
nothing changes."""

import pytest

from api.core.relay import to_global_id
from tenants.access.builtin import ADMIN_ROLE, BUILTIN_ROLES
from tests.support.admin import (
    ASSIGN_ROLE,
    CREATE_ROLE,
    CREATE_USER,
    DEACTIVATE,
    DELETE_ROLE,
    REACTIVATE,
    UPDATE_ROLE,
    custom_role,
    grant,
    holder_of,
    role_by_key,
    snapshot,
)

NON_ADMINS = [role.key for role in BUILTIN_ROLES if role.key != ADMIN_ROLE]
QUERIES = {
    "users": "{ users { nodes { id email } } }",
    "roles": "{ roles { nodes { id key } } }",
    "auditEvents": "{ auditEvents { nodes { id action } } }",
}


async def _targets(gql, tenant):
    """Ids every refused mutation aims at: a custom role, a user, the admin role."""
    role = await custom_role(gql, tenant, "target", grant("User", ["read"], ["email"]))
    user = to_global_id("User", await tenant.user("sales_rep"))
    admin_role = await role_by_key(gql, tenant.admin_token, "tenant_admin")
    perms = [grant("User", ["read"], ["email"])]
    return [
        (CREATE_ROLE, "createRole", {"key": "sneaky", "name": "S", "permissions": perms}),
        (UPDATE_ROLE, "updateRole", {"id": role["id"], "version": 1, "name": "Mine"}),
        (DELETE_ROLE, "deleteRole", {"id": role["id"]}),
        (
            CREATE_USER,
            "createUser",
            {"email": f"x@{tenant.slug}.example", "name": "X", "roleId": admin_role["id"]},
        ),
        (ASSIGN_ROLE, "assignRole", {"userId": user, "roleId": admin_role["id"]}),
        (DEACTIVATE, "deactivateUser", {"id": to_global_id("User", tenant.admin_id)}),
        (REACTIVATE, "reactivateUser", {"id": user}),
    ]


@pytest.mark.parametrize("role_key", NON_ADMINS)
async def test_non_admins_are_refused_every_mutation_and_nothing_changes(gql, tenant, role_key):
    # (their queries are refused at the root: tests/api/test_access_matrix.py)
    token = await tenant.token_for(role_key)
    mutations = await _targets(gql, tenant)
    before = await snapshot(tenant)
    for document, name, payload_input in mutations:
        result = await gql(document, {"input": payload_input}, token=token)
        assert result.codes == ["FORBIDDEN"] and result.nothing, name
    assert await snapshot(tenant) == before


async def test_anonymous_callers_are_unauthenticated(gql, tenant):
    for query in QUERIES.values():
        assert (await gql(query)).codes == ["UNAUTHENTICATED"]
    mutations = await _targets(gql, tenant)
    before = await snapshot(tenant)
    for document, _, payload_input in mutations:
        assert (await gql(document, {"input": payload_input})).codes == ["UNAUTHENTICATED"]
    assert await snapshot(tenant) == before


async def test_aliases_fragments_and_node_do_not_get_around_the_checks(gql, tenant):
    token = await tenant.token_for("sales_rep")
    admin = to_global_id("User", tenant.admin_id)
    documents = [
        "{ people: users { nodes { email } } }",
        "{ ...Admin } fragment Admin on Query { users { nodes { email } } }",
        "{ ... on Query { roles { nodes { key } } } }",
        "query($id: ID!) { node(id: $id) { ... on User { email } } }",
        "query($id: ID!) { n: node(id: $id) { ...U } } fragment U on User { name role { key } }",
        "{ viewer { user { email } } log: auditEvents { nodes { changes { field } } } }",
    ]
    for document in documents:
        result = await gql(document, {"id": admin}, token=token)
        assert "FORBIDDEN" in result.codes, document
        assert "admin@" not in str(result.data), document

    before = await snapshot(tenant)
    aliased = await gql(
        """mutation($id: ID!) { off: deactivateUser(input: {id: $id}) { user { active } } }""",
        {"id": admin},
        token=token,
    )
    assert aliased.codes == ["FORBIDDEN"]
    assert await snapshot(tenant) == before


async def test_a_field_not_granted_is_refused_by_any_route(gql, tenant):
    """A custom role that reads users' email only: name is refused in a fragment, by an
    alias and as a sort key, and a search matches on the email only."""
    role = await custom_role(gql, tenant, "emails", grant("User", ["read"], ["email"]))
    _, token = await holder_of(gql, tenant, role)
    via_fragment = await gql(
        "{ users { nodes { email ...N } } } fragment N on User { alias: name }", token=token
    )
    assert set(via_fragment.codes) == {"FORBIDDEN"}
    assert all(p[-1] == "alias" for p in via_fragment.error_paths())
    assert all(n["alias"] is None and n["email"] for n in via_fragment.data["users"]["nodes"])

    # (that a hidden field does not match: tests/api/test_search_access.py)
    searched = await gql('{ users(filter: {search: "example"}) { nodes { email } } }', token=token)
    assert searched.ok()["users"]["nodes"]
    for document in (
        "{ users(orderBy: {field: NAME}) { nodes { email } } }",
        "{ users { nodes { email role { key } } } }",  # Role is not readable at all
    ):
        result = await gql(document, token=token)
        assert "FORBIDDEN" in result.codes, document

    # and the write side: a role that reads users cannot create one
    before = await snapshot(tenant)
    rep = await role_by_key(gql, tenant.admin_token, "sales_rep")
    made = await gql(
        CREATE_USER,
        {"input": {"email": f"y@{tenant.slug}.example", "name": "Y", "roleId": rep["id"]}},
        token=token,
    )
    assert made.codes == ["FORBIDDEN"]
    assert await snapshot(tenant) == before


async def test_own_scope_on_users_shows_the_viewer_only(gql, tenant):
    role = await custom_role(
        gql, tenant, "self_only", grant("User", ["read"], ["email"], scope="own")
    )
    me, token = await holder_of(gql, tenant, role)
    nodes = (await gql("{ users { nodes { id email } } }", token=token)).ok()["users"]["nodes"]
    assert [n["id"] for n in nodes] == [me["id"]]
    other = await gql(
        "query($id: ID!) { node(id: $id) { id } }",
        {"id": to_global_id("User", tenant.admin_id)},
        token=token,
    )
    assert other.codes == ["NOT_FOUND"]
