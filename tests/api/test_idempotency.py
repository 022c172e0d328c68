"""Idempotency-Key on every mutation (api/idempotency.py): a retry answers the first
answer and writes nothing, another request under the key is refused, concurrent
requests with one key run once, and a key lives per (tenant, caller) for its TTL."""

from __future__ import annotations

import asyncio
import uuid

import sqlalchemy as sa

from domain.idempotency import idempotency_keys

CREATE_LEAD = """mutation($input: CreateLeadInput!) {
  createLead(input: $input) { clientMutationId lead { id name } userErrors { code } } }"""
LEADS = "{ leads(first: 100) { nodes { name } } }"


async def send(client, token, key, query=CREATE_LEAD, variables=None):
    headers = {"Authorization": f"Bearer {token}"}
    if key is not None:
        headers["Idempotency-Key"] = key
    response = await client.post(
        "/graphql", json={"query": query, "variables": variables or {}}, headers=headers
    )
    return response


def lead_input(name, **extra):
    return {"input": {"name": name, **extra}}


async def lead_names(gql, token):
    return sorted(n["name"] for n in (await gql(LEADS, token=token)).ok()["leads"]["nodes"])


async def test_a_retry_answers_the_first_answer_and_writes_nothing(client, gql, tenant):
    token, key = tenant.admin_token, str(uuid.uuid4())
    variables = lead_input("Ada", clientMutationId="m-1")
    first = await send(client, token, key, variables=variables)
    again = await send(client, token, key, variables=variables)
    assert first.status_code == again.status_code == 200
    answer = first.json()
    assert "extensions" not in answer and answer["data"]["createLead"]["clientMutationId"] == "m-1"
    assert again.json() == {**answer, "extensions": {"idempotentReplay": True}}
    assert again.headers["Idempotent-Replayed"] == "true"
    assert "Idempotent-Replayed" not in first.headers
    assert await lead_names(gql, token) == ["Ada"]
    # without a key, the same request is a new lead
    assert (await send(client, token, None, variables=variables)).status_code == 200
    assert await lead_names(gql, token) == ["Ada", "Ada"]


async def test_the_same_key_for_another_request_is_refused(client, gql, tenant):
    token, key = tenant.admin_token, "order-42"
    assert (await send(client, token, key, variables=lead_input("Ada"))).status_code == 200
    other = await send(client, token, key, variables=lead_input("Bob"))
    assert other.status_code == 422
    assert [e["extensions"]["code"] for e in other.json()["errors"]] == ["IDEMPOTENCY_KEY_REUSED"]
    assert other.json()["data"] is None
    assert await lead_names(gql, token) == ["Ada"]


async def test_a_key_is_the_callers_own(client, gql, tenant, other_tenant):
    key = "shared-key"
    rep = await tenant.token_for("sales_manager")
    for token in (tenant.admin_token, rep, other_tenant.admin_token):
        answer = await send(client, token, key, variables=lead_input("Ada"))
        assert answer.status_code == 200 and "extensions" not in answer.json(), answer.json()
        again = await send(client, token, key, variables=lead_input("Ada"))
        assert again.json()["extensions"] == {"idempotentReplay": True}
    assert await lead_names(gql, tenant.admin_token) == ["Ada", "Ada"]
    assert await lead_names(gql, other_tenant.admin_token) == ["Ada"]


async def test_concurrent_requests_with_one_key_run_once(client, gql, tenant):
    token, key = tenant.admin_token, str(uuid.uuid4())
    answers = await asyncio.gather(
        *(send(client, token, key, variables=lead_input("Ada")) for _ in range(6))
    )
    bodies = [a.json() for a in answers]
    assert all(a.status_code == 200 for a in answers), bodies
    assert len({b["data"]["createLead"]["lead"]["id"] for b in bodies}) == 1
    assert sum("extensions" not in b for b in bodies) == 1
    assert await lead_names(gql, token) == ["Ada"]


async def test_a_second_request_waits_for_the_first_to_commit(client, tenant):
    """Deterministically: the key's row is held uncommitted by another transaction (as a
    running first request holds it); the request waits for it, then replays what it
    committed."""
    token, key = tenant.admin_token, "held"
    variables = lead_input("Ada")
    from api.idempotency import request_hash

    stored = '{"data":{"createLead":{"clientMutationId":null,"lead":null,"userErrors":[]}}}'
    async with tenant.session(tenant.admin_id) as conn:
        await conn.execute(
            sa.insert(idempotency_keys).values(
                tenant_id=tenant.id,
                user_id=tenant.admin_id,
                key=key,
                request_hash=request_hash(CREATE_LEAD, variables, None),
                response=stored,
                expires_at=sa.func.now() + sa.text("interval '1 hour'"),
            )
        )
        waiting = asyncio.create_task(send(client, token, key, variables=variables))
        await asyncio.sleep(0.3)
        assert not waiting.done()
    answer = await waiting
    assert answer.json()["extensions"] == {"idempotentReplay": True}, answer.json()
    assert answer.json()["data"]["createLead"]["lead"] is None


async def test_a_failed_mutation_keeps_no_key(client, tenant):
    """A refused write rolls the whole transaction back, the key's claim with it, so a
    retry runs again."""
    viewer = await tenant.token_for("warehouse")
    refused = await send(client, viewer, "k", variables=lead_input("Ada"))
    assert "FORBIDDEN" in [e["extensions"]["code"] for e in refused.json()["errors"]]
    async with tenant.session() as conn:
        assert (
            await conn.execute(sa.select(sa.func.count()).select_from(idempotency_keys))
        ).scalar() == 0


async def test_an_expired_key_is_forgotten(client, gql, tenant):
    token, key = tenant.admin_token, "old"
    await send(client, token, key, variables=lead_input("Ada"))
    async with tenant.session() as conn:
        await conn.execute(
            sa.update(idempotency_keys).values(
                expires_at=sa.func.now() - sa.text("interval '1 second'")
            )
        )
    again = await send(client, token, key, variables=lead_input("Ada"))
    assert "extensions" not in again.json()
    assert await lead_names(gql, token) == ["Ada", "Ada"]
    async with tenant.session() as conn:
        rows = (
            (await conn.execute(sa.select(idempotency_keys.c.expires_at > sa.func.now())))
            .scalars()
            .all()
        )
    assert rows == [True]  # the expired row was purged, the new one lives


async def test_key_length_is_bounded_and_queries_ignore_it(client, gql, tenant):
    token = tenant.admin_token
    too_long = await send(client, token, "k" * 256, variables=lead_input("Ada"))
    assert [e["extensions"]["code"] for e in too_long.json()["errors"]] == ["BAD_USER_INPUT"]
    query = await send(client, token, "q", query=LEADS)
    again = await send(client, token, "q", query=LEADS)
    assert query.status_code == again.status_code == 200
    assert "extensions" not in again.json() and "Idempotent-Replayed" not in again.headers
    assert await lead_names(gql, token) == []


async def test_a_partners_create_order_retried_returns_the_first_order(client, tenant):
    """The issue's case: a partner retries `createOrder` after a timeout."""
    from api.core.relay import to_global_id
    from tests.support.backoffice import CREATE_ORDER, order_count, widgets_and_customer

    stock, customer = await widgets_and_customer(tenant)
    line = {"productId": to_global_id("Product", stock.products["WID-1"]), "quantity": 2}
    variables = {"input": {"customerId": to_global_id("Customer", customer), "lines": [line]}}
    token = await tenant.token_for("sales_rep")
    first, again = [
        await send(client, token, "shop-order-1042", query=CREATE_ORDER, variables=variables)
        for _ in range(2)
    ]
    order = first.json()["data"]["createOrder"]["order"]
    assert order is not None and again.json()["data"]["createOrder"]["order"] == order
    assert again.json()["extensions"] == {"idempotentReplay": True}
    assert await order_count(tenant) == 1
