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


def _policy(page: httpx.Response) -> dict[str, str]:
    return dict(
        directive.strip().split(" ", 1)
        for directive in page.headers["content-security-policy"].split(";")
    )


async def test_graphiql_may_run_only_its_own_inline_script_and_files_served_here(client):
    page = await client.get("/graphql", headers={"Accept": "text/html"})
    assert page.status_code == 200 and "graphiql" in page.text.lower()
    _guarded(page)
    policy = _policy(page)
    assert policy["default-src"] == "'none'"
    assert policy["frame-ancestors"] == "'none'"
    inline = re.findall(r"<script>(.*?)</script>", page.text, re.DOTALL)
    assert inline, "GraphiQL's page has its configuration inline"
    digests = [
        "'sha256-" + base64.b64encode(hashlib.sha256(s.encode()).digest()).decode() + "'"
        for s in inline
    ]
    assert policy["script-src"].split() == ["'self'", *digests]
    assert "unsafe" not in policy["script-src"]
    # no other host anywhere in the policy: the page works offline
    assert not re.search(r"https?:|unpkg|cdn", page.headers["content-security-policy"])
    assert "shouldPersistHeaders: false" in page.text
    # subscriptions go over the websocket on the same path (over HTTP they are refused)
    assert "createFetcher({ url, subscriptionUrl })" in page.text


async def test_graphiql_loads_nothing_from_outside_and_every_file_is_served(client):
    page = await client.get("/graphql", headers={"Accept": "text/html"})
    named = re.findall(r'<(script|link)\b[^>]*?\b(?:src|href)="([^"]+)"[^>]*>', page.text)
    assets = [(tag, url) for tag, url in named if not url.startswith("data:")]
    assert {tag for tag, _ in assets} == {"script", "link"}
    for tag, url in assets:
        assert url.startswith("/graphiql/static/"), url  # on this server, no scheme or host
        answer = await client.get(url)
        assert answer.status_code == 200, url
        expected = "text/css" if tag == "link" else "javascript"
        assert expected in answer.headers["content-type"], (url, answer.headers)
        assert answer.headers["cache-control"].startswith("public")
        assert answer.headers["x-content-type-options"] == "nosniff"
        # byte for byte the pinned release: the integrity hash the page names
        tag_html = next(t for t in re.findall(r"<(?:script|link)[^>]*>", page.text) if url in t)
        [integrity] = re.findall(r'integrity="(sha384-[^"]+)"', tag_html)
        digest = base64.b64encode(hashlib.sha384(answer.content).digest()).decode()
        assert integrity == f"sha384-{digest}", url


async def test_graphiql_files_are_not_served_when_it_is_off(make_client):
    production = await make_client(env="production")
    answer = await production.get("/graphiql/static/react-18.2.0/react.production.min.js")
    assert answer.status_code == 404


async def test_the_page_is_compressed_after_its_policy_hashed_it(client):
    page = await client.get("/graphql", headers={"Accept": "text/html", "Accept-Encoding": "gzip"})
    inline = re.findall(r"<script>(.*?)</script>", page.text, re.DOTALL)
    digest = base64.b64encode(hashlib.sha256(inline[0].encode()).digest()).decode()
    assert f"'sha256-{digest}'" in _policy(page)["script-src"]
    big = await client.get(
        "/graphiql/static/graphiql-3.8.3/graphiql.min.js", headers={"Accept-Encoding": "br"}
    )
    assert big.headers["content-encoding"] == "br"


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
