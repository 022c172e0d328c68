"""A partner's receiver for dispatch tests, and the signature check a partner runs.

The receiver is an `httpx.MockTransport`: it stands for the remote party, not for our
database, which stays the real PostgreSQL. The dispatcher gets a fake resolver that
answers a public address, so the SSRF check runs as in production without DNS.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import httpx

from domain.webhooks.dispatch import Dispatcher

PUBLIC_ADDRESS = "93.184.215.14"  # stands for a partner's server; the resolver is faked


def verify(secret: str, header: str, body: bytes) -> bool:
    """What a partner does (README, Webhooks), written independently of domain/."""
    parts = dict(item.split("=", 1) for item in header.split(","))
    expected = hmac.new(
        secret.encode(), parts["t"].encode() + b"." + body, hashlib.sha256
    ).hexdigest()
    return hmac.compare_digest(expected, parts["v1"])


@dataclass
class Receiver:
    """A partner's endpoint: records every request and answers with `respond`."""

    respond: Callable[[httpx.Request], httpx.Response] = lambda r: httpx.Response(204)
    requests: list[httpx.Request] = field(default_factory=list)

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        return self.respond(request)

    def dispatcher(self, engine: Any, address: str = PUBLIC_ADDRESS, **kw: Any) -> Dispatcher:
        async def resolve(host: str) -> list[str]:
            return [address]

        http = httpx.AsyncClient(transport=httpx.MockTransport(self), timeout=2)
        return Dispatcher(engine, http, allow_private=False, resolve=resolve, **kw)
