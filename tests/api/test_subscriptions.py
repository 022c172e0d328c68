"""Subscriptions over graphql-transport-ws against a real uvicorn server: each
subscriber hears exactly the committed changes its role and record scope reach,
with the fields its role reads, whichever process made the change."""

from __future__ import annotations

import asyncio
import sys
from collections.abc import AsyncIterator
from contextlib import AsyncExitStack
from datetime import UTC, datetime, timedelta
from typing import Any
from uuid import UUID

import pytest

from api.app import build_state, create_app
from api.core.context import AppState
from domain.inventory.models import stock_levels
from tests.support.crm import create_customer, create_deal, ok, uuid_of
from tests.support.live import served, socket
from tests.support.orders import arrange_order

DEALS = "subscription { dealChanged { change deal { id title } } }"
ORDERS = "subscription { orderChanged { change order { id status margin } } }"


class Server:
    def __init__(self, url: str, state: AppState) -> None:
        self.url = url
        self.state = state

    async def subscribed(self, tenant: Any, n: int) -> None:
        """Wait until `n` subscribers of the tenant are fed (a subscribe message has no
        answer of its own; changes committed before it are not heard)."""
        for _ in range(1000):
            if self.state.live is not None and self.state.live.feed.listening(tenant.id) >= n:
                return
            await asyncio.sleep(0.01)
        raise AssertionError(f"{n} subscribers of the tenant were not fed within 10 s")


@pytest.fixture
async def serve(settings: Any, engine: Any) -> AsyncIterator[Any]:
    """`await serve(**settings)`: a server of its own (another replica than `gql`'s)."""
    async with AsyncExitStack() as stack:

        async def make(**overrides: Any) -> Server:
            custom = settings.model_copy(update=overrides)
            state = build_state(custom, engine)
            url = await stack.enter_async_context(served(create_app(custom, state)))
            return Server(url, state)

        yield make


async def retitle(gql: Any, token: str, deal: dict[str, Any], title: str) -> dict[str, Any]:
    input = {"id": deal["id"], "version": deal["version"], "title": title}
    return (await ok(gql, "updateDeal", input, token, "deal { id title version }"))["deal"]


async def test_each_role_hears_of_the_deals_its_scope_reaches(serve, gql, tenant):
    server = await serve()
    rep_token = tenant.token(await tenant.user("sales_rep"))
    manager_token = await tenant.token_for("sales_manager")
    customer = await create_customer(gql, manager_token)
    managers = await create_deal(gql, manager_token, customer["id"], title="Manager's")
    reps = await create_deal(gql, rep_token, customer["id"], title="Rep's")
    async with socket(server.url, rep_token) as rep, socket(server.url, manager_token) as manager:
        rep_sub, manager_sub = await rep.subscribe(DEALS), await manager.subscribe(DEALS)
        await server.subscribed(tenant, 2)
        await retitle(gql, manager_token, managers, "Manager's, moved")
        await retitle(gql, manager_token, reps, "Rep's, moved")
        # the rep's first event is their own deal's: the manager's was never sent
        assert (await rep.next(rep_sub))["data"]["dealChanged"] == {
            "change": "UPDATED",
            "deal": {"id": reps["id"], "title": "Rep's, moved"},
        }
        titles = [(await manager.next(manager_sub))["data"]["dealChanged"] for _ in range(2)]
        assert [t["deal"]["title"] for t in titles] == ["Manager's, moved", "Rep's, moved"]


async def test_a_tenant_hears_nothing_of_another(serve, gql, tenant, other_tenant):
    server = await serve()
    theirs = await create_customer(gql, tenant.admin_token)
    ours = await create_customer(gql, other_tenant.admin_token)
    async with socket(server.url, other_tenant.admin_token) as other:
        sub = await other.subscribe(DEALS)
        await server.subscribed(other_tenant, 1)
        await create_deal(gql, tenant.admin_token, theirs["id"], title="Not yours")
        await create_deal(gql, other_tenant.admin_token, ours["id"], title="Yours")
        event = (await other.next(sub))["data"]["dealChanged"]
        assert (event["change"], event["deal"]["title"]) == ("CREATED", "Yours")


async def test_a_field_the_role_may_not_read_is_forbidden_in_every_event(serve, tenant):
    server = await serve()
    rep_id = await tenant.user("sales_rep")
    rep_token, manager_token = tenant.token(rep_id), await tenant.token_for("sales_manager")
    async with socket(server.url, rep_token) as rep, socket(server.url, manager_token) as manager:
        rep_sub, manager_sub = await rep.subscribe(ORDERS), await manager.subscribe(ORDERS)
        await server.subscribed(tenant, 2)
        async with tenant.session() as conn:  # a write of no request at all
            await arrange_order(conn, tenant.id, rep_id)
        seen = await rep.next(rep_sub)
        assert seen["data"]["orderChanged"]["order"]["margin"] is None
        assert seen["data"]["orderChanged"]["order"]["status"] == "CONFIRMED"
        assert [(e["path"], e["extensions"]["code"]) for e in seen["errors"]] == [
            (["orderChanged", "order", "margin"], "FORBIDDEN")
        ]
        managed = await manager.next(manager_sub)
        assert "errors" not in managed and managed["data"]["orderChanged"]["order"]["margin"]


async def test_a_role_that_may_not_read_the_entity_may_not_subscribe(serve, tenant):
    server = await serve()
    async with socket(server.url, await tenant.token_for("warehouse")) as warehouse:
        sub = await warehouse.subscribe(DEALS)
        message = await warehouse.receive()
        assert message["id"] == sub and message["type"] in {"next", "error"}, message
        errors = message["payload"]["errors"] if message["type"] == "next" else message["payload"]
        assert [e["extensions"]["code"] for e in errors] == ["FORBIDDEN"]


async def test_a_socket_without_a_good_token_is_refused(serve, tenant):
    server = await serve()
    async with socket(server.url) as anonymous:
        await anonymous.init(None)
        code, reason = await anonymous.closed()
        assert code == 4403 and "Bearer" in (reason or "")
    async with socket(server.url) as forged:
        await forged.init("not-a-token")
        assert (await forged.closed())[0] == 4403
    async with socket(server.url) as hasty:
        await hasty.subscribe(DEALS)
        assert (await hasty.closed())[0] == 4401


async def test_a_deactivated_users_socket_closes_at_the_next_event(serve, gql, tenant):
    server = await serve()
    rep_id = await tenant.user("sales_rep")
    customer = await create_customer(gql, tenant.admin_token)
    async with socket(server.url, tenant.token(rep_id)) as rep:
        await rep.subscribe(DEALS)
        await server.subscribed(tenant, 1)
        deactivate = """mutation($id: ID!) { deactivateUser(input: {id: $id}) {
            user { id } userErrors { code } } }"""
        result = await gql(deactivate, {"id": _user_id(rep_id)}, token=tenant.admin_token)
        assert result.ok()["deactivateUser"]["userErrors"] == []
        await create_deal(gql, tenant.admin_token, customer["id"])
        assert await rep.closed() == (4403, "Unknown or deactivated user.")


def _user_id(uuid: UUID) -> str:
    from api.core.relay import to_global_id

    return str(to_global_id("User", uuid))


# another process: a replica (or a script) that shares nothing with this one but the database
RETITLE = """
import asyncio, sys
from uuid import UUID
from sqlalchemy.ext.asyncio import create_async_engine
from domain.crm.models import deals
from tenants.session import tenant_transaction

async def main(url, tenant, deal):
    engine = create_async_engine(url)
    async with tenant_transaction(engine, UUID(tenant)) as conn:
        await conn.execute(deals.update().where(deals.c.id == UUID(deal)).values(title="From afar"))
    await engine.dispose()

asyncio.run(main(*sys.argv[1:]))
"""


async def test_a_change_made_in_another_process_reaches_the_subscriber(
    serve, gql, tenant, database
):
    server = await serve()
    customer = await create_customer(gql, tenant.admin_token)
    deal = await create_deal(gql, tenant.admin_token, customer["id"])
    async with socket(server.url, tenant.admin_token) as admin:
        sub = await admin.subscribe(DEALS)
        await server.subscribed(tenant, 1)
        args = [database.app_url, str(tenant.id), str(uuid_of(deal["id"]))]
        process = await asyncio.create_subprocess_exec(sys.executable, "-c", RETITLE, *args)
        assert await process.wait() == 0
        event = (await admin.next(sub))["data"]["dealChanged"]
        assert event["deal"] == {"id": deal["id"], "title": "From afar"}


async def test_stock_changed_tells_of_one_product(serve, tenant):
    server = await serve()
    async with tenant.session() as conn:
        arranged = await arrange_order(conn, tenant.id, tenant.admin_id, lines=[
            (1, "10.00", "0", "5.00"), (1, "12.00", "0", "6.00"),
        ])  # fmt: skip
    other, watched = arranged.product_ids
    query = "subscription($p: ID!) { stockChanged(productId: $p) { product { id } } }"
    from api.core.relay import to_global_id

    watched_id = str(to_global_id("Product", watched))
    async with socket(server.url, await tenant.token_for("warehouse")) as warehouse:
        sub = await warehouse.subscribe(query, {"p": watched_id})
        await server.subscribed(tenant, 1)
        for product in (other, watched):
            async with tenant.session() as conn:
                moved = stock_levels.update().where(stock_levels.c.product_id == product)
                await conn.execute(moved.values(on_hand=stock_levels.c.on_hand + 3))
        event = await warehouse.next(sub)
        assert event["data"]["stockChanged"]["product"]["id"] == watched_id


async def test_activity_due_tells_the_assignee_when_its_time_comes(serve, gql, tenant):
    server = await serve(subscriptions_due_check_seconds=0.1)
    rep_token = tenant.token(await tenant.user("sales_rep"))
    manager_token = await tenant.token_for("sales_manager")
    soon = datetime.now(UTC) + timedelta(milliseconds=300)
    query = "subscription { activityDue { change activity { subject } } }"
    async with socket(server.url, rep_token) as rep:
        sub = await rep.subscribe(query)
        await server.subscribed(tenant, 1)
        for token, subject in ((manager_token, "Not yours"), (rep_token, "Call back")):
            input = {"kind": "TASK", "subject": subject, "dueAt": soon.isoformat()}
            await ok(gql, "logActivity", input, token, "activity { id }")
        event = (await rep.next(sub))["data"]["activityDue"]
        assert event == {"change": "DUE", "activity": {"subject": "Call back"}}


async def test_sockets_per_tenant_and_subscriptions_per_socket_are_bounded(serve, tenant):
    server = await serve(subscriptions_max_sockets_per_tenant=1, subscriptions_per_socket=1)
    async with socket(server.url, tenant.admin_token) as first:
        await first.subscribe(DEALS)
        second = await first.subscribe(DEALS)
        refused = await first.receive()
        assert refused["id"] == second and refused["type"] == "error", refused
        assert refused["payload"][0]["extensions"]["code"] == "BAD_USER_INPUT"
        async with socket(server.url) as extra:
            await extra.init(tenant.admin_token)
            assert (await extra.closed())[0] == 4429
    async with socket(server.url, tenant.admin_token):  # the first one's place is free again
        pass


async def test_subscriptions_run_over_the_websocket_only(gql, tenant):
    result = await gql(DEALS, token=tenant.admin_token)
    assert result.codes == ["BAD_USER_INPUT"]
