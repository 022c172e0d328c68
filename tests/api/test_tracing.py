"""OpenTelemetry: a request that carries a `traceparent` is traced under that trace id,
with its server span, its transaction's span and one span per SQL statement."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
from sqlalchemy import event

from api.app import build_state, create_app
from api.database import create_engine
from api.observability.tracing import Tracing, tracing_from, tracing_on

TRACE_ID = "4bf92f3577b34da6a3ce929d0e0e4736"
TRACEPARENT = f"00-{TRACE_ID}-00f067aa0ba902b7-01"


@pytest.fixture
async def traced(database, settings) -> Any:
    """A client of an app traced into memory, on an engine of its own (instrumenting
    the session's engine would trace every later test)."""
    exporter = InMemorySpanExporter()
    provider = TracerProvider()
    provider.add_span_processor(SimpleSpanProcessor(exporter))
    tracing = Tracing(provider)
    engine = create_engine(database.app_url, settings)
    statements: list[str] = []
    event.listen(engine.sync_engine, "before_cursor_execute", lambda *a: statements.append(a[2]))
    app = create_app(settings, build_state(settings, engine, tracing))
    try:
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
            yield client, exporter, statements
    finally:
        tracing.close()
        await engine.dispose()


@pytest.mark.parametrize(
    "query",
    [
        "query Customers { customers(first: 2) { nodes { id name } } }",  # the query lane
        "query Viewer { viewer { user { id } } }",
    ],
)
async def test_a_request_is_one_trace_under_its_traceparent(traced, tenant, query):
    client, exporter, statements = traced
    headers = {"Authorization": f"Bearer {tenant.admin_token}", "traceparent": TRACEPARENT}
    exporter.clear()  # what arranging the tenant traced
    response = await client.post("/graphql", json={"query": query}, headers=headers)
    assert response.status_code == 200 and "errors" not in response.json()
    spans = exporter.get_finished_spans()
    assert {format(s.context.trace_id, "032x") for s in spans} == {TRACE_ID}
    by_id = {s.context.span_id: s for s in spans}
    [server] = [s for s in spans if s.parent is not None and s.parent.span_id not in by_id]
    assert server.parent.span_id == int("00f067aa0ba902b7", 16)  # the caller's span
    name = query.split()[1]
    [transaction] = [s for s in spans if s.name == f"query {name}"]
    assert transaction.parent.span_id == server.context.span_id
    assert transaction.attributes["graphql.operation.name"] == name
    database = [s for s in spans if s.parent and s.parent.span_id == transaction.context.span_id]
    # the checkout ("connect"), then one span per statement
    sql = [s for s in database if s.name != "connect"]
    assert len(sql) == len(statements) >= 2
    assert all(s.attributes.get("db.system") or s.attributes.get("db.system.name") for s in sql)
    assert len(database) == len(sql) + 1 == len(spans) - 2  # nothing else in the trace


def test_tracing_is_off_unless_asked_for(settings, monkeypatch):
    for name in ("OTEL_EXPORTER_OTLP_ENDPOINT", "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT"):
        monkeypatch.delenv(name, raising=False)
    assert tracing_from(settings) is None
    monkeypatch.setenv("OTEL_EXPORTER_OTLP_ENDPOINT", "http://127.0.0.1:4318")
    assert tracing_on(settings)
    assert not tracing_on(settings.model_copy(update={"otel_enabled": False}))
