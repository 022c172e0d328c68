"""What operators and load balancers use: health, readiness, the public keys (metrics:
test_metrics.py)."""

from __future__ import annotations

import httpx
import pytest
from joserfc import jwt
from joserfc.jwk import KeySet
from sqlalchemy.ext.asyncio import AsyncEngine

from api.app import build_state, create_app
from api.database import create_engine


async def test_healthz(client):
    response = await client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}
    assert response.headers["x-request-id"]


async def test_readyz_checks_the_database(client):
    response = await client.get("/readyz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok"}


async def test_readyz_is_503_when_the_database_is_unreachable(settings):
    nowhere = create_engine("postgresql+asyncpg://atrium_app@127.0.0.1:1/atrium", settings)
    app = create_app(settings, build_state(settings, nowhere))
    try:
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
            response = await client.get("/readyz")
            assert response.status_code == 503
            assert response.json() == {"status": "unavailable", "database": "unreachable"}
            assert (await client.get("/healthz")).status_code == 200  # the process is fine
    finally:
        await nowhere.dispose()


async def test_jwks_verifies_issued_tokens(client, tenant):
    response = await client.get("/.well-known/jwks.json")
    assert response.status_code == 200
    keys = response.json()["keys"]
    assert len(keys) == 1 and keys[0]["kty"] == "EC" and "d" not in keys[0]  # public half only
    decoded = jwt.decode(tenant.admin_token, KeySet.import_key_set(response.json()))
    assert decoded.claims["sub"] == str(tenant.admin_id)


async def test_lifespan_builds_and_disposes_its_own_engine(database, settings, monkeypatch):
    disposed = []
    original = AsyncEngine.dispose

    async def spy(self, *args, **kwargs):
        disposed.append(self)
        await original(self, *args, **kwargs)

    monkeypatch.setattr(AsyncEngine, "dispose", spy)
    own = settings.model_copy(update={"database_url": database.owner_url})
    app = create_app(own)
    async with app.router.lifespan_context(app):
        engine = app.state.atrium.engine
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
            assert (await client.get("/readyz")).status_code == 200
        assert disposed == []
    assert disposed == [engine]


@pytest.mark.parametrize("path", ["/nowhere", "/graphql/x"])
async def test_unknown_paths_are_404(client, path):
    assert (await client.get(path)).status_code == 404
