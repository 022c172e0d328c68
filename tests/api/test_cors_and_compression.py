"""Browser apps on another origin (CORS by ATRIUM_CORS_ORIGINS) and compressed answers."""

from __future__ import annotations

import gzip
import zlib
from typing import Any

import pytest
from pydantic import SecretStr, ValidationError

from api.compression import compression
from api.settings import Settings

SPA = "http://localhost:5173"
VIEWER = {"query": "{ viewer { user { email } } }"}
TYPES = {"query": "{ __schema { types { name description } } }"}  # anonymous, several kB


def _preflight(origin: str) -> dict[str, str]:
    return {
        "Origin": origin,
        "Access-Control-Request-Method": "POST",
        "Access-Control-Request-Headers": "authorization, content-type",
    }


@pytest.fixture
async def spa_client(make_client: Any) -> Any:
    return await make_client(cors_origins=f"{SPA}, https://app.example")


async def test_no_cors_headers_by_default(client, tenant):
    answer = await client.post(
        "/graphql",
        json=VIEWER,
        headers={"Origin": SPA, "Authorization": f"Bearer {tenant.admin_token}"},
    )
    assert answer.status_code == 200
    assert "access-control-allow-origin" not in answer.headers
    preflight = await client.options("/graphql", headers=_preflight(SPA))
    assert "access-control-allow-origin" not in preflight.headers


async def test_an_spa_on_a_listed_origin_calls_with_a_bearer_token(spa_client, tenant):
    preflight = await spa_client.options("/graphql", headers=_preflight(SPA))
    assert preflight.status_code == 200, preflight.text
    assert preflight.headers["access-control-allow-origin"] == SPA
    allowed = {
        h.strip().lower() for h in preflight.headers["access-control-allow-headers"].split(",")
    }
    assert {"authorization", "content-type", "idempotency-key"} <= allowed
    assert "POST" in preflight.headers["access-control-allow-methods"]
    assert "access-control-allow-credentials" not in preflight.headers

    answer = await spa_client.post(
        "/graphql",
        json=VIEWER,
        headers={"Origin": SPA, "Authorization": f"Bearer {tenant.admin_token}"},
    )
    assert answer.json()["data"]["viewer"]["user"]["email"]
    assert answer.headers["access-control-allow-origin"] == SPA
    assert "x-request-id" in answer.headers["access-control-expose-headers"].lower()
    # a refusal is readable by the page too
    refused = await spa_client.post(
        "/graphql", json=VIEWER, headers={"Origin": SPA, "Authorization": "Bearer nope"}
    )
    assert refused.status_code == 401
    assert refused.headers["access-control-allow-origin"] == SPA


async def test_an_unlisted_origin_is_not_allowed(spa_client, tenant):
    preflight = await spa_client.options("/graphql", headers=_preflight("https://evil.example"))
    assert preflight.status_code == 400
    assert "access-control-allow-origin" not in preflight.headers
    answer = await spa_client.post(
        "/graphql",
        json=VIEWER,
        headers={"Origin": "https://evil.example", "Authorization": f"Bearer {tenant.admin_token}"},
    )
    assert "access-control-allow-origin" not in answer.headers


async def test_any_origin_without_credentials(make_client):
    client = await make_client(cors_origins="*")
    preflight = await client.options("/graphql", headers=_preflight(SPA))
    assert preflight.headers["access-control-allow-origin"] == "*"
    assert "access-control-allow-credentials" not in preflight.headers


@pytest.mark.parametrize(
    ("settings", "message"),
    [
        ({"cors_origins": "*", "cors_allow_credentials": True}, "credentialed"),
        ({"cors_origins": "http://localhost:5173/"}, "not an origin"),
        ({"cors_origins": "localhost:5173"}, "not an origin"),
        ({"cors_origins": "https://app.example/path"}, "not an origin"),
    ],
)
def test_unsafe_or_malformed_origins_refuse_to_start(settings, message):
    with pytest.raises(ValidationError, match=message):
        Settings(**settings)


async def test_large_answers_are_compressed_small_ones_are_not(client):
    for encoding in ("gzip", "br", "zstd"):
        answer = await client.post("/graphql", json=TYPES, headers={"Accept-Encoding": encoding})
        assert answer.status_code == 200
        assert answer.headers["content-encoding"] == encoding
        assert answer.json()["data"]["__schema"]["types"]
        # the headers set inside still arrive
        assert answer.headers["x-request-id"]
        assert (
            answer.headers["content-security-policy"]
            == "default-src 'none'; frame-ancestors 'none'"
        )
    small = await client.post(
        "/graphql", json={"query": "{ __typename }"}, headers={"Accept-Encoding": "gzip"}
    )
    assert "content-encoding" not in small.headers
    plain = await client.post("/graphql", json=TYPES, headers={"Accept-Encoding": "identity"})
    assert "content-encoding" not in plain.headers


async def test_the_graphql_response_type_is_compressed(client):
    answer = await client.post(
        "/graphql",
        json=TYPES,
        headers={"Accept-Encoding": "gzip", "Accept": "application/graphql-response+json"},
    )
    assert answer.headers["content-encoding"] == "gzip"
    assert answer.headers["content-type"].startswith("application/graphql-response+json")


async def test_compressed_answers_are_counted_in_the_metrics(make_client):
    client = await make_client(metrics_token=SecretStr("scrape-me"))
    await client.post("/graphql", json=TYPES, headers={"Accept-Encoding": "gzip"})
    scraper = {"Authorization": "Bearer scrape-me"}
    metrics = (await client.get("/metrics", headers=scraper)).text
    assert 'atrium_http_requests_total{path="/graphql",status="200"}' in metrics


@pytest.mark.parametrize("media_type", ["text/event-stream", "multipart/mixed; boundary=-"])
async def test_streams_are_flushed_per_message_not_buffered(settings, media_type):
    """A stream's first event leaves the middleware before the app sends the next."""
    sent: list[dict[str, Any]] = []

    async def stream(scope: Any, receive: Any, send: Any) -> None:
        headers = [(b"content-type", media_type.encode())]
        await send({"type": "http.response.start", "status": 200, "headers": headers})
        await send({"type": "http.response.body", "body": b"data: 1\n\n", "more_body": True})
        so_far = b"".join(m.get("body", b"") for m in sent[1:])
        assert zlib.decompressobj(wbits=31).decompress(so_far) == b"data: 1\n\n", "held back"
        await send({"type": "http.response.body", "body": b"data: 2\n\n", "more_body": False})

    async def record(message: dict[str, Any]) -> None:
        sent.append(message)

    [middleware] = compression(settings)
    app = middleware.cls(stream, **middleware.kwargs)
    scope = {
        "type": "http",
        "method": "GET",
        "path": "/",
        "headers": [(b"accept-encoding", b"gzip")],
    }
    await app(scope, None, record)
    start = sent[0]
    assert (b"content-encoding", b"gzip") in start["headers"]
    body = b"".join(m.get("body", b"") for m in sent[1:])
    assert gzip.decompress(body) == b"data: 1\n\ndata: 2\n\n"
