"""GraphiQL served by Atrium itself: the page and its pinned files (GraphiQL 3.8.3, React
18.2.0, vendored from their npm releases with their licenses under api/static/graphiql/,
byte for byte the files strawberry's own page loads from a CDN, by the same integrity
hashes), so it works offline and its Content-Security-Policy names no other host
(api/middleware.py: ResponseHeaders). Headers (a pasted bearer token) are not kept in
the browser's storage."""

from __future__ import annotations

from pathlib import Path

from starlette.routing import Mount
from starlette.staticfiles import StaticFiles
from starlette.types import ASGIApp, Message, Receive, Scope, Send

HERE = Path(__file__).parent
ASSETS = HERE / "static" / "graphiql"
STATIC_PATH = "/graphiql/static"
PAGE = (HERE / "graphiql.html").read_text(encoding="utf-8").replace("{static}", STATIC_PATH)
# each file's directory names its version, so a browser may keep it
CACHED = b"public, max-age=86400"


class _Cached:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        async def with_cache_control(message: Message) -> None:
            if message["type"] == "http.response.start" and message["status"] == 200:
                message.setdefault("headers", []).append((b"cache-control", CACHED))
            await send(message)

        await self.app(scope, receive, with_cache_control)


def assets() -> Mount:
    """The route of the page's files."""
    return Mount(STATIC_PATH, app=_Cached(StaticFiles(directory=ASSETS)))
