"""CORS for browser apps on other origins (Starlette's CORSMiddleware, pure ASGI).

Off unless `ATRIUM_CORS_ORIGINS` names origins. Atrium authenticates by bearer token,
which a page sends in `Authorization` without any credentials mode, so credentials
(cookies, HTTP auth) are not allowed unless `ATRIUM_CORS_ALLOW_CREDENTIALS` says so
(for a cookie-setting proxy in front); then `*` is refused at start-up, since the
middleware would echo any origin back as allowed with credentials.
"""

from __future__ import annotations

from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from starlette.middleware import Middleware
from starlette.middleware.cors import CORSMiddleware

if TYPE_CHECKING:
    from api.settings import Settings

ALLOWED_METHODS = ["GET", "POST"]
ALLOWED_HEADERS = ["Authorization", "Content-Type", "Idempotency-Key", "X-Request-ID"]
# what a page may read from an answer besides the CORS-safelisted headers
EXPOSED_HEADERS = ["X-Request-ID", "Retry-After", "WWW-Authenticate"]


def parse_origins(value: str) -> list[str]:
    """Comma-separated exact origins (`scheme://host[:port]`), or `*`; raises ValueError
    on anything a browser would never send as its Origin (a path, a trailing slash)."""
    origins = [item.strip() for item in value.split(",") if item.strip()]
    for origin in origins:
        if origin == "*":
            continue
        parts = urlsplit(origin)
        if (
            parts.scheme not in {"http", "https"}
            or not parts.hostname
            or parts.path
            or parts.query
            or parts.fragment
            or parts.username
        ):
            raise ValueError(
                f"ATRIUM_CORS_ORIGINS: {origin!r} is not an origin "
                "(scheme://host[:port], no path or trailing slash), nor '*'"
            )
    return origins


def check_credentials(origins: list[str], allow_credentials: bool) -> None:
    if allow_credentials and "*" in origins:
        raise ValueError(
            "ATRIUM_CORS_ORIGINS='*' with ATRIUM_CORS_ALLOW_CREDENTIALS=true would let any "
            "site send credentialed requests: name the origins instead"
        )


def cors(settings: Settings) -> list[Middleware]:
    """The CORS middleware of these settings (none without origins)."""
    origins = parse_origins(settings.cors_origins)
    if not origins:
        return []
    return [
        Middleware(
            CORSMiddleware,
            allow_origins=origins,
            allow_methods=ALLOWED_METHODS,
            allow_headers=ALLOWED_HEADERS,
            allow_credentials=settings.cors_allow_credentials,
            expose_headers=EXPOSED_HEADERS,
            max_age=settings.cors_max_age_seconds,
        )
    ]
