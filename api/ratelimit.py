"""Requests per caller over time, refused with 429 RATE_LIMITED and Retry-After.

A `Budget` is one named set of limits in the `limits` library's notation
("20/second;1200/minute": every one must hold) over a moving window, spent per key. The
counters live in this process by default; with several replicas, point
ATRIUM_RATE_LIMIT_STORAGE at a shared store ("async+redis://host:6379", which needs the
`redis` package) so a caller's limit is one limit, not one per replica.

On /graphql the caller is the token's (tenant, user); a request without a token, or with
one that is refused, counts against its client address (`address_key`: the peer, or the
client a trusted proxy names, see ATRIUM_TRUSTED_PROXIES). /oauth/token has budgets of
its own (api/oauth.py).
"""

from __future__ import annotations

import math
import time

from limits import RateLimitItem, parse_many
from limits.aio.strategies import MovingWindowRateLimiter
from limits.storage import storage_from_string
from starlette.responses import Response
from starlette.types import ASGIApp, Receive, Scope, Send

from api.errors import Code
from api.graphql_app import error_response


def rate_limiter(storage: str) -> MovingWindowRateLimiter:
    """The app's one limiter; every budget keeps its counters in its storage."""
    return MovingWindowRateLimiter(storage_from_string(storage))


class Budget:
    def __init__(self, name: str, limits: str, limiter: MovingWindowRateLimiter) -> None:
        self.name = name
        self.items = parse_many(limits) if limits.strip() else []
        self.limiter = limiter
        self.refusals = 0  # for /metrics (api/observability)

    async def spend(self, key: str) -> Response | None:
        """Counts one against `key`: the 429 to answer when a limit is spent, else None."""
        for item in self.items:
            if not await self.limiter.hit(item, self.name, key):
                return await self._refusal(item, key)
        return None

    async def spent(self, key: str) -> Response | None:
        """The 429 to answer when a limit of `key` is spent already; counts nothing."""
        for item in self.items:
            if not await self.limiter.test(item, self.name, key):
                return await self._refusal(item, key)
        return None

    async def _refusal(self, item: RateLimitItem, key: str) -> Response:
        self.refusals += 1
        stats = await self.limiter.get_window_stats(item, self.name, key)
        wait = max(1, math.ceil(stats.reset_time - time.time()))
        return error_response(
            429,
            f"Too many {self.name} ({item}): try again in {wait} s.",
            Code.RATE_LIMITED,
            **{"Retry-After": str(wait)},
        )


class RateLimit:
    def __init__(self, app: ASGIApp, budget: Budget) -> None:
        self.app = app
        self.budget = budget

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and self.budget.items:
            refused = await self.budget.spend(_caller(scope))
            if refused is not None:
                await refused(scope, receive, send)
                return
        await self.app(scope, receive, send)


def address_key(scope: Scope) -> str:
    client = scope.get("client")
    return f"address:{client[0] if client else 'unknown'}"


def _caller(scope: Scope) -> str:
    principal = scope.get("state", {}).get("principal")
    if principal is not None:
        return f"user:{principal.tenant_id}:{principal.user_id}"
    return address_key(scope)
