"""`viewer { permissions }`: per entity the actions, the record scope and the readable
and writable fields — what a frontend needs to hide what its user cannot use."""

import pytest

from tenants.access.builtin import BUILTIN_ROLES, builtin_policy
from tenants.access.catalog import catalog
from tests.support.admin import PERMISSIONS, UPDATE_ROLE, custom_role, grant, holder_of

VIEWER = f"{{ viewer {{ {PERMISSIONS} }} }}"


async def permissions(gql, token):
    data = (await gql(VIEWER, token=token)).ok()
    return {p["entity"]: p for p in data["viewer"]["permissions"]}


@pytest.mark.parametrize("role_key", [role.key for role in BUILTIN_ROLES])
async def test_a_built_in_role_sees_exactly_its_policy(gql, tenant, role_key):
    token = tenant.admin_token if role_key == "tenant_admin" else await tenant.token_for(role_key)
    seen = await permissions(gql, token)
    policy = builtin_policy(role_key)
    assert set(seen) == set(catalog().entities)
    for entity, spec in catalog().entities.items():
        grant_ = policy.grants.get(entity)
        assert seen[entity]["actions"] == sorted(grant_.actions if grant_ else ())
        assert seen[entity]["readableFields"] == [
            f for f in spec.fields if policy.can_read(entity, f)
        ]
        assert seen[entity]["writableFields"] == [
            f for f in spec.fields if policy.can_write(entity, f)
        ]


async def test_the_admin_may_do_everything_but_write_derived_fields(gql, tenant):
    user = (await permissions(gql, tenant.admin_token))["User"]
    assert user["actions"] == ["create", "deactivate", "reactivate", "read", "update"]
    assert user["scope"] == "all"
    assert user["writableFields"] == ["email", "name", "role"]  # active, createdAt, version: no


async def test_a_sales_rep_sees_no_administration(gql, tenant):
    seen = await permissions(gql, await tenant.token_for("sales_rep"))
    for entity in ("User", "Role", "AuditEvent"):
        assert seen[entity] == {
            "entity": entity,
            "actions": [],
            "scope": None,
            "readableFields": [],
            # their own account (viewer.user), nobody else's
            "ownRecordFields": ["email", "roleKey"] if entity == "User" else [],
            "writableFields": [],
        }


async def test_a_custom_role_and_its_edit_show_in_the_viewer(gql, tenant):
    role = await custom_role(
        gql,
        tenant,
        "clerk",
        grant("User", ["read", "update"], ["email", "name"], ["name"], scope="own"),
    )
    _, token = await holder_of(gql, tenant, role)
    user = (await permissions(gql, token))["User"]
    assert (user["actions"], user["scope"]) == (["read", "update"], "own")
    assert (user["readableFields"], user["writableFields"]) == (["email", "name"], ["name"])
    assert (await permissions(gql, token))["Role"]["actions"] == []

    await gql(
        UPDATE_ROLE,
        {
            "input": {
                "id": role["id"],
                "version": 1,
                "permissions": [grant("Role", ["read"], ["key"])],
            }
        },
        token=tenant.admin_token,
    )
    after = await permissions(gql, token)
    assert after["Role"]["actions"] == ["read"] and after["Role"]["readableFields"] == ["key"]
    assert after["User"]["writableFields"] == ["name"]
