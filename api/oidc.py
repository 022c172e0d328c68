"""An external OIDC identity provider's tokens (README "Signing in with an OIDC provider").

A token whose `iss` is ATRIUM_OIDC_ISSUER is verified with that provider's keys only,
and names its user by the subject claim in the tenant the tenant claim names (by id or
slug): tenants/identities.py looks the pair up. The provider's keys come from
ATRIUM_JWKS_URL, or from the `jwks_uri` of its discovery document
(`<issuer>/.well-known/openid-configuration`). They are fetched again once they are
ATRIUM_OIDC_JWKS_MAX_AGE_SECONDS old, and at once when a token names a key not among
them (the provider rolled its keys over), but never twice within
ATRIUM_OIDC_JWKS_MIN_REFETCH_SECONDS, so made-up key ids cannot flood the provider.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable
from typing import Any

import httpx
from joserfc import jwt
from joserfc.jwk import KeySet

from api.logs import request_id_var
from api.settings import Settings
from tenants.identities import ExternalIdentity
from tenants.principal import Principal

log = logging.getLogger(__name__)

FETCH_TIMEOUT_SECONDS = 5.0

Resolve = Callable[..., Awaitable[Principal | None]]


def required_claims(
    settings: Settings, clock: Callable[[], float], *, issuer: str, audience: str, subject: str
) -> jwt.JWTClaimsRegistry:
    """What every accepted token must carry: this issuer and audience, an expiry (with
    the leeway), a subject and a tenant."""
    essential: jwt.ClaimsOption = {"essential": True}
    return jwt.JWTClaimsRegistry(
        now=lambda: int(clock()),
        leeway=settings.jwt_leeway_seconds,
        iss={"essential": True, "value": issuer},
        aud={"essential": True, "value": audience},
        exp=essential,
        **{subject: essential, settings.tenant_claim: essential},
    )


class KeysUnavailable(Exception):
    """The provider's keys could not be fetched, and none are known."""


class RemoteKeySet:
    """The identity provider's public keys, as last fetched."""

    def __init__(
        self,
        issuer: str,
        jwks_url: str | None,
        *,
        max_age_seconds: float,
        min_refetch_seconds: float,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.issuer = issuer
        self._jwks_url = jwks_url
        self._max_age = max_age_seconds
        self._min_refetch = min_refetch_seconds
        self._clock = clock
        self._keys: KeySet | None = None
        self._kids: set[str] = set()
        self._fetched_at = 0.0
        self._attempted_at: float | None = None
        self._lock = asyncio.Lock()
        self.on_change: Callable[[], None] = lambda: None

    def _wanted(self, kid: str | None) -> bool:
        now = self._clock()
        if self._attempted_at is not None and now - self._attempted_at < self._min_refetch:
            return False
        return (
            self._keys is None or now - self._fetched_at >= self._max_age or kid not in self._kids
        )

    async def key_set(self, kid: str | None) -> KeySet:
        if self._wanted(kid):
            async with self._lock:
                if self._wanted(kid):  # not fetched by whoever held the lock before
                    await self._fetch()
        if self._keys is None:
            raise KeysUnavailable
        return self._keys

    async def _fetch(self) -> None:
        self._attempted_at = self._clock()
        try:
            async with httpx.AsyncClient(timeout=FETCH_TIMEOUT_SECONDS) as http:
                url = self._jwks_url or await self._discover(http)
                response = await http.get(url)
                response.raise_for_status()
                keys = KeySet.import_key_set(response.json())
        except (httpx.HTTPError, ValueError, TypeError, KeyError):
            log.exception("could not fetch the identity provider's keys")
            return
        kids = {key.kid for key in keys.keys if key.kid}
        self._keys, self._fetched_at = keys, self._clock()
        if kids != self._kids:
            self._kids = kids
            self.on_change()

    async def _discover(self, http: httpx.AsyncClient) -> str:
        response = await http.get(self.issuer.rstrip("/") + "/.well-known/openid-configuration")
        response.raise_for_status()
        document = response.json()
        if document.get("issuer") != self.issuer:  # OpenID Connect Discovery 1.0, 4.3
            raise ValueError("the discovery document names another issuer")
        url = document["jwks_uri"]
        if not isinstance(url, str):
            raise ValueError("jwks_uri is not a URL")
        self._jwks_url = url
        return url


class OidcTrust:
    """How tokens of the configured provider are checked and turned into a principal."""

    def __init__(self, settings: Settings, resolve: Resolve, clock: Callable[[], float]) -> None:
        assert settings.oidc_issuer
        self.settings = settings
        self.issuer = settings.oidc_issuer
        self.keys = RemoteKeySet(
            settings.oidc_issuer,
            settings.jwks_url,
            max_age_seconds=settings.oidc_jwks_max_age_seconds,
            min_refetch_seconds=settings.oidc_jwks_min_refetch_seconds,
        )
        self._resolve = resolve
        self.claims = required_claims(
            settings,
            clock,
            issuer=settings.oidc_issuer,
            audience=settings.oidc_audience or settings.jwt_audience,
            subject=settings.oidc_subject_claim,
        )

    async def key_set(self, kid: str | None) -> KeySet:
        return await self.keys.key_set(kid)

    def identity(self, claims: dict[str, Any]) -> ExternalIdentity | None:
        tenant = claims[self.settings.tenant_claim]
        subject = claims[self.settings.oidc_subject_claim]
        if not (isinstance(tenant, str) and tenant and isinstance(subject, str) and subject):
            return None
        email = claims.get("email")
        verified = claims.get("email_verified") is True and isinstance(email, str)
        return ExternalIdentity(tenant, subject, email if verified else None)

    async def principal(self, claims: dict[str, Any]) -> Principal | None:
        identity = self.identity(claims)
        if identity is None:
            return None
        return await self._resolve(
            identity,
            match_verified_email=self.settings.oidc_match_verified_email,
            request_id=request_id_var.get(),
        )
