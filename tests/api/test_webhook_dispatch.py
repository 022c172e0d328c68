"""Dispatching: due deliveries are POSTed signed to their webhook, retried with backoff
and finally failed; a tenant's pass touches only its own; private targets are refused
at send time; a partner that hangs or breaks never stops the dispatcher."""

from __future__ import annotations

import json
import time
from datetime import timedelta
from typing import Any

import httpx
import sqlalchemy as sa

from api.core.relay import to_global_id
from domain.webhooks.dispatch import BACKOFF, MAX_ATTEMPTS
from tests.support.crm import create_customer, create_deal, ok
from tests.support.webhook_receiver import PUBLIC_ADDRESS, Receiver, verify
from tests.support.webhooks import (
    REDELIVER,
    create_webhook,
    deliveries,
    delivery_rows,
    make_due,
)

DEAL = "deal { id status version }"
DELIVERY_AUDIT = """{ auditEvents(filter: {entity: "WebhookDelivery"}, first: 10) {
  nodes { action entityId actor { id } changes { field new } } } }"""


async def _won_deal(gql: Any, token: str) -> str:
    customer = await create_customer(gql, token)
    deal = await create_deal(gql, token, customer["id"])
    await ok(gql, "winDeal", {"id": deal["id"]}, token, DEAL)
    return str(deal["id"])


async def _subscribed(gql: Any, tenant: Any, host: str = "partner.example") -> dict[str, Any]:
    return await create_webhook(gql, tenant.admin_token, ["DEAL_WON"], f"https://{host}/hooks")


async def _db_now(tenant: Any) -> Any:
    async with tenant.session() as conn:
        return await conn.scalar(sa.select(sa.func.now()))


async def test_a_pass_posts_signed_json_and_marks_it_delivered(gql, tenant, engine):
    created = await _subscribed(gql, tenant)
    hook, secret = created["webhook"], created["signingSecret"]
    deal_id = await _won_deal(gql, tenant.admin_token)
    [queued] = await deliveries(gql, tenant.admin_token, hook["id"])
    receiver = Receiver()

    assert await receiver.dispatcher(engine).dispatch_tenant(tenant.id) == 1

    [request] = receiver.requests
    assert request.method == "POST" and request.url.path == "/hooks"
    # aimed at the address that was checked, not at a second lookup of the name
    assert (request.url.host, request.headers["Host"]) == (PUBLIC_ADDRESS, "partner.example")
    assert request.extensions["sni_hostname"] == "partner.example"
    assert request.headers["Content-Type"] == "application/json"
    assert request.headers["Atrium-Event"] == "deal.won"
    assert request.headers["Atrium-Delivery"] == queued["id"]
    body = request.content
    signature = request.headers["Atrium-Signature"]
    assert verify(secret, signature, body)
    assert not verify(secret + "x", signature, body)
    assert abs(int(signature.split(",")[0].removeprefix("t=")) - time.time()) < 60
    sent = json.loads(body)
    assert sent["id"] == queued["id"] and sent["event"] == "deal.won"
    assert sent["data"]["deal"]["id"] == deal_id
    assert secret not in body.decode()

    [done] = await deliveries(gql, tenant.admin_token, hook["id"])
    assert (done["status"], done["attempts"], done["lastStatus"]) == ("DELIVERED", 1, 204)
    assert done["deliveredAt"] is not None and done["nextAttemptAt"] is None
    # delivered once: the next pass has nothing to send
    assert await receiver.dispatcher(engine).dispatch_tenant(tenant.id) == 0
    assert len(receiver.requests) == 1


async def test_a_500_is_retried_with_backoff_and_then_failed(gql, tenant, engine):
    hook = (await _subscribed(gql, tenant))["webhook"]
    await _won_deal(gql, tenant.admin_token)
    receiver = Receiver(lambda r: httpx.Response(500))
    dispatcher = receiver.dispatcher(engine)

    for attempt, wait in enumerate(BACKOFF, start=1):
        assert await dispatcher.dispatch_tenant(tenant.id) == 1
        [row] = await delivery_rows(tenant, hook["id"])
        assert (row.status, row.attempts, row.last_status) == ("pending", attempt, 500)
        waited = row.next_attempt_at - await _db_now(tenant)
        assert wait - timedelta(seconds=30) < waited <= wait
        # not due yet: nothing is sent before the wait is over
        assert await dispatcher.dispatch_tenant(tenant.id) == 0
        await make_due(tenant)

    assert await dispatcher.dispatch_tenant(tenant.id) == 1
    [row] = await delivery_rows(tenant, hook["id"])
    assert (row.status, row.attempts, row.last_status) == ("failed", MAX_ATTEMPTS, 500)
    await make_due(tenant)  # a failed delivery is never due again
    assert await dispatcher.dispatch_tenant(tenant.id) == 0
    assert len(receiver.requests) == MAX_ATTEMPTS


async def test_redeliver_queues_a_delivery_again_with_a_fresh_schedule(
    gql, tenant, other_tenant, engine
):
    hook = (await _subscribed(gql, tenant))["webhook"]
    await _won_deal(gql, tenant.admin_token)
    await Receiver(lambda r: httpx.Response(410)).dispatcher(engine).dispatch_tenant(tenant.id)
    [tried] = await deliveries(gql, tenant.admin_token, hook["id"])
    assert (tried["status"], tried["attempts"]) == ("PENDING", 1)

    redeliver = {"input": {"deliveryId": tried["id"]}}
    theirs = (await gql(REDELIVER, redeliver, token=other_tenant.admin_token)).ok()
    assert theirs["redeliverWebhook"]["userErrors"][0]["code"] == "NOT_FOUND"
    refused = await gql(REDELIVER, redeliver, token=await tenant.token_for("accountant"))
    assert refused.codes == ["FORBIDDEN"]
    [unchanged] = await delivery_rows(tenant, hook["id"])
    assert unchanged.attempts == 1

    again = (await gql(REDELIVER, redeliver, token=tenant.admin_token)).ok()
    assert again["redeliverWebhook"]["delivery"] == {
        "id": tried["id"],
        "status": "PENDING",
        "attempts": 0,
    }
    receiver = Receiver()
    assert await receiver.dispatcher(engine).dispatch_tenant(tenant.id) == 1
    [done] = await deliveries(gql, tenant.admin_token, hook["id"])
    assert (done["status"], done["attempts"]) == ("DELIVERED", 1)
    # the admin's redelivery is audited; the dispatcher's attempts are not
    audit = await gql(DELIVERY_AUDIT, token=tenant.admin_token)
    [event] = audit.ok()["auditEvents"]["nodes"]
    assert (event["action"], event["entityId"]) == ("update", tried["id"])
    assert event["actor"]["id"] == to_global_id("User", tenant.admin_id)
    assert {c["field"]: c["new"] for c in event["changes"]}["attempts"] == 0


async def test_each_tenant_gets_its_own_deliveries_signed_with_its_own_secret(
    gql, tenant, other_tenant, engine
):
    ours = await _subscribed(gql, tenant, "ours.example")
    theirs = await _subscribed(gql, other_tenant, "theirs.example")
    await _won_deal(gql, tenant.admin_token)
    receiver = Receiver()

    # a pass for the other tenant neither sends nor touches ours
    assert await receiver.dispatcher(engine).dispatch_tenant(other_tenant.id) == 0
    assert receiver.requests == []
    [row] = await delivery_rows(tenant)
    assert (row.status, row.attempts) == ("pending", 0)
    assert await delivery_rows(other_tenant) == []

    await _won_deal(gql, other_tenant.admin_token)
    await receiver.dispatcher(engine).run_pass()  # every tenant with due deliveries
    sent = {r.headers["Host"]: r for r in receiver.requests}
    sent = {host: r for host, r in sent.items() if host.endswith("s.example")}
    assert sent.keys() == {"ours.example", "theirs.example"}
    for host, created in (("ours.example", ours), ("theirs.example", theirs)):
        request = sent[host]
        signature = request.headers["Atrium-Signature"]
        assert verify(created["signingSecret"], signature, request.content)
    assert not verify(ours["signingSecret"], sent["theirs.example"].headers["Atrium-Signature"],
                      sent["theirs.example"].content)  # fmt: skip


async def test_the_due_tenants_function_names_tenants_only_and_keeps_rls(
    gql, tenant, other_tenant, engine
):
    await _subscribed(gql, tenant)
    await _won_deal(gql, tenant.admin_token)
    async with engine.begin() as conn:  # the app role, no tenant bound
        due = set(await conn.scalars(sa.text("SELECT atrium_webhook_due_tenants(100000)")))
        visible = await conn.scalar(sa.text("SELECT count(*) FROM webhook_deliveries"))
    assert tenant.id in due and other_tenant.id not in due
    assert visible == 0
    async with other_tenant.session() as conn:
        await conn.execute(sa.text("SELECT atrium_webhook_due_tenants(100000)"))
        setting = await conn.scalar(sa.text("SELECT current_setting('app.tenant_id')"))
        assert setting == str(other_tenant.id)
        assert await conn.scalar(sa.text("SELECT count(*) FROM webhook_deliveries")) == 0


async def test_private_addresses_are_refused_at_send_time(gql, tenant, engine):
    hook = (await _subscribed(gql, tenant, "rebinding.example"))["webhook"]
    await _won_deal(gql, tenant.admin_token)
    # five: a delivery's sixth failed attempt is its last
    for address in ("10.0.0.7", "127.0.0.1", "::1", "169.254.169.254", "2002:7f00:1::"):
        receiver = Receiver()
        assert await receiver.dispatcher(engine, address=address).dispatch_tenant(tenant.id) == 1
        assert receiver.requests == []
        [row] = await delivery_rows(tenant, hook["id"])
        assert row.status == "pending" and "refused target" in row.last_error
        await make_due(tenant)


async def test_a_partner_that_hangs_or_breaks_does_not_stop_the_dispatcher(gql, tenant, engine):
    for host in ("slow.example", "broken.example", "fine.example"):
        await _subscribed(gql, tenant, host)
    await _won_deal(gql, tenant.admin_token)

    def respond(request: httpx.Request) -> httpx.Response:
        if request.headers["Host"] == "slow.example":
            raise httpx.ReadTimeout("timed out", request=request)
        if request.headers["Host"] == "broken.example":
            raise RuntimeError("the partner's proxy misbehaved")
        return httpx.Response(200)

    receiver = Receiver(respond)
    assert await receiver.dispatcher(engine).dispatch_tenant(tenant.id) == 3
    rows = {r.last_error or r.status: r for r in await delivery_rows(tenant)}
    assert rows.keys() == {"ReadTimeout: timed out", "RuntimeError", "delivered"}
    assert all(r.attempts == 1 for r in rows.values())


async def test_a_pass_survives_a_failing_tenant_and_a_failing_lookup(gql, tenant, engine):
    await _subscribed(gql, tenant)
    await _won_deal(gql, tenant.admin_token)
    dispatcher = Receiver().dispatcher(engine)

    async def broken(*args: Any) -> Any:
        raise ConnectionError("database went away")

    async def only_ours() -> list[Any]:
        return [tenant.id]

    dispatcher._due_tenants = broken  # type: ignore[method-assign]
    assert await dispatcher.run_pass() == 0
    dispatcher._due_tenants = only_ours  # type: ignore[method-assign]
    dispatcher._claim = broken  # type: ignore[method-assign]
    assert await dispatcher.run_pass() == 0
    [row] = await delivery_rows(tenant)
    assert (row.status, row.attempts) == ("pending", 0)


async def test_a_redelivery_asked_for_while_sending_wins_over_the_result(gql, tenant, engine):
    hook = (await _subscribed(gql, tenant))["webhook"]
    await _won_deal(gql, tenant.admin_token)
    dispatcher = Receiver(lambda r: httpx.Response(500)).dispatcher(engine)
    [claimed], _ = await dispatcher._claim(tenant.id)
    [queued] = await deliveries(gql, tenant.admin_token, hook["id"])
    await gql(REDELIVER, {"input": {"deliveryId": queued["id"]}}, token=tenant.admin_token)
    await dispatcher._record(tenant.id, claimed, await dispatcher.send(claimed))
    [row] = await delivery_rows(tenant, hook["id"])
    assert (row.status, row.attempts, row.last_status) == ("pending", 0, None)


async def test_the_server_runs_the_dispatcher_only_when_the_setting_is_on(
    settings, state, monkeypatch
):
    import asyncio

    from api.app import create_app
    from domain.webhooks.dispatch import Dispatcher

    passes: list[int] = []

    async def counted(self: Dispatcher) -> int:
        passes.append(1)
        return 0

    monkeypatch.setattr(Dispatcher, "run_pass", counted)
    for on in (False, True):
        custom = settings.model_copy(
            update={"webhooks_dispatch": on, "webhooks_poll_seconds": 0.01}
        )
        app = create_app(custom, state)
        async with app.router.lifespan_context(app):
            await asyncio.sleep(0.1)
        stopped = len(passes)
        await asyncio.sleep(0.05)
        assert len(passes) == stopped  # the lifespan's end stopped it
        assert (stopped > 1) is on


async def test_failures_are_logged_without_the_secret_or_the_url(gql, tenant, engine, caplog):
    url = "https://partner.example/hooks?token=partner-token-123"
    created = await create_webhook(gql, tenant.admin_token, ["DEAL_WON", "DEAL_LOST"], url)
    await _won_deal(gql, tenant.admin_token)
    customer = await create_customer(gql, tenant.admin_token)
    lost = await create_deal(gql, tenant.admin_token, customer["id"])
    await ok(gql, "loseDeal", {"id": lost["id"], "reason": "No budget"}, tenant.admin_token, DEAL)

    def respond(request: httpx.Request) -> httpx.Response:
        if request.headers["Atrium-Event"] == "deal.lost":
            raise httpx.ConnectError(f"cannot connect to {request.url}", request=request)
        return httpx.Response(503)

    with caplog.at_level("WARNING", logger="domain.webhooks.dispatch"):
        assert await Receiver(respond).dispatcher(engine).dispatch_tenant(tenant.id) == 2
    logged = caplog.text
    assert "HTTP 503" in logged and "ConnectError" in logged
    assert created["webhook"]["id"] in logged
    assert created["signingSecret"] not in logged and "partner-token-123" not in logged


async def test_a_resolver_that_hangs_is_given_up_on(gql, tenant, engine):
    import asyncio

    await _subscribed(gql, tenant)
    await _won_deal(gql, tenant.admin_token)
    dispatcher = Receiver().dispatcher(engine, resolve_timeout=0.05)

    async def hanging(host: str) -> list[str]:
        await asyncio.sleep(30)
        return []

    dispatcher.resolve = hanging
    assert await dispatcher.dispatch_tenant(tenant.id) == 1
    [row] = await delivery_rows(tenant)
    assert (row.status, row.attempts, row.last_error) == ("pending", 1, "TimeoutError")
