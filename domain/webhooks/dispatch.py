"""Sending the outbox: a background pass that POSTs due deliveries to their webhooks.

The app role sees no row without a tenant, so a pass asks the database which tenants
have due deliveries (`atrium_webhook_due_tenants`, migration 0006: tenant ids only),
then works tenant by tenant in tenant-bound transactions like any request. Deliveries
are claimed with `FOR UPDATE SKIP LOCKED` and a lease (their next attempt moves a few
minutes on), and sent after that transaction commits: no transaction stays open
while a partner answers, several replicas never send one delivery twice at once, and
a replica that dies mid-send leaves the delivery to be retried when its lease ends.
Delivery is at least once; partners deduplicate on `Atrium-Delivery`.

Nothing here may stop the server: every delivery and every pass catches and logs.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections import Counter
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any
from uuid import UUID

import httpx
import orjson
import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncEngine

from domain.ids import global_id
from domain.outage import OutageLog, database_unavailable
from domain.webhooks.models import webhook_deliveries, webhooks
from domain.webhooks.signing import signature
from domain.webhooks.targets import RefusedTarget, Resolver, check_target, system_resolver
from tenants.session import tenant_transaction

log = logging.getLogger(__name__)

# Wait after the 1st, 2nd, … failed attempt; after the last wait's attempt fails too,
# the delivery is failed (6 attempts over about 15 hours).
BACKOFF = (
    timedelta(minutes=1),
    timedelta(minutes=5),
    timedelta(minutes=30),
    timedelta(hours=2),
    timedelta(hours=12),
)
MAX_ATTEMPTS = len(BACKOFF) + 1
LEASE = timedelta(minutes=5)
MAX_ERROR_LENGTH = 500
_DUE_TENANTS = sa.text("SELECT atrium_webhook_due_tenants(:limit)")


@dataclass(frozen=True)
class Claimed:
    id: UUID
    event: str
    payload: Any
    attempts: int
    created_at: Any
    webhook_id: UUID
    url: str
    secret: str
    lease: Any  # the row's next_attempt_at as claimed: a redelivery meanwhile changes it


@dataclass(frozen=True)
class Outcome:
    delivered: bool
    status: int | None = None
    error: str | None = None


@dataclass
class DispatchStats:
    """What this process's dispatcher did, read by the server's /metrics: attempts by
    outcome (delivered; failed and to be retried; failed for good), and how many
    deliveries were due when its last pass looked (the queue's depth), over the tenants
    that pass visited."""

    outcomes: Counter[str] = field(default_factory=Counter)
    due: int = 0


def next_state(attempts: int) -> tuple[str, timedelta | None]:
    """After `attempts` failed attempts: still pending with the wait, or failed."""
    if attempts >= MAX_ATTEMPTS:
        return "failed", None
    return "pending", BACKOFF[attempts - 1]


def envelope(claimed: Claimed) -> bytes:
    return orjson.dumps(
        {
            "id": global_id("WebhookDelivery", claimed.id),
            "event": claimed.event,
            "createdAt": claimed.created_at.isoformat(),
            "data": claimed.payload,
        }
    )


def pinned(url: str, address: str | None) -> tuple[httpx.URL, dict[str, str], dict[str, Any]]:
    """The request aimed at the checked `address` rather than at whatever the name
    resolves to next (DNS rebinding), still saying the name in `Host` and in TLS (SNI
    and certificate check). Connections are never reused (see api/webhooks/background.py),
    so a connection verified for one name never carries another name's request."""
    target = httpx.URL(url)
    if address is None:
        return target, {}, {}
    host = target.netloc.decode("ascii")
    return target.copy_with(host=address), {"Host": host}, {"sni_hostname": target.host}


@dataclass
class Dispatcher:
    engine: AsyncEngine
    http: httpx.AsyncClient  # no redirects (they could lead inside), a short timeout
    allow_private: bool = False
    resolve: Resolver = system_resolver
    batch: int = 10
    resolve_timeout: float = 5.0
    tenants_per_pass: int = 100
    outage: OutageLog = field(default_factory=lambda: OutageLog("dispatch passes were skipped"))
    stats: DispatchStats = field(default_factory=DispatchStats)

    async def run_pass(self) -> int:
        """Send one batch per tenant with due deliveries; how many were attempted."""
        try:
            tenants = await self._due_tenants()
        except Exception as exc:
            if not database_unavailable(exc):
                log.exception("webhook dispatch: could not list tenants with due deliveries")
                return 0
            self.outage.failed(exc)  # once per outage, not once per poll
            return 0
        self.outage.succeeded()
        attempted = due = 0
        for tenant_id in tenants:
            try:
                claimed, backlog = await self._claim(tenant_id)
                due += backlog
                attempted += await self._deliver(tenant_id, claimed)
            except Exception:
                log.exception("webhook dispatch failed for tenant %s", tenant_id)
        self.stats.due = due
        return attempted

    async def dispatch_tenant(self, tenant_id: UUID) -> int:
        claimed, _ = await self._claim(tenant_id)
        return await self._deliver(tenant_id, claimed)

    async def _deliver(self, tenant_id: UUID, claimed: list[Claimed]) -> int:
        for delivery in claimed:
            outcome = await self.send(delivery)
            await self._record(tenant_id, delivery, outcome)
            self.stats.outcomes[_outcome_name(delivery, outcome)] += 1
        return len(claimed)

    async def run_forever(self, stop: asyncio.Event, interval: float) -> None:
        while not stop.is_set():
            try:
                busy = await self.run_pass() >= self.batch
            except Exception:  # run_pass catches; this is the last line of defence
                log.exception("webhook dispatch pass failed")
                busy = False
            if busy:
                continue
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), interval)

    async def _due_tenants(self) -> list[UUID]:
        async with self.engine.begin() as conn:
            rows = await conn.execute(_DUE_TENANTS, {"limit": self.tenants_per_pass})
            return [row[0] for row in rows]

    async def _claim(self, tenant_id: UUID) -> tuple[list[Claimed], int]:
        """Up to a batch of the tenant's due deliveries, leased; and how many were due."""
        d, w = webhook_deliveries, webhooks
        is_due = (d.c.status == "pending", d.c.next_attempt_at <= sa.func.now(), w.c.active)
        joined = d.join(w, sa.and_(w.c.tenant_id == d.c.tenant_id, w.c.id == d.c.webhook_id))
        backlog = sa.select(sa.func.count()).select_from(joined).where(*is_due)
        due = (
            sa.select(
                d.c.id,
                d.c.event,
                d.c.payload,
                d.c.attempts,
                d.c.created_at,
                d.c.webhook_id,
                w.c.url,
                w.c.secret,
            )
            .select_from(joined)
            .where(*is_due)
            .order_by(d.c.next_attempt_at)
            .limit(self.batch)
            .with_for_update(of=d, skip_locked=True)
        )
        async with tenant_transaction(self.engine, tenant_id) as conn:
            rows = {row.id: row for row in await conn.execute(due)}
            if not rows:
                return [], 0
            # counted only when the batch is full: otherwise the batch is the backlog
            waiting = len(rows) if len(rows) < self.batch else await conn.scalar(backlog)
            leased = await conn.execute(
                d.update()
                .where(d.c.id.in_(list(rows)))
                .values(next_attempt_at=sa.func.now() + LEASE)
                .returning(d.c.id, d.c.next_attempt_at)
            )
            leases: dict[UUID, Any] = {row.id: row.next_attempt_at for row in leased}
        return [Claimed(**rows[i]._mapping, lease=leases[i]) for i in rows], waiting or 0

    async def send(self, delivery: Claimed) -> Outcome:
        """POST one delivery; never raises."""
        delivery_id = global_id("WebhookDelivery", delivery.id)
        try:
            # a resolver that hangs would hold the claimed batch past its lease
            address = await asyncio.wait_for(
                check_target(delivery.url, allow_private=self.allow_private, resolve=self.resolve),
                self.resolve_timeout,
            )
            url, headers, extensions = pinned(delivery.url, address)
            body = envelope(delivery)
            headers |= {
                "Content-Type": "application/json",
                "User-Agent": "Atrium-Webhooks/1",
                "Atrium-Event": delivery.event,
                "Atrium-Delivery": delivery_id,
                "Atrium-Signature": signature(delivery.secret, int(time.time()), body),
            }
            response = await self.http.post(
                url, content=body, headers=headers, extensions=extensions
            )
        except RefusedTarget as refused:
            return self._failed(delivery, delivery_id, None, f"refused target: {refused}")
        except (httpx.HTTPError, TimeoutError) as exc:
            detail = f"{type(exc).__name__}: {exc}".rstrip(": ")
            return self._failed(delivery, delivery_id, None, detail, type(exc).__name__)
        except Exception as exc:
            log.exception("webhook delivery %s: unexpected error", delivery_id)
            return self._failed(delivery, delivery_id, None, type(exc).__name__)
        if 200 <= response.status_code < 300:
            return Outcome(delivered=True, status=response.status_code)
        status = response.status_code
        return self._failed(delivery, delivery_id, status, f"HTTP {status}")

    @staticmethod
    def _failed(
        delivery: Claimed,
        delivery_id: str,
        status: int | None,
        error: str,
        logged: str | None = None,
    ) -> Outcome:
        """`error` is kept on the delivery for the tenant's admin; the log gets `logged`
        (default: the same) — never the secret, the body, or a URL (its query may
        carry the partner's token), which an HTTP library's message may quote."""
        error = error[:MAX_ERROR_LENGTH]
        log.warning(
            "webhook delivery %s (%s, webhook %s, attempt %d) failed: %s",
            delivery_id,
            delivery.event,
            global_id("Webhook", delivery.webhook_id),
            delivery.attempts + 1,
            logged or error,
        )
        return Outcome(delivered=False, status=status, error=error)

    async def _record(self, tenant_id: UUID, delivery: Claimed, outcome: Outcome) -> None:
        d = webhook_deliveries
        attempts = delivery.attempts + 1
        values: dict[str, Any] = {
            "attempts": attempts,
            "last_status": outcome.status,
            "last_error": outcome.error,
        }
        if outcome.delivered:
            values |= {"status": "delivered", "delivered_at": sa.func.now()}
        else:
            status, wait = next_state(attempts)
            values["status"] = status
            if wait is not None:
                values["next_attempt_at"] = sa.func.now() + wait
        async with tenant_transaction(self.engine, tenant_id) as conn:
            # a redelivery requested meanwhile moved the lease (due now): it wins
            await conn.execute(
                d.update()
                .where(d.c.id == delivery.id, d.c.next_attempt_at == delivery.lease)
                .values(**values)
            )


def _outcome_name(delivery: Claimed, outcome: Outcome) -> str:
    """delivered, retrying (failed, another attempt is due later) or failed (for good)."""
    if outcome.delivered:
        return "delivered"
    return "retrying" if next_state(delivery.attempts + 1)[0] == "pending" else "failed"
