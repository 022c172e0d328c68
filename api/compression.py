"""Compressed answers: zstd, br or gzip by the client's Accept-Encoding, for bodies of
at least `ATRIUM_COMPRESS_MIN_BYTES` (starlette-compress, pure ASGI).

It sits outside the middleware that sets headers (request id, CSP by the page's inline
script hashes), so they see and hash the plain body. Streams stay streams: server-sent
events and multipart answers (subscriptions, incremental delivery) are flushed per
message rather than buffered.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from starlette.middleware import Middleware
from starlette_compress import CompressMiddleware, add_compress_type

from api.graphql_over_http import GRAPHQL_RESPONSE

if TYPE_CHECKING:
    from api.settings import Settings

# starlette-compress keeps its media types process-wide; adding is idempotent
add_compress_type(GRAPHQL_RESPONSE)
add_compress_type("multipart/mixed", streaming=True)  # its default would buffer the stream


def compression(settings: Settings) -> list[Middleware]:
    if not settings.compression:
        return []
    return [Middleware(CompressMiddleware, minimum_size=settings.compress_min_bytes)]
