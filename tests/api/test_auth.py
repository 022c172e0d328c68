"""Bearer tokens: everything that is not a valid token of an active user is UNAUTHENTICATED,
and the answer says nothing about any tenant."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import time
import uuid

import pytest
import sqlalchemy as sa
from joserfc import jwt
from joserfc.jwk import ECKey

from tenants.models import users

VIEWER = "{ viewer { user { id email } tenant { id slug name } } }"
INVALID_TOKEN = 'Bearer error="invalid_token"'


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).decode().rstrip("=")


def _unsigned(header: dict, claims: dict, signature: bytes = b"") -> str:
    return ".".join(
        (_b64(json.dumps(header).encode()), _b64(json.dumps(claims).encode()), _b64(signature))
    )


def _claims(tenant, user_id=None, **override):
    settings = tenant.state.settings
    now = int(time.time())
    claims = {
        "iss": settings.jwt_issuer,
        "aud": settings.jwt_audience,
        "sub": str(user_id or tenant.admin_id),
        settings.tenant_claim: str(tenant.id),
        "iat": now,
        "exp": now + 600,
    }
    claims.update(override)
    return {k: v for k, v in claims.items() if v is not None}


def _hs256_with_public_key(tenant, secret: bytes) -> str:
    header = {"alg": "HS256", "typ": "JWT", "kid": tenant.state.keys.kid}
    signing_input = ".".join(
        (_b64(json.dumps(header).encode()), _b64(json.dumps(_claims(tenant)).encode()))
    )
    signature = hmac.new(secret, signing_input.encode(), hashlib.sha256).digest()
    return f"{signing_input}.{_b64(signature)}"


def _signed(tenant, claims, key=None) -> str:
    key = key or tenant.state.keys.key
    return jwt.encode({"alg": "ES256", "kid": tenant.state.keys.kid}, claims, key)


def bad_tokens(tenant) -> dict[str, str]:
    public = tenant.state.keys.key
    stranger = ECKey.generate_key("P-256", private=True)
    return {
        "expired": _signed(tenant, _claims(tenant, exp=int(time.time()) - 3600, iat=1)),
        "alg none": _unsigned({"alg": "none", "typ": "JWT"}, _claims(tenant)),
        "alg None": _unsigned({"alg": "None"}, _claims(tenant), b"x"),
        "hs256 with public pem": _hs256_with_public_key(tenant, public.as_pem(private=False)),
        "hs256 with public jwk": _hs256_with_public_key(
            tenant, json.dumps(public.as_dict(private=False)).encode()
        ),
        "wrong audience": _signed(tenant, _claims(tenant, aud="someone-else")),
        "wrong issuer": _signed(tenant, _claims(tenant, iss="https://evil.example")),
        "no tenant claim": _signed(
            tenant, _claims(tenant, **{tenant.state.settings.tenant_claim: None})
        ),
        "no subject": _signed(tenant, _claims(tenant, sub=None)),
        "no expiry": _signed(tenant, _claims(tenant, exp=None)),
        "tenant not an id": _signed(
            tenant, _claims(tenant, **{tenant.state.settings.tenant_claim: "acme"})
        ),
        "tenant as object": _signed(
            tenant, _claims(tenant, **{tenant.state.settings.tenant_claim: {"id": 1}})
        ),
        "unknown tenant": _signed(
            tenant, _claims(tenant, **{tenant.state.settings.tenant_claim: str(uuid.uuid4())})
        ),
        "unknown user": _signed(tenant, _claims(tenant, sub=str(uuid.uuid4()))),
        "foreign key": _signed(tenant, _claims(tenant), stranger),
        "garbage": "garbage",
        "three garbage parts": "a.b.c",
        "tampered payload": _tamper(tenant.admin_token),
        "empty parts": "..",
    }


def _tamper(token: str) -> str:
    header, payload, signature = token.split(".")
    claims = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    claims["sub"] = str(uuid.uuid4())
    return f"{header}.{_b64(json.dumps(claims).encode())}.{signature}"


def _assert_unauthenticated(result, *secrets: str, challenge=INVALID_TOKEN) -> None:
    # whatever the cause, 401 with a Bearer challenge (RFC 6750 3.1)
    assert result.status == 401, result.body
    assert result.headers["www-authenticate"] == challenge
    assert result.codes == ["UNAUTHENTICATED"], result.body
    assert result.data is None
    text = json.dumps(result.body)
    for secret in secrets:
        assert secret not in text


async def test_missing_token(gql):
    _assert_unauthenticated(await gql(VIEWER), challenge="Bearer")


async def test_bad_tokens_are_unauthenticated(gql, tenant, other_tenant):
    secrets = (tenant.slug, str(tenant.id), other_tenant.slug, str(other_tenant.id))
    for name, token in bad_tokens(tenant).items():
        result = await gql(VIEWER, token=token)
        try:
            _assert_unauthenticated(result, *secrets)
        except AssertionError as exc:
            raise AssertionError(f"{name}: {exc}") from None


async def test_token_leeway_accepts_slight_clock_skew(gql, tenant):
    token = _signed(tenant, _claims(tenant, exp=int(time.time()) - 5))
    assert (await gql(VIEWER, token=token)).ok()["viewer"]["tenant"]["slug"] == tenant.slug


@pytest.mark.parametrize(
    ("header", "challenge"),
    [
        ("Basic dXNlcjpwYXNz", "Bearer"),
        ("Token abc", "Bearer"),
        ("Bearer", INVALID_TOKEN),
        ("Bearer  ", INVALID_TOKEN),
    ],
)
async def test_wrong_authorization_scheme(client, header, challenge):
    response = await client.post(
        "/graphql", json={"query": VIEWER}, headers={"Authorization": header}
    )
    assert response.status_code == 401
    assert response.json()["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"
    assert response.headers["www-authenticate"] == challenge


async def test_deactivated_user_is_unauthenticated(gql, tenant):
    user_id = await tenant.user("sales_rep")
    token = tenant.token(user_id)
    assert (await gql(VIEWER, token=token)).ok()
    async with tenant.session() as conn:
        await conn.execute(users.update().where(users.c.id == user_id).values(active=False))
    _assert_unauthenticated(await gql(VIEWER, token=token), tenant.slug)


async def test_viewer_sees_only_its_tenant(gql, tenant, other_tenant):
    for handle, other in ((tenant, other_tenant), (other_tenant, tenant)):
        result = await gql(VIEWER, token=handle.admin_token)
        viewer = result.ok()["viewer"]
        assert viewer["tenant"]["slug"] == handle.slug
        assert viewer["user"]["email"] == f"admin@{handle.slug}.example"
        assert other.slug not in json.dumps(result.body)


async def test_token_for_a_user_of_another_tenant(gql, tenant, other_tenant):
    async with other_tenant.session() as conn:
        exists = await conn.scalar(sa.select(sa.func.count()).select_from(users))
    assert exists == 1
    forged = tenant.token(other_tenant.admin_id)
    _assert_unauthenticated(await gql(VIEWER, token=forged), other_tenant.slug)
