"""A stand-in OIDC identity provider: a real HTTP server on a local port that serves a
discovery document and a JWKS the way Keycloak lays them out, and signs tokens (RS256)
with its own keys and its own subject ids. It stands for the remote party; the
database stays the real PostgreSQL."""

from __future__ import annotations

import json
import threading
import time
import uuid
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from joserfc import jwt
from joserfc.jwk import RSAKey

REALM = "/realms/atrium"
DISCOVERY = f"{REALM}/.well-known/openid-configuration"
CERTS = f"{REALM}/protocol/openid-connect/certs"
AUDIENCE = "atrium-api"


def new_key() -> RSAKey:
    key = RSAKey.generate_key(2048, parameters={"use": "sig", "alg": "RS256"}, private=True)
    key.ensure_kid()
    return key


class Provider:
    def __init__(self, base_url: str) -> None:
        self.base_url = base_url
        self.issuer = base_url + REALM
        self.key = new_key()
        self.published = [self.key]
        self.hits: Counter[str] = Counter()

    def rotate(self) -> RSAKey:
        """A key rollover: the new key signs and is the only one published."""
        self.key = new_key()
        self.published = [self.key]
        return self.key

    def token(self, subject: str, tenant: str, key: RSAKey | None = None, **claims: Any) -> str:
        now = int(time.time())
        body = {
            "iss": self.issuer,
            "aud": AUDIENCE,
            "sub": subject,
            "tenant": tenant,
            "iat": now,
            "exp": now + 300,
            "azp": "atrium-spa",
            **claims,
        }
        key = key or self.key
        return jwt.encode({"alg": "RS256", "kid": key.kid, "typ": "JWT"}, body, key)

    def answer(self, path: str) -> dict[str, Any] | None:
        self.hits[path] += 1
        if path == DISCOVERY:
            return {
                "issuer": self.issuer,
                "jwks_uri": self.base_url + CERTS,
                "id_token_signing_alg_values_supported": ["RS256"],
            }
        if path == CERTS:
            return {"keys": [key.as_dict(private=False) for key in self.published]}
        return None


def random_subject() -> str:
    return str(uuid.uuid4())  # Keycloak's subjects are UUIDs of its own


@contextmanager
def running_provider() -> Iterator[Provider]:
    provider: Provider | None = None

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            assert provider is not None
            body = provider.answer(self.path)
            payload = json.dumps(body).encode()
            self.send_response(404 if body is None else 200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            self.wfile.write(payload)

        def log_message(self, format: str, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    provider = Provider(f"http://127.0.0.1:{server.server_address[1]}")
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield provider
    finally:
        server.shutdown()
        server.server_close()
