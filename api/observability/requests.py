"""Each HTTP request's metrics and its one log line, after the answer has gone out.

What the inner layers learnt is read from the request's ASGI state when it is done:
the principal (api.middleware.Authenticate), the request id (RequestContext) and, for
GraphQL, the request's Context (its operation and read path, api.graphql_app) and the
codes of the errors it answered (`error_codes`, api.graphql_app.process_result). A
request refused before GraphQL (401 for a bad token, 413, 429) made no Context: it is
counted by path and status only.
"""

from __future__ import annotations

import logging
import time
from typing import Any

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from api.middleware import HttpMiddleware
from api.observability.metrics import AppMetrics

log = logging.getLogger("atrium.requests")

MAX_LOGGED_NAME = 200


class ObservedRequests(HttpMiddleware):
    def __init__(self, app: ASGIApp, metrics: AppMetrics) -> None:
        super().__init__(app)
        self.metrics = metrics

    async def http(self, scope: Scope, receive: Receive, send: Send) -> None:
        started = time.perf_counter()
        status = 500  # what the client gets when nothing was answered

        async def record(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            await send(message)

        try:
            await self.app(scope, receive, record)
        finally:
            seconds = time.perf_counter() - started
            state: dict[str, Any] = scope.get("state") or {}
            context = state.get("context")
            codes = state.get("error_codes") or ()
            self.metrics.request(scope["path"], str(status), seconds)
            if context is not None:
                self.metrics.operation(context, str(status), codes, seconds)
            if log.isEnabledFor(logging.INFO):
                log.info(
                    "%s %s %d",
                    scope["method"],
                    scope["path"],
                    status,
                    extra=_fields(scope, state, context, status, codes, seconds),
                )


def _fields(
    scope: Scope,
    state: dict[str, Any],
    context: Any,
    status: int,
    codes: Any,
    seconds: float,
) -> dict[str, Any]:
    """The request's log line: who (tenant, user), what (method, path, operation), how
    it went (status, error codes, duration, read path)."""
    principal = state.get("principal")
    fields: dict[str, Any] = {
        "method": scope["method"],
        "path": scope["path"],
        "status": status,
        "duration_ms": round(seconds * 1000, 3),
        "tenant_id": str(principal.tenant_id) if principal is not None else None,
        "user_id": str(principal.user_id) if principal is not None else None,
    }
    operation = getattr(context, "operation", None)
    if operation is not None:
        name = operation.name.value if operation.name else None
        fields["operation"] = name[:MAX_LOGGED_NAME] if name else None
        fields["operation_type"] = operation.operation.value
        fields["read_path"] = context.read_path
    if codes:
        fields["error_codes"] = sorted(str(code) for code in codes)
    return {"request_id": state.get("request_id"), "fields": fields}
