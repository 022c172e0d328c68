"""Bearer tokens: issuing (development and the CLI) and verifying (every request).

Locally issued tokens are ES256-signed with a key generated on first run and kept in
the data directory; its public half is served at /.well-known/jwks.json. An external
identity provider is trusted by configuring ATRIUM_JWT_ISSUER, ATRIUM_JWT_AUDIENCE
and ATRIUM_JWKS_URL. Only asymmetric algorithms are accepted, so `alg: none` and an
HS256 token "signed" with the public key are refused.
"""

from __future__ import annotations

import json
import logging
import os
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any
from uuid import UUID

import httpx
from cachetools import LRUCache
from joserfc import jwt
from joserfc.errors import JoseError
from joserfc.jwk import ECKey, KeySet

from api.settings import Settings
from tenants.principal import Principal

log = logging.getLogger(__name__)

ALGORITHMS = ["ES256", "RS256", "PS256", "EdDSA"]


class AuthError(Exception):
    """The token is not acceptable. The message is safe to show the client."""


def bearer_challenge(token_given: bool) -> str:
    """The `WWW-Authenticate` of a 401 (RFC 6750 3.1): a request without a bearer token
    is only told the scheme; one whose token is bad (unverifiable, expired, or naming a
    deactivated user or a revoked client) is told `invalid_token`."""
    return 'Bearer error="invalid_token"' if token_given else "Bearer"


class KeyStore:
    """The local signing key, created on first use and kept under data_dir/keys."""

    def __init__(self, key: ECKey) -> None:
        self.key = key
        self.kid: str = key.kid or key.thumbprint()

    @classmethod
    def load_or_create(cls, data_dir: Path) -> KeyStore:
        path = data_dir / "keys" / "signing-key.json"
        if path.exists():
            return cls(ECKey.import_key(json.loads(path.read_text())))
        key = ECKey.generate_key("P-256", parameters={"use": "sig", "alg": "ES256"}, private=True)
        key.ensure_kid()
        path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as f:
            json.dump(key.as_dict(private=True), f)
        return cls(key)

    def jwks(self) -> dict[str, Any]:
        return {"keys": [self.key.as_dict(private=False)]}

    def issue(
        self,
        settings: Settings,
        *,
        tenant_id: UUID,
        user_id: UUID,
        ttl: int | None = None,
        **extra: Any,
    ) -> str:
        now = int(time.time())
        claims = {
            "iss": settings.jwt_issuer,
            "aud": settings.jwt_audience,
            "sub": str(user_id),
            settings.tenant_claim: str(tenant_id),
            "iat": now,
            "exp": now + (ttl or settings.token_ttl_seconds),
            **extra,
        }
        return jwt.encode({"alg": "ES256", "kid": self.kid, "typ": "JWT"}, claims, self.key)


class TokenVerifier:
    """Verifies bearer tokens. A token whose signature checked out is remembered (a
    bounded LRU): the next request with it re-validates only its claims — expiry
    included — and skips the signature check, which is most of a small request's
    authentication cost. Fetching new identity-provider keys forgets every token."""

    REMEMBERED = 4096

    def __init__(
        self, settings: Settings, keys: KeyStore, clock: Callable[[], float] = time.time
    ) -> None:
        self.settings = settings
        self._local = KeySet([keys.key])
        self._remote: KeySet | None = None
        self._remote_fetched = 0.0
        self._verified: LRUCache[str, tuple[dict[str, Any], Principal]] = LRUCache(self.REMEMBERED)
        essential: jwt.ClaimsOption = {"essential": True}
        self._claims = jwt.JWTClaimsRegistry(
            now=lambda: int(clock()),
            leeway=settings.jwt_leeway_seconds,
            iss={"essential": True, "value": settings.jwt_issuer},
            aud={"essential": True, "value": settings.jwt_audience},
            exp={"essential": True},
            sub={"essential": True},
            **{settings.tenant_claim: essential},
        )

    async def _keys(self) -> KeySet:
        if not self.settings.jwks_url:
            return self._local
        if self._remote is None or time.monotonic() - self._remote_fetched > 300:
            async with httpx.AsyncClient(timeout=5) as client:
                response = await client.get(self.settings.jwks_url)
                response.raise_for_status()
            self._remote = KeySet.import_key_set(response.json())
            self._remote_fetched = time.monotonic()
            self._verified.clear()  # a key may have been withdrawn
        return KeySet([*self._local.keys, *self._remote.keys])

    async def verify(self, token: str) -> Principal:
        remembered = self._verified.get(token)
        if remembered is not None:
            claims, principal = remembered
            try:
                self._claims.validate(claims)
            except JoseError as exc:
                del self._verified[token]
                raise AuthError(_describe(exc)) from None
            return principal
        principal, claims = await self._verify_signed(token)
        self._verified[token] = (claims, principal)
        return principal

    async def _verify_signed(self, token: str) -> tuple[Principal, dict[str, Any]]:
        try:
            decoded = jwt.decode(token, await self._keys(), algorithms=ALGORITHMS)
            self._claims.validate(decoded.claims)
        except JoseError as exc:
            raise AuthError(_describe(exc)) from None
        except (ValueError, TypeError, KeyError):
            raise AuthError("Malformed token.") from None
        except httpx.HTTPError:
            log.exception("could not fetch the identity provider's keys")
            raise AuthError("Token keys are unavailable; try again.") from None
        claims = decoded.claims
        try:
            principal = Principal(
                tenant_id=UUID(str(claims[self.settings.tenant_claim])),
                user_id=UUID(str(claims["sub"])),
            )
        except ValueError:
            raise AuthError("Token subject or tenant is not an id.") from None
        return principal, claims


def _describe(exc: JoseError) -> str:
    name = type(exc).__name__
    if name == "ExpiredTokenError":
        return "Token has expired."
    if name in {"InvalidClaimError", "MissingClaimError"}:
        return f"Token claims are not acceptable: {exc.description}"
    return "Token signature or format is invalid."
