"""POST /oauth/token under load: requests limited per client address and per client id,
and failed client authentications per address with a wait that grows (429 RATE_LIMITED
with Retry-After), lifted when the window has passed."""

from __future__ import annotations

import types
import uuid

import pytest

from tests.support.api_clients import TOKEN_URL, basic, partner


@pytest.fixture
def clock(monkeypatch):
    """The rate limiter's clock, moved by hand (`clock.now += 61`)."""
    fake = types.SimpleNamespace(now=1_800_000_000.0)
    fake.time = lambda: fake.now
    for module in ("limits.aio.storage.memory", "limits.aio.strategies", "api.ratelimit"):
        monkeypatch.setattr(f"{module}.time", fake)
    return fake


def _token(client, client_id: str, secret: str, address: str):
    """A token request from `address` (named by the trusted proxy on loopback)."""
    headers = {**basic(client_id, secret), "X-Forwarded-For": address}
    return client.post(TOKEN_URL, data={"grant_type": "client_credentials"}, headers=headers)


def _waits(response) -> int:
    assert response.status_code == 429, response.text
    assert response.json()["errors"][0]["extensions"]["code"] == "RATE_LIMITED"
    return int(response.headers["retry-after"])


async def test_requests_are_limited_per_address_and_per_client_id(make_client, gql, tenant, clock):
    limited = await make_client(token_rate_limit="3/minute", token_failure_limit="")
    issued = await partner(gql, tenant)
    client_id, secret = issued["clientId"], issued["clientSecret"]
    # one client id from three addresses spends its own budget
    for address in ("198.51.100.1", "198.51.100.2", "198.51.100.3"):
        assert (await _token(limited, client_id, secret, address)).status_code == 200
    assert 1 <= _waits(await _token(limited, client_id, secret, "198.51.100.4")) <= 60
    # one address asking for other client ids (unknown ones too) spends the address's
    others = [f"{tenant.id.hex}.{uuid.uuid4().hex[:16]}" for _ in range(3)]
    for other in others:
        assert (await _token(limited, other, "guess", "203.0.113.9")).status_code == 401
    assert _waits(await _token(limited, f"{tenant.id.hex}.00", "x", "203.0.113.9")) <= 60
    clock.now += 61
    assert (await _token(limited, client_id, secret, "198.51.100.4")).status_code == 200


async def test_failures_make_an_address_wait_longer_and_then_it_may_try_again(
    make_client, gql, tenant, clock
):
    limited = await make_client(token_rate_limit="", token_failure_limit="2/minute;3/hour")
    issued = await partner(gql, tenant)
    client_id, secret = issued["clientId"], issued["clientSecret"]
    attacker = "203.0.113.7"
    for _ in range(2):
        assert (await _token(limited, client_id, "wrong", attacker)).status_code == 401
    # refused before the secret is looked at, even the right one
    assert 1 <= _waits(await _token(limited, client_id, secret, attacker)) <= 60
    # another address, with the same client id, is not held up
    assert (await _token(limited, client_id, secret, "198.51.100.1")).status_code == 200

    clock.now += 61
    assert (await _token(limited, client_id, secret, attacker)).status_code == 200
    assert (await _token(limited, client_id, "wrong", attacker)).status_code == 401
    # the third failure within the hour: now the wait is the hour's
    assert 60 < _waits(await _token(limited, client_id, "wrong", attacker)) <= 3600
    clock.now += 3600
    assert (await _token(limited, client_id, secret, attacker)).status_code == 200


async def test_the_default_limits_hold(make_client, gql, tenant):
    from api.settings import Settings

    defaults = Settings()
    limited = await make_client(
        token_rate_limit=defaults.token_rate_limit,
        token_failure_limit=defaults.token_failure_limit,
    )
    issued = await partner(gql, tenant)
    answers = [
        (await _token(limited, issued["clientId"], "wrong", "203.0.113.5")).status_code
        for _ in range(6)
    ]
    assert answers == [401] * 5 + [429]
