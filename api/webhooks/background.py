"""The webhook sender as part of the server's lifespan (setting `webhooks_dispatch`)."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator

import httpx
from sqlalchemy.ext.asyncio import AsyncEngine

from api.settings import Settings
from domain.webhooks.dispatch import Dispatcher, DispatchStats


@contextlib.asynccontextmanager
async def dispatching(
    settings: Settings, engine: AsyncEngine, stats: DispatchStats | None = None
) -> AsyncIterator[None]:
    """Run the dispatcher while the server runs (counting what it does in `stats`); on
    shutdown let the delivery in flight finish (within its timeout), then stop."""
    if not settings.webhooks_dispatch:
        yield
        return
    stop = asyncio.Event()
    # No redirects: a public URL must not lead the server into its own network. No
    # kept-alive connections: requests are pinned to checked addresses (dispatch.pinned),
    # and a pooled connection to one address must not carry another host's request.
    http = httpx.AsyncClient(
        timeout=settings.webhooks_timeout_seconds,
        follow_redirects=False,
        limits=httpx.Limits(max_keepalive_connections=0),
    )
    dispatcher = Dispatcher(
        engine,
        http,
        allow_private=settings.webhooks_allow_private_targets,
        stats=stats or DispatchStats(),
    )
    task = asyncio.create_task(dispatcher.run_forever(stop, settings.webhooks_poll_seconds))
    try:
        yield
    finally:
        stop.set()
        with contextlib.suppress(TimeoutError, asyncio.CancelledError):
            await asyncio.wait_for(task, settings.webhooks_timeout_seconds + 5)
        await http.aclose()
