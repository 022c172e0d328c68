"""The database away: every request answers 503 UNAVAILABLE with Retry-After (not
INTERNAL), /readyz agrees, and the outage is logged when it starts and when it ends.

No mock: one app's engine points at a port where nothing listens, another's pooled
connection is terminated by the server (what a restart does to every connection)."""

from __future__ import annotations

import logging
import socket
from collections.abc import AsyncIterator
from contextlib import AsyncExitStack
from typing import Any

import asyncpg
import httpx
import pytest
import sqlalchemy as sa
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncEngine

from api.app import build_state, create_app
from api.database import asyncpg_dsn, create_engine
from domain.webhooks.dispatch import Dispatcher
from tests.conftest import graphql

VIEWER = "{ viewer { user { email } } }"


def _closed_port() -> int:
    """A loopback port nothing listens on (it was free a moment ago)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture
async def app_on(settings: Any) -> AsyncIterator[Any]:
    """`await app_on(url)`: a client of an app of its own whose engine connects to
    `url`, and that engine."""
    async with AsyncExitStack() as stack:

        async def make(url: str) -> tuple[httpx.AsyncClient, AsyncEngine]:
            engine = create_engine(url, settings)
            stack.push_async_callback(engine.dispose)
            app = create_app(settings, build_state(settings, engine))
            client = httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://t")
            return await stack.enter_async_context(client), engine

        yield make


def _outage_lines(caplog: pytest.LogCaptureFixture) -> list[logging.LogRecord]:
    return [r for r in caplog.records if r.name == "atrium.database"]


def _assert_unavailable(response: httpx.Response) -> None:
    assert response.status_code == 503, response.text
    assert response.headers["retry-after"].isdigit()
    [error] = response.json()["errors"]
    assert error["extensions"]["code"] == "UNAVAILABLE"


async def test_refused_connections_answer_unavailable_and_are_logged_once(
    app_on, database, tenant, caplog
):
    dead = make_url(database.app_url).set(host="127.0.0.1", port=_closed_port(), query={})
    client, _ = await app_on(dead.render_as_string(hide_password=False))
    caplog.set_level(logging.INFO)

    for _ in range(3):
        response = await client.post(
            "/graphql",
            json={"query": VIEWER},
            headers={"Authorization": f"Bearer {tenant.admin_token}"},
        )
        _assert_unavailable(response)
        assert response.json()["data"] is None
    oauth = await client.post(
        "https://t/oauth/token",
        data={"grant_type": "client_credentials"},
        auth=(f"{tenant.id.hex}.{'0' * 16}", "secret"),
    )
    _assert_unavailable(oauth)
    ready = await client.get("/readyz")
    assert ready.status_code == 503 and ready.headers["retry-after"].isdigit()

    [started] = _outage_lines(caplog)  # once for the outage, not once per request
    assert started.levelno == logging.ERROR and "unavailable" in started.getMessage()
    assert not [r for r in caplog.records if r.name == "atrium.errors"]  # no INTERNAL


async def test_a_connection_the_server_terminated_is_unavailable_then_recovers(
    app_on, database, tenant, caplog
):
    client, engine = await app_on(database.app_url)
    token = tenant.admin_token
    assert (await graphql(client, VIEWER, token=token)).ok()
    async with engine.connect() as conn:  # the one pooled connection, which the next uses
        pid = await conn.scalar(sa.text("SELECT pg_backend_pid()"))
    superuser = await asyncpg.connect(asyncpg_dsn(database.superuser_url))
    try:
        assert await superuser.fetchval("SELECT pg_terminate_backend($1, 5000)", pid)
    finally:
        await superuser.close()
    caplog.set_level(logging.INFO)

    lost = await client.post(
        "/graphql", json={"query": VIEWER}, headers={"Authorization": f"Bearer {token}"}
    )
    _assert_unavailable(lost)
    assert (await graphql(client, VIEWER, token=token)).ok()  # a fresh connection
    assert (await client.get("/readyz")).status_code == 200

    started, ended = _outage_lines(caplog)
    assert "unavailable" in started.getMessage()
    assert "available again" in ended.getMessage() and "1 requests" in ended.getMessage()


async def test_the_webhook_dispatcher_logs_an_outage_once_not_every_poll(
    database: Any, settings: Any, caplog: pytest.LogCaptureFixture
) -> None:
    url = make_url(database.app_url).set(host="127.0.0.1", port=_closed_port(), query={})
    engine = create_engine(url.render_as_string(hide_password=False), settings)
    async with httpx.AsyncClient() as http:
        dispatcher = Dispatcher(engine, http)
        with caplog.at_level(logging.INFO):
            for _ in range(3):
                assert await dispatcher.run_pass() == 0
    await engine.dispose()
    assert [r.levelno for r in _outage_lines(caplog)] == [logging.ERROR]
    assert not [r for r in caplog.records if r.name == "domain.webhooks.dispatch"]
