"""Plain ASGI middleware: request ids, body size limit, bearer authentication, metrics."""

from __future__ import annotations

import logging
import re
import time
import uuid
from typing import Any

from prometheus_client import CollectorRegistry, Counter, Histogram
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from api.auth import AuthError, bearer_challenge
from api.errors import Code, internal_message
from api.graphql_app import error_response, unavailable_response
from api.logs import request_id_var
from domain.outage import database_unavailable

log = logging.getLogger("atrium.errors")

_SAFE_ID = re.compile(r"^[A-Za-z0-9._-]{1,64}$")


class RequestContext:
    """Request id (client's X-Request-ID when sane, else a new one), echoed back. An
    exception that escapes the app becomes a JSON INTERNAL error with the id, logged."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
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


class BodyLimit:
    """Refuse bodies over the limit with 413, by Content-Length or while streaming."""

    def __init__(self, app: ASGIApp, max_bytes: int) -> None:
        self.app = app
        self.max_bytes = max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
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


class Authenticate:
    """Bearer token to Principal. No header: anonymous (introspection only). A header
    that is present but not acceptable: 401 UNAUTHENTICATED, nothing else said."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
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

    @staticmethod
    async def _refuse(
        scope: Scope, receive: Receive, send: Send, message: str, *, token_given: bool
    ) -> None:
        challenge = bearer_challenge(token_given)
        response = error_response(
            401, message, Code.UNAUTHENTICATED, **{"WWW-Authenticate": challenge}
        )
        await response(scope, receive, send)


class Metrics:
    """Request counts and latencies per path for /metrics."""

    def __init__(self, app: ASGIApp, registry: CollectorRegistry) -> None:
        self.app = app
        self.requests = Counter(
            "atrium_http_requests", "HTTP requests", ["path", "status"], registry=registry
        )
        self.latency = Histogram(
            "atrium_http_request_seconds", "HTTP request latency", ["path"], registry=registry
        )

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        status: dict[str, Any] = {"code": 500}

        async def record(message: Message) -> None:
            if message["type"] == "http.response.start":
                status["code"] = message["status"]
            await send(message)

        path = (
            scope["path"]
            if scope["path"] in {"/graphql", "/oauth/token", "/healthz", "/readyz"}
            else "other"
        )
        try:
            await self.app(scope, receive, record)
        finally:
            self.requests.labels(path, str(status["code"])).inc()
            self.latency.labels(path).observe(time.perf_counter() - started)
