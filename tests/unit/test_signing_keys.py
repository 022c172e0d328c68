"""Signing-key rotation: the newest key signs, the previous one still verifies (and is
published) until retired or past its age, and a replica sharing the directory sees a
rotation without a restart."""

from __future__ import annotations

import uuid

import pytest
from joserfc import jwt

from api import cli
from api.auth import AuthError, TokenVerifier
from api.settings import Settings
from api.signing_keys import KeyStore


@pytest.fixture
def settings(tmp_path):
    return Settings(keys_dir=tmp_path / "shared-keys")


def _kids(jwks):
    return [key["kid"] for key in jwks["keys"]]


async def test_rotate_then_retire(settings, capsys):
    replica = KeyStore.of(settings)  # a running server: made the first key
    verifier = TokenVerifier(settings, replica)
    old_kid = replica.kid
    old_token = replica.issue(settings, tenant_id=uuid.uuid4(), user_id=uuid.uuid4())

    cli.cmd_keys_rotate(None, settings)
    rotated = KeyStore.of(settings)  # another replica, or this one after its reload
    assert rotated.kid != old_kid
    assert _kids(rotated.jwks()) == [old_kid, rotated.kid]
    new_token = rotated.issue(settings, tenant_id=uuid.uuid4(), user_id=uuid.uuid4())
    assert jwt.decode(new_token, rotated.key_set(None)).header["kid"] == rotated.kid
    # the replica that started before the rotation verifies the new key's token at once
    await verifier.verify(new_token)
    await verifier.verify(old_token)

    cli.cmd_keys_retire(None, settings)
    assert old_kid in capsys.readouterr().out
    fresh = TokenVerifier(settings, KeyStore.of(settings))
    await fresh.verify(new_token)
    with pytest.raises(AuthError):
        await fresh.verify(old_token)


def test_a_replaced_key_retires_by_age(settings):
    first = KeyStore.of(settings)
    cli.cmd_keys_rotate(None, settings)
    now = [first._clock()]
    aged = KeyStore(first.directory, retire_after_seconds=3600, clock=lambda: now[0])
    assert len(aged.jwks()["keys"]) == 2
    now[0] += 3601
    assert _kids(aged.jwks()) == [aged.kid] != [first.kid]


def test_a_key_written_before_rotation_is_the_oldest(settings):
    legacy = KeyStore.load_or_create(settings.keys_path)
    legacy.signing.path.rename(settings.keys_path / "signing-key.json")
    cli.cmd_keys_rotate(None, settings)
    keys = KeyStore.of(settings)
    assert keys.kid != legacy.kid
    assert _kids(keys.jwks()) == [legacy.kid, keys.kid]


def test_serve_keeps_connections_open_longer_than_a_load_balancer():
    assert cli.serve_options(Settings()).get("timeout_keep_alive") == 75
    assert cli.serve_options(Settings(keepalive_seconds=120))["timeout_keep_alive"] == 120


def test_healthcheck_fails_without_a_server():
    settings = Settings(port=1)  # nothing listens there
    args = cli.parser().parse_args(["healthcheck", "--timeout", "1"])
    with pytest.raises(SystemExit) as exit_:
        args.run(args, settings)
    assert exit_.value.code == 1
