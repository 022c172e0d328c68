"""Requests per caller over time, refused with 429 RATE_LIMITED and Retry-After.

The caller is the token's (tenant, user); a request without a token counts against
its client address. Limits use the `limits` library's notation ("20/second;1200/minute":
every one must hold) and a moving window. The counters live in this process by default;
with several replicas, point ATRIUM_RATE_LIMIT_STORAGE at a shared store
("async+redis://host:6379", which needs the `redis` package) so a caller's limit is
one limit, not one per replica.
"""

from __future__ import annotations

import math
import time

from limits import parse_many
from limits.aio.strategies import MovingWindowRateLimiter
from limits.storage import storage_from_string
from starlette.types import ASGIApp, Receive, Scope, Send

from api.errors import Code
from api.graphql_app import error_response


class RateLimit:
    def __init__(self, app: ASGIApp, limits: str, storage: str) -> None:
        self.app = app
        self.items = parse_many(limits) if limits.strip() else []
        self.limiter = MovingWindowRateLimiter(storage_from_string(storage))

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or not self.items:
            await self.app(scope, receive, send)
            return
        key = _caller(scope)
        for item in self.items:
            if not await self.limiter.hit(item, "graphql", key):
                stats = await self.limiter.get_window_stats(item, "graphql", key)
                wait = max(1, math.ceil(stats.reset_time - time.time()))
                response = error_response(
                    429,
                    f"Too many requests ({item}): try again in {wait} s.",
                    Code.RATE_LIMITED,
                    **{"Retry-After": str(wait)},
                )
                await response(scope, receive, send)
                return
        await self.app(scope, receive, send)


def _caller(scope: Scope) -> str:
    principal = scope.get("state", {}).get("principal")
    if principal is not None:
        return f"user:{principal.tenant_id}:{principal.user_id}"
    client = scope.get("client")
    return f"address:{client[0] if client else 'unknown'}"
