"""OpenTelemetry traces, off by default (README "Observability").

On (`ATRIUM_OTEL_ENABLED=true`, or the standard `OTEL_EXPORTER_OTLP_ENDPOINT` /
`OTEL_EXPORTER_OTLP_TRACES_ENDPOINT` set while the setting is left unset), a request is
one trace: the server span of opentelemetry-instrumentation-asgi (which continues the
caller's trace from its W3C `traceparent`), a span for the operation's transaction
(api.extensions.operation_transaction) and one per SQL statement
(opentelemetry-instrumentation-sqlalchemy on the app role's engine: every statement,
the compiled path's `exec_driver_sql` too, passes SQLAlchemy's cursor events). Spans
leave in batches through the OTLP/HTTP exporter, configured by the standard `OTEL_*`
variables (endpoint, headers, service name, sampler).

Off, nothing of OpenTelemetry is imported and an operation pays one `is None` check.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass, field
from typing import Any

from graphql import OperationDefinitionNode
from starlette.middleware import Middleware

from api.settings import Settings

NO_SPAN: AbstractContextManager[Any] = nullcontext()
OTLP_ENDPOINTS = ("OTEL_EXPORTER_OTLP_ENDPOINT", "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT")


def tracing_on(settings: Settings) -> bool:
    if settings.otel_enabled is not None:
        return settings.otel_enabled
    return any(os.environ.get(name) for name in OTLP_ENDPOINTS)


@dataclass
class Tracing:
    """A tracer provider and what it instruments: the app (a middleware) and engines."""

    provider: Any  # opentelemetry.sdk.trace.TracerProvider
    tracer: Any = field(init=False)

    def __post_init__(self) -> None:
        self.tracer = self.provider.get_tracer("atrium")

    def middleware(self) -> Middleware:
        from opentelemetry.instrumentation.asgi import OpenTelemetryMiddleware

        # no span per ASGI message: a request is one server span
        return Middleware(
            OpenTelemetryMiddleware,
            tracer_provider=self.provider,
            exclude_spans=["receive", "send"],
        )

    def instrument(self, engine: Any) -> None:
        """A span per statement of `engine` (an AsyncEngine)."""
        from opentelemetry.instrumentation.sqlalchemy import SQLAlchemyInstrumentor

        # It declares SQLAlchemy < 2.1 and would silently do nothing on 2.1; the cursor
        # events it listens to are unchanged there (tests/api/test_tracing.py holds it).
        SQLAlchemyInstrumentor().instrument(
            engine=engine.sync_engine, tracer_provider=self.provider, skip_dep_check=True
        )

    def close(self) -> None:
        """Stop instrumenting and send what is left."""
        from opentelemetry.instrumentation.sqlalchemy import SQLAlchemyInstrumentor

        SQLAlchemyInstrumentor().uninstrument()
        self.provider.shutdown()


def tracing_from(settings: Settings) -> Tracing | None:
    """The settings' tracing: spans exported over OTLP/HTTP, or None when it is off."""
    if not tracing_on(settings):
        return None
    from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter
    from opentelemetry.sdk.resources import Resource
    from opentelemetry.sdk.trace import TracerProvider
    from opentelemetry.sdk.trace.export import BatchSpanProcessor

    # OTEL_SERVICE_NAME and OTEL_RESOURCE_ATTRIBUTES, when set, win over the default
    resource = Resource.create({"service.name": "atrium"})
    provider = TracerProvider(resource=resource)
    provider.add_span_processor(BatchSpanProcessor(OTLPSpanExporter()))
    return Tracing(provider)


def tracing_middleware(tracing: Tracing | None) -> Sequence[Middleware]:
    return [] if tracing is None else [tracing.middleware()]


def transaction_span(
    tracing: Tracing | None, operation: OperationDefinitionNode | None
) -> AbstractContextManager[Any]:
    """The span of an operation's transaction (named as OpenTelemetry names GraphQL
    operations: type and name), or nothing when tracing is off."""
    if tracing is None:
        return NO_SPAN
    kind = operation.operation.value if operation is not None else "query"
    name = operation.name.value if operation is not None and operation.name else None
    attributes = {"graphql.operation.type": kind}
    if name:
        attributes["graphql.operation.name"] = name
    return tracing.tracer.start_as_current_span(  # type: ignore[no-any-return]
        f"{kind} {name}" if name else kind, attributes=attributes
    )
