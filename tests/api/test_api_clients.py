"""Managing partner API clients: tenant admins only, never a role wider than the
creator's, all or nothing, audited without the secret's hash, and the secret itself
stored nowhere."""

from __future__ import annotations

import sqlalchemy as sa

from api.core.relay import from_global_id, to_global_id
from tenants.access.areas.admin import API_CLIENT_FIELDS
from tenants.api_clients import hash_secret
from tenants.models import api_clients, audit_events, users
from tests.support.admin import (
    DEACTIVATE,
    USERS,
    custom_role,
    grant,
    holder_of,
    role_by_key,
    snapshot,
)
from tests.support.api_clients import (
    CLIENTS,
    REVOKE_CLIENT,
    ROTATE_SECRET,
    access_token,
    create_client,
    partner,
)

AUDIT = """query($filter: AuditEventFilter) { auditEvents(filter: $filter, first: 50) {
  nodes { action actor { id } changes { field old new redacted } } } }"""


async def test_admin_creates_lists_and_the_secret_is_only_in_the_payload(gql, client, tenant):
    issued = await partner(gql, tenant)
    created = issued["apiClient"]
    assert issued["clientId"] == created["clientId"]
    assert issued["clientId"].startswith(tenant.id.hex + ".")
    assert len(issued["clientSecret"]) >= 43
    assert created["role"]["key"] == "catalogue_reader" and created["revokedAt"] is None

    listed = (await gql(CLIENTS, token=tenant.admin_token)).ok()["apiClients"]["nodes"]
    assert [c["id"] for c in listed] == [created["id"]]
    assert "clientSecret" not in listed[0]

    async with tenant.session() as conn:
        row = (await conn.execute(sa.select(api_clients))).one()
    assert issued["clientSecret"] not in [str(v) for v in row]
    assert row.secret_hash == hash_secret(issued["clientSecret"])


async def test_clients_are_not_people_users_lists_and_last_admin_ignore_them(gql, tenant):
    admin_role = await role_by_key(gql, tenant.admin_token, "tenant_admin")
    issued = await create_client(gql, tenant.admin_token, "Ops bot", admin_role["id"])
    assert issued["userErrors"] == []
    emails = [
        u["email"] for u in (await gql(USERS, token=tenant.admin_token)).ok()["users"]["nodes"]
    ]
    assert emails == [f"admin@{tenant.slug}.example"]
    # an admin-role client does not keep the tenant administered: the last person is kept
    last = await gql(
        DEACTIVATE,
        {"input": {"id": to_global_id("User", tenant.admin_id)}},
        token=tenant.admin_token,
    )
    assert last.ok()["deactivateUser"]["userErrors"][0]["code"] == "LAST_ADMIN"
    # and the client's service user is not managed as a user
    async with tenant.session() as conn:
        service_user = await conn.scalar(sa.select(users.c.id).where(users.c.api_client))
    as_user = await gql(
        DEACTIVATE, {"input": {"id": to_global_id("User", service_user)}}, token=tenant.admin_token
    )
    assert as_user.ok()["deactivateUser"]["userErrors"][0]["code"] == "NOT_FOUND"


async def test_other_roles_cannot_list_create_rotate_or_revoke(gql, tenant):
    issued = await partner(gql, tenant)
    reader = await role_by_key(gql, tenant.admin_token, "sales_rep")
    by_id = {"input": {"id": issued["apiClient"]["id"]}}
    for role_key in ("sales_manager", "accountant", "hr_manager"):
        token = await tenant.token_for(role_key)
        before = await snapshot(tenant)
        assert (await gql(CLIENTS, token=token)).codes == ["FORBIDDEN"]
        for document, variables in (
            (
                """mutation($input: CreateApiClientInput!) {
                createApiClient(input: $input) { clientSecret } }""",
                {"input": {"name": "x", "roleId": reader["id"]}},
            ),
            (
                "mutation($input: ApiClientInput!) { rotateApiClientSecret(input: $input) { clientSecret } }",
                by_id,
            ),
            (
                "mutation($input: ApiClientInput!) { revokeApiClient(input: $input) { apiClient { id } } }",
                by_id,
            ),
        ):
            result = await gql(document, variables, token=token)
            assert "FORBIDDEN" in result.codes, (role_key, result.body)
            assert not any((result.data or {}).values())
        assert await snapshot(tenant) == before


async def test_no_client_with_a_role_wider_than_its_creator(gql, client, tenant):
    # a client administrator who may read products' catalogue fields, nothing else
    client_admin = await custom_role(
        gql,
        tenant,
        "client_admin",
        grant(
            "ApiClient",
            ["read", "create", "rotate", "revoke"],
            read=list(API_CLIENT_FIELDS),
            write=["name", "role"],
        ),
        grant("Role", ["read"], read=["key", "name"]),
        grant("Product", ["read"], read=["sku", "name"]),
    )
    _, token = await holder_of(gql, tenant, client_admin)
    sales_rep = await role_by_key(gql, tenant.admin_token, "sales_rep")
    before = await snapshot(tenant)
    wider = await create_client(gql, token, "Too wide", sales_rep["id"])
    assert wider["apiClient"] is None and wider["clientSecret"] is None
    assert [(e["field"], e["code"]) for e in wider["userErrors"]] == [("roleId", "FORBIDDEN")]
    assert await snapshot(tenant) == before

    narrow = await custom_role(gql, tenant, "narrow", grant("Product", ["read"], read=["sku"]))
    allowed = await create_client(gql, token, "Narrow", narrow["id"])
    assert allowed["userErrors"] == []
    # a client the admin made with a wider role is out of the client admin's reach
    admins = await create_client(gql, tenant.admin_token, "Wide", sales_rep["id"])
    taken = await gql(ROTATE_SECRET, {"input": {"id": admins["apiClient"]["id"]}}, token=token)
    assert taken.ok()["rotateApiClientSecret"]["userErrors"][0]["code"] == "FORBIDDEN"
    assert await access_token(client, admins["clientId"], admins["clientSecret"])


async def test_ids_of_other_tenants_and_revoked_clients_in_mutations(gql, tenant, other_tenant):
    foreign = await partner(gql, other_tenant)
    by_foreign_id = {"input": {"id": foreign["apiClient"]["id"]}}
    for document, name in (
        (ROTATE_SECRET, "rotateApiClientSecret"),
        (REVOKE_CLIENT, "revokeApiClient"),
    ):
        result = (await gql(document, by_foreign_id, token=tenant.admin_token)).ok()[name]
        assert [(e["field"], e["code"]) for e in result["userErrors"]] == [("id", "NOT_FOUND")]

    issued = await partner(gql, tenant)
    by_id = {"input": {"id": issued["apiClient"]["id"]}}
    assert (await gql(REVOKE_CLIENT, by_id, token=tenant.admin_token)).ok()
    again = (await gql(ROTATE_SECRET, by_id, token=tenant.admin_token)).ok()
    assert again["rotateApiClientSecret"]["userErrors"][0]["code"] == "REVOKED"
    assert again["rotateApiClientSecret"]["clientSecret"] is None


async def test_audit_names_the_changes_but_never_the_secret_or_its_hash(gql, client, tenant):
    issued = await partner(gql, tenant)
    by_id = {"input": {"id": issued["apiClient"]["id"]}}
    rotated = (await gql(ROTATE_SECRET, by_id, token=tenant.admin_token)).ok()
    await gql(REVOKE_CLIENT, by_id, token=tenant.admin_token)
    secrets = {issued["clientSecret"], rotated["rotateApiClientSecret"]["clientSecret"]}
    hashes = {hash_secret(s) for s in secrets}

    found = (
        await gql(
            AUDIT,
            {"filter": {"entity": "ApiClient", "entityId": issued["apiClient"]["id"]}},
            token=tenant.admin_token,
        )
    ).ok()["auditEvents"]["nodes"]
    assert [e["action"] for e in found] == ["update", "update", "insert"]
    assert all(e["actor"]["id"] == to_global_id("User", tenant.admin_id) for e in found)
    rotation = {c["field"]: c for c in found[1]["changes"]}
    assert rotation["secretHash"]["new"] == "[redacted]"
    assert "secretRotatedAt" in rotation
    assert found[0]["changes"][0]["field"] == "revokedAt"

    async with tenant.session() as conn:
        every_event = [
            str(c) for c in (await conn.execute(sa.select(audit_events.c.changes))).scalars()
        ]
    assert not any(s in event for event in every_event for s in secrets | hashes)


async def test_a_clients_actions_are_audited_under_its_service_user(gql, client, tenant):
    """The audit actor of what a client does is its service user, whose name is the client's."""
    role = await custom_role(
        gql,
        tenant,
        "role_reader_writer",
        grant("Role", ["read", "create"], read=["key", "name"], write=["key", "name"]),
    )
    issued = await create_client(gql, tenant.admin_token, "Provisioner", role["id"])
    token = await access_token(client, issued["clientId"], issued["clientSecret"])
    made = await gql(
        """mutation { createRole(input: {key: "by_client", name: "By client"}) { role { id } } }""",
        token=token,
    )
    role_id = made.ok()["createRole"]["role"]["id"]
    found = (
        await gql(
            AUDIT,
            {"filter": {"entity": "Role", "entityId": role_id}},
            token=tenant.admin_token,
        )
    ).ok()["auditEvents"]["nodes"]
    actor = from_global_id(found[0]["actor"]["id"])[1]
    async with tenant.session() as conn:
        name = await conn.scalar(sa.select(users.c.name).where(users.c.id == actor))
    assert name == "Provisioner"
