"""Managing webhooks: tenant admins only, the signing secret shown once and never read
back or audited, URLs that could reach our own network refused, other tenants blind."""

from __future__ import annotations

import json

import pytest
import sqlalchemy as sa

from api.core.relay import to_global_id
from domain.webhooks.models import webhooks
from tests.support.crm import uuid_of
from tests.support.webhooks import (
    CREATE_WEBHOOK,
    DELETE_WEBHOOK,
    DELIVERIES,
    UPDATE_WEBHOOK,
    WEBHOOKS,
    create_webhook,
)

AUDIT = """{ auditEvents(filter: {entity: "Webhook"}, first: 50) {
  nodes { action changes { field old new redacted } } } }"""


async def test_admin_creates_and_lists_and_the_secret_is_in_the_payload_only(gql, tenant):
    created = await create_webhook(gql, tenant.admin_token, ["DEAL_WON", "ORDER_CONFIRMED"])
    secret = created["signingSecret"]
    assert secret.startswith("whsec_") and len(secret) > 40
    hook = created["webhook"]
    assert hook["events"] == ["DEAL_WON", "ORDER_CONFIRMED"] and hook["active"] is True
    assert hook["createdBy"]["id"] == to_global_id("User", tenant.admin_id)

    listed = (await gql(WEBHOOKS, token=tenant.admin_token)).ok()["webhooks"]["nodes"]
    assert [w["id"] for w in listed] == [hook["id"]]
    assert secret not in json.dumps(listed)
    # the server keeps it in clear (it signs with it), behind RLS
    async with tenant.session() as conn:
        assert await conn.scalar(sa.select(webhooks.c.secret)) == secret


async def test_the_secret_never_reaches_the_audit_log(gql, tenant):
    created = await create_webhook(gql, tenant.admin_token, ["DEAL_WON"])
    update = {"id": created["webhook"]["id"], "url": "https://partner.example/v2"}
    await gql(UPDATE_WEBHOOK, {"input": update}, token=tenant.admin_token)
    events = (await gql(AUDIT, token=tenant.admin_token)).ok()["auditEvents"]["nodes"]
    assert [e["action"] for e in events] == ["update", "insert"]
    assert created["signingSecret"] not in json.dumps(events)
    inserted = {c["field"]: c for c in events[1]["changes"]}
    assert inserted["secret"]["new"] == "[redacted]"
    assert inserted["url"]["new"] == "https://partner.example/hooks"


async def test_update_checks_the_version_and_delete_removes_it(gql, tenant):
    hook = (await create_webhook(gql, tenant.admin_token, ["DEAL_WON"]))["webhook"]
    change = {
        "id": hook["id"],
        "version": hook["version"],
        "active": False,
        "events": ["DEAL_LOST"],
    }
    updated = (await gql(UPDATE_WEBHOOK, {"input": change}, token=tenant.admin_token)).ok()
    assert updated["updateWebhook"]["webhook"]["active"] is False
    assert updated["updateWebhook"]["webhook"]["events"] == ["DEAL_LOST"]
    stale = (await gql(UPDATE_WEBHOOK, {"input": change}, token=tenant.admin_token)).ok()
    assert stale["updateWebhook"]["userErrors"][0]["code"] == "CONFLICT"

    gone = {"id": hook["id"], "version": hook["version"]}
    refused = (await gql(DELETE_WEBHOOK, {"input": gone}, token=tenant.admin_token)).ok()
    assert refused["deleteWebhook"]["userErrors"][0]["code"] == "CONFLICT"
    gone["version"] = hook["version"] + 1
    deleted = (await gql(DELETE_WEBHOOK, {"input": gone}, token=tenant.admin_token)).ok()
    assert deleted["deleteWebhook"] == {"deletedWebhookId": hook["id"], "userErrors": []}
    assert (await gql(WEBHOOKS, token=tenant.admin_token)).ok()["webhooks"]["nodes"] == []


async def test_events_must_be_known_and_at_least_one(gql, tenant):
    empty = {"url": "https://partner.example/x", "events": []}
    payload = (await gql(CREATE_WEBHOOK, {"input": empty}, token=tenant.admin_token)).ok()
    assert payload["createWebhook"]["userErrors"][0]["field"] == "events"
    unknown = {"url": "https://partner.example/x", "events": ["DEAL_EXPLODED"]}
    result = await gql(CREATE_WEBHOOK, {"input": unknown}, token=tenant.admin_token)
    assert result.codes == ["BAD_USER_INPUT"]
    async with tenant.session() as conn:
        assert await conn.scalar(sa.select(sa.func.count()).select_from(webhooks)) == 0


@pytest.mark.parametrize(
    "url",
    [
        "http://partner.example/hooks",  # not https
        "https://127.0.0.1/hooks",
        "https://localhost:8443/hooks",
        "https://10.1.2.3/hooks",
        "https://192.168.0.10/hooks",
        "https://169.254.169.254/latest/meta-data",  # cloud metadata, link-local
        "https://[::1]/hooks",
        "https://[::ffff:127.0.0.1]/hooks",
        "https://[2002:7f00:1::]/hooks",  # 6to4 of 127.0.0.1
        "https://[64:ff9b::a9fe:a9fe]/hooks",  # NAT64 of 169.254.169.254
        "https://2130706433/hooks",  # 127.0.0.1 as the resolver reads it
        "https://0.0.0.0/hooks",
        "https://user:pw@partner.example/hooks",
        "ftp://partner.example/hooks",
        "not a url",
    ],
)
async def test_urls_that_could_reach_our_network_are_refused(gql, tenant, url):
    result = await gql(
        CREATE_WEBHOOK, {"input": {"url": url, "events": ["DEAL_WON"]}}, token=tenant.admin_token
    )
    errors = result.ok()["createWebhook"]["userErrors"]
    assert [(e["field"], e["code"]) for e in errors] == [("url", "BAD_USER_INPUT")]


async def test_an_update_to_a_private_url_is_refused_too(gql, tenant):
    hook = (await create_webhook(gql, tenant.admin_token, ["DEAL_WON"]))["webhook"]
    change = {"id": hook["id"], "url": "https://127.0.0.1/x"}
    errors = (await gql(UPDATE_WEBHOOK, {"input": change}, token=tenant.admin_token)).ok()
    assert errors["updateWebhook"]["userErrors"][0]["field"] == "url"


async def test_private_targets_are_allowed_when_the_setting_says_so(make_client, tenant):
    from tests.conftest import graphql

    dev = await make_client(webhooks_allow_private_targets=True)
    variables = {"input": {"url": "http://127.0.0.1:9000/hooks", "events": ["DEAL_WON"]}}
    result = await graphql(dev, CREATE_WEBHOOK, variables, token=tenant.admin_token)
    assert result.ok()["createWebhook"]["userErrors"] == []


async def test_non_admins_are_forbidden_and_nothing_is_written(gql, tenant):
    hook = (await create_webhook(gql, tenant.admin_token, ["DEAL_WON"]))["webhook"]
    for role in ("sales_manager", "accountant", "sales_rep"):
        token = await tenant.token_for(role)
        listed = await gql(WEBHOOKS, token=token)
        assert listed.codes == ["FORBIDDEN"] and listed.nothing
        deliveries = await gql(DELIVERIES, {"id": hook["id"]}, token=token)
        assert deliveries.codes == ["FORBIDDEN"] and deliveries.nothing
        variables = {"input": {"url": "https://evil.example/x", "events": ["DEAL_WON"]}}
        created = await gql(CREATE_WEBHOOK, variables, token=token)
        assert created.codes == ["FORBIDDEN"]
        changed = await gql(
            UPDATE_WEBHOOK, {"input": {"id": hook["id"], "active": False}}, token=token
        )
        assert changed.codes == ["FORBIDDEN"]
    async with tenant.session() as conn:
        rows = (await conn.execute(sa.select(webhooks.c.url, webhooks.c.active))).all()
    assert [tuple(r) for r in rows] == [("https://partner.example/hooks", True)]


async def test_another_tenants_admin_sees_and_changes_none_of_it(gql, tenant, other_tenant):
    hook = (await create_webhook(gql, tenant.admin_token, ["DEAL_WON"]))["webhook"]
    theirs = other_tenant.admin_token
    assert (await gql(WEBHOOKS, token=theirs)).ok()["webhooks"]["nodes"] == []
    assert (await gql(DELIVERIES, {"id": hook["id"]}, token=theirs)).codes == ["NOT_FOUND"]
    node = await gql("query($id: ID!) { node(id: $id) { id } }", {"id": hook["id"]}, token=theirs)
    assert node.codes == ["NOT_FOUND"] and node.data == {"node": None}
    change = {"id": hook["id"], "url": "https://evil.example/x"}
    updated = (await gql(UPDATE_WEBHOOK, {"input": change}, token=theirs)).ok()
    assert updated["updateWebhook"]["userErrors"][0]["code"] == "NOT_FOUND"
    deleted = (await gql(DELETE_WEBHOOK, {"input": {"id": hook["id"]}}, token=theirs)).ok()
    assert deleted["deleteWebhook"]["userErrors"][0]["code"] == "NOT_FOUND"
    async with tenant.session() as conn:
        url = await conn.scalar(
            sa.select(webhooks.c.url).where(webhooks.c.id == uuid_of(hook["id"]))
        )
    assert url == "https://partner.example/hooks"


async def test_page_size_does_not_change_the_statement_count(gql, tenant, count_statements):
    for i in range(4):
        await create_webhook(gql, tenant.admin_token, ["DEAL_WON"], f"https://p{i}.example/h")
    query = (
        "query($n: Int) { webhooks(first: $n) { nodes { url createdBy { email role { key } } } } }"
    )
    counts = []
    for size in (1, 4):
        with count_statements() as counter:
            nodes = (await gql(query, {"n": size}, token=tenant.admin_token)).ok()["webhooks"][
                "nodes"
            ]
        assert len(nodes) == size and all(n["createdBy"]["role"]["key"] for n in nodes)
        counts.append(counter.count)
    assert counts[0] == counts[1]
