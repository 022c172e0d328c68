"""The headers every answer carries: no MIME sniffing, no caching of what a role may read,
a Content-Security-Policy (GraphiQL's names its inline script by hash), no Server banner."""

from __future__ import annotations

import asyncio
import base64
import hashlib
import re

import httpx
import uvicorn

from api.app import create_app
from api.cli import UVICORN_OPTIONS

VIEWER = {"query": "{ viewer { user { email } } }"}


def _guarded(response: httpx.Response) -> None:
    assert response.headers["x-content-type-options"] == "nosniff"
    assert response.headers["cache-control"] == "no-store"
    assert "server" not in response.headers


async def test_api_answers_are_not_sniffed_nor_stored(client, tenant):
    bearer = {"Authorization": f"Bearer {tenant.admin_token}"}
    answers = [
        await client.post("/graphql", json=VIEWER, headers=bearer),  # a role's data
        await client.post("/graphql", json=VIEWER, headers={"Authorization": "Bearer nope"}),
        await client.post("/graphql", content=b"x" * 2_000_000),  # 413
        await client.get("/graphql?query={nope}"),  # a document that does not validate
        await client.post("/oauth/token", data={"grant_type": "client_credentials"}),
        await client.get("/healthz"),
    ]
    assert [a.status_code for a in answers] == [200, 401, 413, 200, 400, 200]
    for answer in answers:
        _guarded(answer)
        assert answer.headers["content-security-policy"] == (
            "default-src 'none'; frame-ancestors 'none'"
        )


async def test_graphiql_may_run_only_its_own_inline_script_and_pinned_cdn_files(client):
    page = await client.get("/graphql", headers={"Accept": "text/html"})
    assert page.status_code == 200 and "graphiql" in page.text.lower()
    _guarded(page)
    policy = dict(
        directive.strip().split(" ", 1)
        for directive in page.headers["content-security-policy"].split(";")
    )
    assert policy["default-src"] == "'none'"
    assert policy["frame-ancestors"] == "'none'"
    inline = re.findall(r"<script>(.*?)</script>", page.text, re.DOTALL)
    assert inline, "GraphiQL's page has its configuration inline"
    digests = [
        "'sha256-" + base64.b64encode(hashlib.sha256(s.encode()).digest()).decode() + "'"
        for s in inline
    ]
    assert policy["script-src"].split() == [*digests, "https://unpkg.com"]
    assert "unsafe" not in policy["script-src"]
    for src in re.findall(r'<script[^>]*src="([^"]+)"', page.text):
        assert src.startswith("https://unpkg.com/")


async def test_atrium_serve_names_no_server_and_leaves_forwarding_to_the_app(settings, state):
    """uvicorn as `atrium serve` runs it, on a real socket."""
    app = create_app(settings, state)
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=0, **UVICORN_OPTIONS))
    serving = asyncio.create_task(server.serve())
    try:
        while not server.started:  # noqa: ASYNC110 - uvicorn has a flag, not an event
            await asyncio.sleep(0.01)
        port = server.servers[0].sockets[0].getsockname()[1]
        async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}") as http:
            answer = await http.get("/healthz")
        assert answer.status_code == 200
        _guarded(answer)
        assert "date" in answer.headers  # uvicorn's other default header stays
    finally:
        server.should_exit = True
        await serving
