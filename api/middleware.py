"""Plain ASGI middleware: request ids, body size limit, bearer authentication, the
headers every answer carries (metrics and the request's log line:
api/observability/requests.py)."""

from __future__ import annotations

import base64
import hashlib
import logging
import re
import uuid

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from api.auth import AuthError, bearer_challenge
from api.errors import Code, internal_message
from api.graphql_app import error_response, unavailable_response
from api.logs import request_id_var
from api.ratelimit import Budget, address_key
from domain.outage import database_unavailable

log = logging.getLogger("atrium.errors")

_SAFE_ID = re.compile(r"^[A-Za-z0-9._-]{1,64}$")


class HttpMiddleware:
    """ASGI middleware of HTTP requests: lifespan (and any other scope) passes through."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            await self.http(scope, receive, send)
        else:
            await self.app(scope, receive, send)

    async def http(self, scope: Scope, receive: Receive, send: Send) -> None:
        raise NotImplementedError


class RequestContext(HttpMiddleware):
    """Request id (client's X-Request-ID when sane, else a new one), echoed back. An
    exception that escapes the app becomes a JSON INTERNAL error with the id, logged."""

    async def http(self, scope: Scope, receive: Receive, send: Send) -> None:
        given = dict(scope["headers"]).get(b"x-request-id", b"").decode("latin-1")
        request_id = given if _SAFE_ID.match(given) else uuid.uuid4().hex
        scope.setdefault("state", {})["request_id"] = request_id
        token = request_id_var.set(request_id)

        started = False

        async def send_with_id(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
                message.setdefault("headers", []).append((b"x-request-id", request_id.encode()))
            await send(message)

        try:
            await self.app(scope, receive, send_with_id)
        except Exception as exc:
            unavailable = database_unavailable(exc)
            if unavailable:
                scope["app"].state.atrium.outage.failed(exc)
            else:
                log.exception("unhandled error")
            if started:
                raise
            response = (
                unavailable_response(request_id)
                if unavailable
                else error_response(
                    500, internal_message(request_id), Code.INTERNAL, request_id=request_id
                )
            )
            await response(scope, receive, send_with_id)
        finally:
            request_id_var.reset(token)


class BodyLimit(HttpMiddleware):
    """Refuse bodies over the limit with 413, by Content-Length or while streaming."""

    def __init__(self, app: ASGIApp, max_bytes: int) -> None:
        super().__init__(app)
        self.max_bytes = max_bytes

    async def http(self, scope: Scope, receive: Receive, send: Send) -> None:
        length = dict(scope["headers"]).get(b"content-length")
        if length is not None and (not length.isdigit() or int(length) > self.max_bytes):
            await self._too_large(scope, receive, send)
            return
        seen = 0

        async def limited() -> Message:
            nonlocal seen
            message = await receive()
            seen += len(message.get("body", b""))
            if seen > self.max_bytes:
                raise _TooLarge
            return message

        try:
            await self.app(scope, limited, send)
        except _TooLarge:
            await self._too_large(scope, receive, send)

    async def _too_large(self, scope: Scope, receive: Receive, send: Send) -> None:
        response = error_response(413, f"Request body over {self.max_bytes} bytes.")
        await response(scope, receive, send)


class _TooLarge(Exception):
    pass


class Authenticate(HttpMiddleware):
    """Bearer token to Principal. No header: anonymous (introspection only). A header
    that is present but not acceptable: 401 UNAUTHENTICATED, nothing else said, and one
    request spent from the client address's `budget` (429 once it is spent), so a flood
    of made-up tokens is limited like any anonymous one."""

    def __init__(self, app: ASGIApp, budget: Budget) -> None:
        super().__init__(app)
        self.budget = budget

    async def http(self, scope: Scope, receive: Receive, send: Send) -> None:
        header = dict(scope["headers"]).get(b"authorization")
        if header is not None:
            scheme, _, token = header.decode("latin-1").partition(" ")
            bearer = scheme.lower() == "bearer"
            if not bearer or not token.strip():
                message = "Use `Authorization: Bearer <token>`."
                await self._refuse(scope, receive, send, message, token_given=bearer)
                return
            verifier = scope["app"].state.atrium.verifier
            try:
                scope.setdefault("state", {})["principal"] = await verifier.verify(token.strip())
            except AuthError as exc:
                await self._refuse(scope, receive, send, str(exc), token_given=True)
                return
        await self.app(scope, receive, send)

    async def _refuse(
        self, scope: Scope, receive: Receive, send: Send, message: str, *, token_given: bool
    ) -> None:
        response = await self.budget.spend(address_key(scope)) or error_response(
            401,
            message,
            Code.UNAUTHENTICATED,
            **{"WWW-Authenticate": bearer_challenge(token_given)},
        )
        await response(scope, receive, send)


# An API answer carries what the caller's role may read (salaries, margins): no cache
# keeps it. A page may load only its own inline scripts (by hash) and the files this
# server serves (GraphiQL's, api/graphiql.py, each with its integrity hash); its inline
# styles and the fonts and icons its stylesheet inlines are allowed as such.
NO_STORE = b"no-store"
API_POLICY = b"default-src 'none'; frame-ancestors 'none'"
PAGE_POLICY = (
    "default-src 'none'; script-src {scripts}; "
    "style-src 'self' 'unsafe-inline'; img-src 'self' data:; "
    "font-src 'self' data:; connect-src 'self'; "
    "base-uri 'none'; form-action 'none'; frame-ancestors 'none'"
)
_INLINE_SCRIPT = re.compile(rb"<script(?![^>]*\bsrc=)[^>]*>(.*?)</script>", re.DOTALL | re.I)


def page_policy(html: bytes) -> bytes:
    """The Content-Security-Policy of an HTML page: its own inline scripts by hash."""
    hashes = [
        "'sha256-" + base64.b64encode(hashlib.sha256(script).digest()).decode() + "'"
        for script in _INLINE_SCRIPT.findall(html)
    ]
    return PAGE_POLICY.format(scripts=" ".join(["'self'", *hashes])).encode()


class ResponseHeaders(HttpMiddleware):
    """`X-Content-Type-Options: nosniff` and a Content-Security-Policy on every answer,
    `Cache-Control: no-store` unless the route set its own. An HTML page is held until
    its body is complete, since its policy names its inline scripts' hashes."""

    async def http(self, scope: Scope, receive: Receive, send: Send) -> None:
        start: Message | None = None
        page: list[bytes] = []

        async def with_headers(message: Message) -> None:
            nonlocal start
            if message["type"] == "http.response.start":
                headers = message.setdefault("headers", [])
                names = {name.lower(): value for name, value in headers}
                headers.append((b"x-content-type-options", b"nosniff"))
                if b"cache-control" not in names:
                    headers.append((b"cache-control", NO_STORE))
                if not names.get(b"content-type", b"").startswith(b"text/html"):
                    headers.append((b"content-security-policy", API_POLICY))
                    await send(message)
                    return
                start = message
                return
            if start is None or message["type"] != "http.response.body":
                await send(message)
                return
            page.append(message.get("body", b""))
            if message.get("more_body", False):
                return
            body = b"".join(page)
            start["headers"].append((b"content-security-policy", page_policy(body)))
            await send(start)
            await send({"type": "http.response.body", "body": body})

        await self.app(scope, receive, with_headers)
