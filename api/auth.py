"""Bearer tokens: issuing (development and the CLI) and verifying (every request).

Locally issued tokens are ES256-signed with the newest key of the key directory
(api/signing_keys.py); the public halves of the keys that verify are served at
/.well-known/jwks.json. An external OIDC identity provider is trusted by configuring
ATRIUM_OIDC_ISSUER (api/oidc.py). Only asymmetric algorithms are accepted, so
`alg: none` and an HS256 token "signed" with the public key are refused.
"""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Callable
from typing import Any
from uuid import UUID

from cachetools import LRUCache
from joserfc import jws, jwt
from joserfc.errors import JoseError
from joserfc.jwk import KeySet

from api.oidc import KeysUnavailable, OidcTrust, Resolve, required_claims
from api.settings import Settings
from api.signing_keys import KeyStore
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


class LocalTrust:
    """Tokens Atrium issued itself: signed by one of its keys, naming user and tenant by id."""

    def __init__(self, settings: Settings, keys: KeyStore, clock: Callable[[], float]) -> None:
        self.settings = settings
        self.keys = keys
        self.claims = required_claims(
            settings,
            clock,
            issuer=settings.jwt_issuer,
            audience=settings.jwt_audience,
            subject="sub",
        )

    async def key_set(self, kid: str | None) -> KeySet:
        return self.keys.key_set(kid)

    async def principal(self, claims: dict[str, Any]) -> Principal | None:
        try:
            return Principal(
                tenant_id=UUID(str(claims[self.settings.tenant_claim])),
                user_id=UUID(str(claims["sub"])),
            )
        except ValueError:
            raise AuthError("Token subject or tenant is not an id.") from None


Trust = LocalTrust | OidcTrust


class TokenVerifier:
    """Verifies bearer tokens: Atrium's own, and the OIDC provider's when one is
    configured, each with its own keys and claims (the token's unverified `iss` only
    picks which; the signature and the claims then decide). A token whose signature
    checked out is remembered (a bounded LRU): the next request with it re-validates
    only its claims — expiry included — and skips the signature check and the user
    lookup, which are most of a small request's authentication cost. New provider keys
    forget every token (a key may have been withdrawn)."""

    REMEMBERED = 4096

    def __init__(
        self,
        settings: Settings,
        keys: KeyStore,
        clock: Callable[[], float] = time.time,
        resolve: Resolve | None = None,
    ) -> None:
        self.settings = settings
        self._local = LocalTrust(settings, keys, clock)
        self._oidc: OidcTrust | None = None
        if settings.oidc_issuer:
            if resolve is None:
                raise ValueError("an OIDC provider needs a user lookup")
            self._oidc = OidcTrust(settings, resolve, clock)
            self._oidc.keys.on_change = self.forget
        self._verified: LRUCache[str, tuple[Trust, dict[str, Any], Principal]] = LRUCache(
            self.REMEMBERED
        )

    def forget(self) -> None:
        self._verified.clear()

    async def verify(self, token: str) -> Principal:
        remembered = self._verified.get(token)
        if remembered is not None:
            trust, claims, principal = remembered
            try:
                trust.claims.validate(claims)
            except JoseError as exc:
                del self._verified[token]
                raise AuthError(_describe(exc)) from None
            return principal
        trust, claims = await self._verify_signed(token)
        found = await trust.principal(claims)
        if found is None:
            raise AuthError("Token does not name a user.")
        self._verified[token] = (trust, claims, found)
        return found

    def _trust(self, issuer: object) -> Trust:
        return self._oidc if self._oidc and issuer == self._oidc.issuer else self._local

    async def _verify_signed(self, token: str) -> tuple[Trust, dict[str, Any]]:
        try:
            kid, issuer = _unverified_kid_and_issuer(token)
            trust = self._trust(issuer)
            decoded = jwt.decode(token, await trust.key_set(kid), algorithms=ALGORITHMS)
            trust.claims.validate(decoded.claims)
        except JoseError as exc:
            raise AuthError(_describe(exc)) from None
        except (ValueError, TypeError, KeyError):
            raise AuthError("Malformed token.") from None
        except KeysUnavailable:
            raise AuthError("Token keys are unavailable; try again.") from None
        return trust, decoded.claims


def _unverified_kid_and_issuer(token: str) -> tuple[str | None, object]:
    """What the token says of itself before anything is verified: only to pick the
    keys that will then verify it."""
    compact = jws.extract_compact(token.encode("ascii"))
    kid = compact.protected.get("kid")
    payload = json.loads(compact.payload)
    if not isinstance(payload, dict):
        raise ValueError("the payload is not a JSON object")
    return kid if isinstance(kid, str) else None, payload.get("iss")


def _describe(exc: JoseError) -> str:
    name = type(exc).__name__
    if name == "ExpiredTokenError":
        return "Token has expired."
    if name in {"InvalidClaimError", "MissingClaimError"}:
        return f"Token claims are not acceptable: {exc.description}"
    return "Token signature or format is invalid."
