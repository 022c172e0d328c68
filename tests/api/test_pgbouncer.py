"""The app through a real PgBouncer in transaction mode (ATRIUM_DB_POOLER=pgbouncer):
each transaction may run on any server connection, so nothing may depend on a session
surviving between transactions: no named prepared statement, no session setting.
Two server connections are shared by every client connection of the app."""

from __future__ import annotations

import asyncio
import functools
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest
import sqlalchemy as sa

from api.app import build_state, create_app
from api.database import create_engine
from tests.conftest import graphql
from tests.support.crm import create_customer, create_deal

VIEWER = "{ viewer { user { id email roleKey } tenant { id slug } } }"
CUSTOMERS = "{ customers(first: 50) { nodes { id name } } }"
DEALS = "{ deals(first: 50) { nodes { id title customer { id name } } } }"


@pytest.fixture
async def pooled(pgbouncer: Any, database: Any, settings: Any) -> AsyncIterator[Any]:
    """`gql` of an app whose engine goes through PgBouncer, and that engine."""
    pooled_settings = settings.model_copy(update={"db_pooler": "pgbouncer"})
    engine = create_engine(pgbouncer.url(database.app_url), pooled_settings)
    app = create_app(pooled_settings, build_state(pooled_settings, engine))
    transport = httpx.ASGITransport(app=app)
    try:
        async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
            yield functools.partial(graphql, client), engine
    finally:
        await engine.dispose()


async def _world(gql: Any, tenant: Any) -> tuple[str, set[str], set[str]]:
    token = tenant.admin_token
    customers = {
        (await create_customer(gql, token, name=f"{tenant.slug} {i}"))["id"] for i in range(3)
    }
    deals = {(await create_deal(gql, token, next(iter(customers))))["id"] for _ in range(2)}
    return token, customers, deals


async def test_two_tenants_concurrent_requests_never_mix(pooled, gql, tenant, other_tenant):
    pooled_gql, _ = pooled
    worlds = {t.id: await _world(gql, t) for t in (tenant, other_tenant)}

    async def read(tenant_id: Any) -> None:
        token, customers, deals = worlds[tenant_id]
        viewer, listed, dealt = await asyncio.gather(
            pooled_gql(VIEWER, token=token),
            pooled_gql(CUSTOMERS, token=token),
            pooled_gql(DEALS, token=token),
        )
        assert viewer.ok()["viewer"]["tenant"]["slug"] in (tenant.slug, other_tenant.slug)
        assert {n["id"] for n in listed.ok()["customers"]["nodes"]} == customers
        assert listed.headers["Atrium-Read-Path"] == "compiled"  # statements run as text
        assert {n["id"] for n in dealt.ok()["deals"]["nodes"]} == deals
        assert {n["customer"]["id"] for n in dealt.ok()["deals"]["nodes"]} <= customers

    await asyncio.gather(*(read(t.id) for _ in range(15) for t in (tenant, other_tenant)))


async def test_a_mutation_through_the_pool_commits(pooled, tenant):
    pooled_gql, _ = pooled
    created = await create_customer(pooled_gql, tenant.admin_token, name="Through the pool")
    listed = (await pooled_gql(CUSTOMERS, token=tenant.admin_token)).ok()
    assert [n["id"] for n in listed["customers"]["nodes"]] == [created["id"]]


async def test_the_next_tenant_on_a_server_connection_sees_only_its_own(
    pooled, tenant, other_tenant
):
    pooled_gql, engine = pooled
    a_rep = await tenant.user("sales_rep")
    b_manager = await other_tenant.user("sales_manager")
    b_customer = (await create_customer(pooled_gql, other_tenant.admin_token))["id"]
    for _ in range(3):  # one after the other: each finds the server connection just used
        a = (await pooled_gql(VIEWER, token=tenant.token(a_rep))).ok()["viewer"]
        assert (a["tenant"]["slug"], a["user"]["roleKey"]) == (tenant.slug, "sales_rep")
        b_token = other_tenant.token(b_manager)
        b = (await pooled_gql(VIEWER, token=b_token)).ok()["viewer"]
        assert (b["tenant"]["slug"], b["user"]["roleKey"]) == (other_tenant.slug, "sales_manager")
        listed = (await pooled_gql(CUSTOMERS, token=b_token)).ok()["customers"]["nodes"]
        assert [n["id"] for n in listed] == [b_customer]
        assert not (await pooled_gql(CUSTOMERS, token=tenant.token(a_rep))).ok()["customers"][
            "nodes"
        ]

    # PgBouncer hands the server connection it was last given back first: one request's
    # server connection is the next one's, and carries nothing of the request before
    async with engine.connect() as conn, conn.begin():
        first = await conn.scalar(sa.text("SELECT pg_backend_pid()"))
        await conn.execute(
            sa.text("SELECT set_config('app.tenant_id', :t, true)"), {"t": str(tenant.id)}
        )
        assert await conn.scalar(sa.text("SELECT count(*) FROM users")) == 2
    async with engine.connect() as conn, conn.begin():
        assert await conn.scalar(sa.text("SELECT pg_backend_pid()")) == first
        for name in ("tenant_id", "user_id", "request_id"):
            assert not await conn.scalar(
                sa.text("SELECT current_setting(:name, true)"), {"name": f"app.{name}"}
            )
        assert await conn.scalar(sa.text("SELECT count(*) FROM users")) == 0
