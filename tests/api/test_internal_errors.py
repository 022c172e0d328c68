"""Unexpected exceptions: masked as INTERNAL with the request id, logged with that id."""

from __future__ import annotations

import io
import json
import logging

import pytest

from api import viewer
from api.logs import JsonFormatter

VIEWER = "{ viewer { user { email } permissions { entity } } }"


@pytest.fixture
def json_log():
    """What the server logs, as the JSON lines production writes."""
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(JsonFormatter())
    root = logging.getLogger()
    root.addHandler(handler)
    try:
        yield lambda: [json.loads(line) for line in stream.getvalue().splitlines()]
    finally:
        root.removeHandler(handler)


@pytest.fixture
def broken_resolver(monkeypatch):
    def explode(policy):
        logging.getLogger("atrium.test").warning("about to fail")
        raise RuntimeError("database password is hunter2")

    monkeypatch.setattr(viewer.types, "entity_permissions", explode)


async def test_unexpected_exception_is_masked_and_logged_with_the_request_id(
    client, tenant, json_log, broken_resolver
):
    response = await client.post(
        "/graphql",
        json={"query": VIEWER},
        headers={"Authorization": f"Bearer {tenant.admin_token}", "X-Request-ID": "req-abc.123"},
    )
    assert response.status_code == 200
    assert response.headers["x-request-id"] == "req-abc.123"
    body = response.json()
    assert body["data"] is None
    [error] = body["errors"]
    assert error["extensions"] == {"code": "INTERNAL", "requestId": "req-abc.123"}
    assert "req-abc.123" in error["message"]
    assert "hunter2" not in response.text and "RuntimeError" not in response.text

    lines = json_log()
    [logged] = [line for line in lines if line["logger"] == "atrium.errors"]
    assert logged["request_id"] == "req-abc.123"
    assert logged["level"] == "error"
    assert "hunter2" in logged["exception"]  # the detail goes to the log, not the client
    # any log line written while serving the request carries its id, without being told
    [inside] = [line for line in lines if line["logger"] == "atrium.test"]
    assert inside["request_id"] == "req-abc.123"


async def test_request_id_is_generated_when_missing_or_unsafe(client, tenant, broken_resolver):
    # a generated request id when the client sends none, or one that is not sane
    for sent in (None, "has spaces", "x" * 65):
        headers = {"Authorization": f"Bearer {tenant.admin_token}"}
        if sent:
            headers["X-Request-ID"] = sent
        response = await client.post("/graphql", json={"query": VIEWER}, headers=headers)
        request_id = response.headers["x-request-id"]
        assert request_id != sent and len(request_id) == 32
        assert response.json()["errors"][0]["extensions"]["requestId"] == request_id


async def test_an_exception_outside_graphql_is_a_json_internal_error(
    client, state, json_log, monkeypatch
):
    async def explode(token):
        raise RuntimeError("key server password is hunter2")

    monkeypatch.setattr(state.verifier, "verify", explode)
    response = await client.post(
        "/graphql",
        json={"query": VIEWER},
        headers={"Authorization": "Bearer x.y.z", "X-Request-ID": "req-outside"},
    )
    assert response.status_code == 500
    assert response.headers["x-request-id"] == "req-outside"
    [error] = response.json()["errors"]
    assert error["extensions"] == {"code": "INTERNAL", "requestId": "req-outside"}
    assert "hunter2" not in response.text
    [logged] = [line for line in json_log() if line["logger"] == "atrium.errors"]
    assert logged["request_id"] == "req-outside" and "hunter2" in logged["exception"]
