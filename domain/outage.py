"""The database being away: told apart from bugs, answered 503, logged once per outage
(by the server's requests and by the webhook dispatcher alike).

During a PostgreSQL restart, failover or a full pool every request fails the same way.
Those failures are the client's cue to retry later (UNAVAILABLE, HTTP 503,
`Retry-After`), not bugs to mask as INTERNAL, and logging each of them would bury the
one line that matters: when the outage began and when it ended.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Iterator

import asyncpg
import sqlalchemy as sa

log = logging.getLogger("atrium.database")

# A restart takes seconds; a client that waits this long usually finds it back.
RETRY_AFTER_SECONDS = 2

_LOST = (
    # refused, reset, unreachable or timed out: a request's only network peer is the
    # database (the identity provider's keys are fetched by api.auth, which says so)
    OSError,
    asyncpg.PostgresConnectionError,  # class 08: the connection broke or never was
    asyncpg.CannotConnectNowError,  # "the database system is starting up / shutting down"
    asyncpg.AdminShutdownError,  # terminated by the administrator (a restart, a failover)
    asyncpg.CrashShutdownError,
    asyncpg.TooManyConnectionsError,
    sa.exc.TimeoutError,  # no pooled connection came free in time
)


def _chain(exc: BaseException) -> Iterator[BaseException]:
    """The exception and everything behind it (SQLAlchemy wraps the driver's error)."""
    seen: set[int] = set()
    pending: list[BaseException | None] = [exc]
    while pending:
        current = pending.pop()
        if current is None or id(current) in seen:
            continue
        seen.add(id(current))
        yield current
        pending += [current.__cause__, current.__context__, getattr(current, "orig", None)]


def database_unavailable(exc: BaseException | None) -> bool:
    """Whether `exc` means the database could not be reached or dropped the connection."""
    if exc is None:
        return False
    return any(
        isinstance(e, _LOST) or getattr(e, "connection_invalidated", False) for e in _chain(exc)
    )


def statement_cancelled(exc: BaseException | None) -> bool:
    """Whether `exc` is PostgreSQL cancelling a statement (SQLSTATE 57014: its
    `statement_timeout` ran out): the request asked too much, nothing is broken."""
    if exc is None:
        return False
    return any(
        isinstance(e, asyncpg.QueryCanceledError) or getattr(e, "sqlstate", None) == "57014"
        for e in _chain(exc)
    )


class OutageLog:
    """Logs the first failure of an outage and the first success after it, and counts
    the requests refused in between; nothing per request."""

    def __init__(self, refused: str = "requests were refused") -> None:
        self._since: float | None = None
        self._refused = 0
        self._what = refused  # what the count at the end of an outage counts

    @property
    def ongoing(self) -> bool:
        return self._since is not None

    def failed(self, exc: BaseException) -> None:
        self._refused += 1
        if self._since is None:
            self._since = time.monotonic()
            log.error(
                "database unavailable; answering UNAVAILABLE until it is back",
                exc_info=(type(exc), exc, exc.__traceback__),
            )

    def succeeded(self) -> None:
        if self._since is None:
            return
        log.warning(
            "database available again after %.1f s; %d %s",
            time.monotonic() - self._since,
            self._refused,
            self._what,
        )
        self._since = None
        self._refused = 0
