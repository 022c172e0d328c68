"""One meaning of "not given" for every update (domain/kit: UNSET): a key left out keeps
its value, an explicit null clears it where it can be cleared and is refused with a
userError on that key where it cannot, never silently ignored."""

from __future__ import annotations

from tests.support.admin import UPDATE_ROLE, custom_role, grant
from tests.support.crm import mutate, ok
from tests.support.webhooks import UPDATE_WEBHOOK, create_webhook

PIPELINE = "pipeline { name isDefault version stages { name } }"
OTHER = "https://other.example/hooks"
STAGES = [
    {"name": "Open", "probability": "10"},
    {"name": "Won", "probability": "100", "isWon": True},
]


async def test_a_roles_description_is_cleared_by_null_and_kept_when_left_out(gql, tenant):
    role = await custom_role(gql, tenant, "clerks", grant("User", ["read"], ["email"]))
    given = {"id": role["id"], "version": 1, "description": "Front desk"}
    described = await gql(UPDATE_ROLE, {"input": given}, token=tenant.admin_token)
    assert described.ok()["updateRole"]["role"]["description"] == "Front desk"

    renamed = {"id": role["id"], "version": 2, "name": "Clerks"}
    kept = (await gql(UPDATE_ROLE, {"input": renamed}, token=tenant.admin_token)).ok()
    assert kept["updateRole"]["role"]["description"] == "Front desk"
    cleared = {"id": role["id"], "version": 3, "description": None}
    answer = (await gql(UPDATE_ROLE, {"input": cleared}, token=tenant.admin_token)).ok()
    assert answer["updateRole"]["role"]["description"] == ""


async def test_a_roles_name_and_permissions_cannot_be_nulled(gql, tenant):
    role = await custom_role(gql, tenant, "clerks", grant("User", ["read"], ["email"]))
    for key in ("name", "permissions"):
        nulled = {"id": role["id"], "version": 1, key: None}
        answer = (await gql(UPDATE_ROLE, {"input": nulled}, token=tenant.admin_token)).ok()
        assert answer["updateRole"]["role"] is None
        assert [e["field"] for e in answer["updateRole"]["userErrors"]] == [key]


async def test_a_webhooks_keys_cannot_be_nulled(gql, tenant):
    made = (await create_webhook(gql, tenant.admin_token, ["DEAL_WON"]))["webhook"]
    # each null beside a change: the null is refused, not dropped, and nothing changes
    beside = {"url": {"active": False}, "events": {"active": False}, "active": {"url": OTHER}}
    for key, change in beside.items():
        nulled = {"id": made["id"], "version": 1, **change, key: None}
        answer = (await gql(UPDATE_WEBHOOK, {"input": nulled}, token=tenant.admin_token)).ok()
        assert answer["updateWebhook"]["webhook"] is None
        assert [e["field"] for e in answer["updateWebhook"]["userErrors"]] == [key]
    left_out = {"id": made["id"], "version": 1, "active": False}
    answer = (await gql(UPDATE_WEBHOOK, {"input": left_out}, token=tenant.admin_token)).ok()
    webhook = answer["updateWebhook"]["webhook"]
    assert (webhook["url"], webhook["events"], webhook["active"]) == (
        made["url"],
        ["DEAL_WON"],
        False,
    )


async def test_a_pipelines_keys_cannot_be_nulled(gql, tenant):
    manager = await tenant.token_for("sales_manager")
    made = await ok(
        gql, "createPipeline", {"name": "Renewals", "stages": STAGES}, manager, "pipeline { id }"
    )
    pipeline = made["pipeline"]["id"]
    for key in ("name", "isDefault", "stages"):
        nulled = {"id": pipeline, "version": 1, key: None}
        answer = await mutate(gql, "updatePipeline", nulled, manager, PIPELINE)
        assert answer["pipeline"] is None
        assert [e["field"] for e in answer["userErrors"]] == [key]
    renamed = await ok(
        gql, "updatePipeline", {"id": pipeline, "version": 1, "name": "Upsell"}, manager, PIPELINE
    )
    assert renamed["pipeline"] == {
        "name": "Upsell",
        "isDefault": False,
        "version": 2,
        "stages": [{"name": "Open"}, {"name": "Won"}],
    }
