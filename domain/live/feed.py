"""The change feed: one LISTEN connection per process, fanned out to its subscribers.

Migration 0009's triggers NOTIFY `atrium_changes` with `{t, k, id, op}` (tenant, kind,
entity id, insert or update) for every committed change of a subscribable entity, so
every replica hears every change, whoever made it. The feed hands each change to the
subscribers of its tenant and kind; what a subscriber may see of it is decided when
it re-reads the entity as itself (api/subscriptions), never here: a change names ids
only.

Bounded: each subscriber holds at most `backlog` changes it has not taken yet. One
that falls further behind (a slow client) is dropped, not buffered without limit.
When the LISTEN connection is lost (a database restart), every subscriber is ended
(its client reconnects and subscribes again); the next subscriber listens anew.
"""

from __future__ import annotations

import asyncio
import json
import logging
from collections import deque
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any
from uuid import UUID

from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

log = logging.getLogger("atrium.live")

CHANNEL = "atrium_changes"


@dataclass(frozen=True)
class Change:
    tenant_id: UUID
    kind: str  # deal, order, invoice, stock, activity (migration 0009's FEEDS)
    entity_id: UUID
    created: bool  # an INSERT, else an UPDATE


def parse_change(payload: str) -> Change | None:
    """A notification's change; None for one this version cannot read."""
    try:
        raw = json.loads(payload)
        return Change(UUID(raw["t"]), str(raw["k"]), UUID(raw["id"]), raw["op"] == "I")
    except (ValueError, KeyError, TypeError):
        log.warning("unreadable change notification %r", payload[:200])
        return None


class Ended(StrEnum):
    """Why a subscriber gets no more changes."""

    BEHIND = "behind"  # it fell more than its backlog behind
    LOST = "lost"  # the feed lost its database connection


@dataclass(eq=False)
class Subscriber:
    """One subscription's changes: what the feed offered and it has not taken yet."""

    tenant_id: UUID
    kinds: frozenset[str]
    backlog: int
    ended: Ended | None = None
    _changes: deque[Change] = field(default_factory=deque)
    _wake: asyncio.Event = field(default_factory=asyncio.Event)

    def offer(self, change: Change) -> None:
        if self.ended is not None:
            return
        if len(self._changes) >= self.backlog:
            self.end(Ended.BEHIND)
            return
        self._changes.append(change)
        self._wake.set()

    def end(self, why: Ended) -> None:
        self.ended = why
        self._changes.clear()
        self._wake.set()

    async def next(self, within: float | None = None) -> Change | None:
        """The next change; None when `within` seconds pass without one, or when the
        subscriber has ended (see `ended`)."""
        while not self._changes and self.ended is None:
            self._wake.clear()
            try:
                await asyncio.wait_for(self._wake.wait(), within)
            except TimeoutError:
                return None
        return self._changes.popleft() if self.ended is None else None


class ChangeFeed:
    """The process's subscribers by tenant, and the LISTEN connection that feeds them,
    started by the first subscriber."""

    def __init__(self, engine: AsyncEngine) -> None:
        self.engine = engine
        self._subscribers: dict[UUID, set[Subscriber]] = {}
        self._conn: AsyncConnection | None = None
        self._raw: Any = None  # asyncpg's connection under _conn, which LISTENs
        self._starting = asyncio.Lock()
        self._closing: asyncio.Task[None] | None = None

    @contextmanager
    def subscribed(self, subscriber: Subscriber) -> Iterator[Subscriber]:
        self._subscribers.setdefault(subscriber.tenant_id, set()).add(subscriber)
        try:
            yield subscriber
        finally:
            tenant = self._subscribers.get(subscriber.tenant_id, set())
            tenant.discard(subscriber)
            if not tenant:
                self._subscribers.pop(subscriber.tenant_id, None)

    def listening(self, tenant_id: UUID) -> int:
        """How many subscribers of the tenant are being fed (0 while not listening)."""
        return len(self._subscribers.get(tenant_id, ())) if self._conn is not None else 0

    async def listen(self) -> None:
        """Make sure the process LISTENs (at most one connection, however many call)."""
        async with self._starting:
            if self._conn is not None:
                return
            conn = await self.engine.connect()
            try:
                raw = (await conn.get_raw_connection()).driver_connection
                assert raw is not None
                await raw.add_listener(CHANNEL, self._heard)
                raw.add_termination_listener(self._lost)
            except BaseException:
                await conn.close()
                raise
            self._conn, self._raw = conn, raw

    def _heard(self, connection: Any, pid: int, channel: str, payload: str) -> None:
        change = parse_change(payload)
        if change is None:
            return
        for subscriber in tuple(self._subscribers.get(change.tenant_id, ())):
            if change.kind in subscriber.kinds:
                subscriber.offer(change)

    def _lost(self, connection: Any) -> None:
        if connection is not self._raw:
            return  # closed by us
        log.warning("the change feed lost its database connection; ending subscriptions")
        for tenant in self._subscribers.values():
            for subscriber in tenant:
                subscriber.end(Ended.LOST)
        conn, self._conn, self._raw = self._conn, None, None
        self._closing = asyncio.get_running_loop().create_task(_discard(conn))

    async def close(self) -> None:
        """Stop listening."""
        conn, self._conn, self._raw = self._conn, None, None
        await _discard(conn)


async def _discard(conn: AsyncConnection | None) -> None:
    """Close the LISTEN connection without returning it to the pool: it carries the
    listener."""
    if conn is not None:
        with suppress(Exception):  # a connection already gone has nothing to close
            await conn.invalidate()
            await conn.close()
