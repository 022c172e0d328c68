"""A remembered token skips its signature check but not its claims: it still expires."""

from __future__ import annotations

import time
import uuid

import pytest

from api.auth import AuthError, TokenVerifier
from api.settings import Settings
from api.signing_keys import KeyStore


class Clock:
    def __init__(self) -> None:
        self.now = time.time()

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def setup(tmp_path):
    settings = Settings(data_dir=tmp_path, jwt_leeway_seconds=5)
    keys = KeyStore.load_or_create(tmp_path)
    clock = Clock()
    return settings, keys, clock, TokenVerifier(settings, keys, clock=clock)


async def test_a_remembered_token_expires_on_time(setup):
    settings, keys, clock, verifier = setup
    tenant, user = uuid.uuid4(), uuid.uuid4()
    token = keys.issue(settings, tenant_id=tenant, user_id=user, ttl=60)
    first = await verifier.verify(token)
    assert (first.tenant_id, first.user_id) == (tenant, user)
    clock.now += 60  # within the leeway: still good, now from memory
    assert await verifier.verify(token) == first
    clock.now += 10
    with pytest.raises(AuthError, match="expired"):
        await verifier.verify(token)
    with pytest.raises(AuthError, match="expired"):  # and stays refused
        await verifier.verify(token)


async def test_a_tampered_copy_of_a_remembered_token_is_refused(setup):
    settings, keys, _, verifier = setup
    token = keys.issue(settings, tenant_id=uuid.uuid4(), user_id=uuid.uuid4())
    await verifier.verify(token)
    header, claims, signature = token.split(".")
    forged = ".".join(
        (header, claims, signature[:-4] + ("AAAA" if signature[-4:] != "AAAA" else "BBBB"))
    )
    with pytest.raises(AuthError, match="signature"):
        await verifier.verify(forged)


async def test_memory_is_bounded(setup, monkeypatch):
    settings, keys, clock, _ = setup
    monkeypatch.setattr(TokenVerifier, "REMEMBERED", 3)
    verifier = TokenVerifier(settings, keys, clock=clock)  # its cache is sized when made
    tokens = [keys.issue(settings, tenant_id=uuid.uuid4(), user_id=uuid.uuid4()) for _ in range(5)]
    for token in tokens:
        await verifier.verify(token)
    assert list(verifier._verified) == tokens[-3:]
