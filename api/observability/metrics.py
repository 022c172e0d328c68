"""Prometheus metrics of one app, in the app's own registry (README "Observability").

Per request (recorded by api.observability.requests): HTTP counts and latencies by
path, and for GraphQL the operation's name and type, its HTTP status, duration, error
codes and read path. Read at scrape time from what the server keeps anyway (plain
counters, no work on the request path): the database pool, the document, plan and
access caches, the rate limits' refusals, the webhook sender's outcomes and queue, and
the process itself (prometheus_client's collectors).

Label values stay few: a path outside the known ones is "other", and an operation name
is its own label only for the first `max_operations` names this process saw (later
ones are "(other)"); an unnamed operation is "(anonymous)", and a request whose
operation was never known (it did not parse or validate) is "(none)". No GraphQL name
can be spelled with parentheses, so none of these is ever a real name.
"""

from __future__ import annotations

import hmac
from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import TYPE_CHECKING, Any

from prometheus_client import (
    CONTENT_TYPE_LATEST,
    GC_COLLECTOR,
    PLATFORM_COLLECTOR,
    PROCESS_COLLECTOR,
    CollectorRegistry,
    Counter,
    Histogram,
    generate_latest,
)
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily, Metric
from prometheus_client.registry import Collector
from pydantic import SecretStr
from starlette.requests import Request
from starlette.responses import Response

from api.compiled.executor import PLANS
from api.errors import Code
from api.graphql_app import error_response

if TYPE_CHECKING:
    from api.core.context import AppState, Context
    from api.extensions import Documents
    from api.ratelimit import Budget

ANONYMOUS = "(anonymous)"
OTHER = "(other)"
NONE = "(none)"
PATHS = frozenset({"/graphql", "/oauth/token", "/healthz", "/readyz", "/metrics"})
# GraphQL answers take from about a millisecond (a cached viewer) to seconds (reports)
SECONDS = (0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0)


class OperationNames:
    """The label of an operation name: the name itself for the first `cap` names seen,
    OTHER after that (a client sending a new name per request must not make a new
    series per request)."""

    def __init__(self, cap: int) -> None:
        self.cap = cap
        self._known: set[str] = set()

    def label(self, name: str | None) -> str:
        if name is None:
            return ANONYMOUS
        if name in self._known:
            return name
        if len(self._known) < self.cap:
            self._known.add(name)
            return name
        return OTHER


class AppMetrics:
    def __init__(
        self,
        registry: CollectorRegistry,
        state: Callable[[], AppState | None],
        documents: Documents,
        budgets: Sequence[Budget],
        max_operations: int,
    ) -> None:
        self.registry = registry
        self.names = OperationNames(max_operations)
        self._children: dict[tuple[Any, ...], Any] = {}
        self.http_requests = Counter(
            "atrium_http_requests", "HTTP requests", ["path", "status"], registry=registry
        )
        self.http_seconds = Histogram(
            "atrium_http_request_seconds", "HTTP request latency", ["path"], registry=registry
        )
        self.operations = Counter(
            "atrium_graphql_operations",
            "GraphQL requests by operation name and type and HTTP status",
            ["operation", "type", "status"],
            registry=registry,
        )
        self.operation_seconds = Histogram(
            "atrium_graphql_operation_seconds",
            "GraphQL request duration by operation name and type",
            ["operation", "type"],
            buckets=SECONDS,
            registry=registry,
        )
        self.errors = Counter(
            "atrium_graphql_errors",
            "GraphQL answers carrying errors with this extensions.code (once per answer and code)",
            ["operation", "code"],
            registry=registry,
        )
        self.read_paths = Counter(
            "atrium_graphql_read_path",
            "Queries by how their root fields were answered: compiled, fallback or mixed",
            ["operation", "read_path"],
            registry=registry,
        )
        registry.register(RuntimeCollector(state, documents, budgets))
        for collector in (PROCESS_COLLECTOR, PLATFORM_COLLECTOR, GC_COLLECTOR):
            # the default registry's collectors read only this process: share them
            registry.register(collector)

    def _child(self, metric: Any, *labels: str) -> Any:
        """The labelled series, remembered (prometheus_client's `labels` takes a lock
        and checks its arguments on every call)."""
        key = (metric, *labels)
        child = self._children.get(key)
        if child is None:
            child = self._children[key] = metric.labels(*labels)
        return child

    def request(self, path: str, status: str, seconds: float) -> None:
        path = path if path in PATHS else "other"
        self._child(self.http_requests, path, status).inc()
        self._child(self.http_seconds, path).observe(seconds)

    def operation(
        self, context: Context, status: str, codes: Iterable[object], seconds: float
    ) -> None:
        operation = context.operation
        if operation is None:
            name, kind = NONE, NONE
        else:
            name = self.names.label(operation.name.value if operation.name else None)
            kind = operation.operation.value
        self._child(self.operations, name, kind, status).inc()
        self._child(self.operation_seconds, name, kind).observe(seconds)
        for code in codes:
            self._child(self.errors, name, str(code)).inc()
        read_path = context.read_path
        if read_path is not None and kind == "query":  # a mutation's fields all resolve
            self._child(self.read_paths, name, read_path).inc()


def scrape(request: Request, registry: CollectorRegistry, token: SecretStr | None) -> Response:
    """GET /metrics: the registry's figures for a scraper that sends the token. They
    tell how busy each tenant-facing operation is and which fail: never for anyone
    else, and with no token set for nobody (404)."""
    if token is None:
        return error_response(
            404, "Metrics are off: set ATRIUM_METRICS_TOKEN to serve them.", Code.NOT_FOUND
        )
    scheme, _, given = request.headers.get("authorization", "").partition(" ")
    expected = token.get_secret_value().encode()
    if scheme.lower() != "bearer" or not hmac.compare_digest(given.strip().encode(), expected):
        return error_response(
            401,
            "Send `Authorization: Bearer <ATRIUM_METRICS_TOKEN>`.",
            Code.UNAUTHENTICATED,
            **{"WWW-Authenticate": 'Bearer realm="metrics"'},
        )
    return Response(generate_latest(registry), media_type=CONTENT_TYPE_LATEST)


class RuntimeCollector(Collector):
    """Figures the server keeps anyway, read when Prometheus scrapes."""

    def __init__(
        self,
        state: Callable[[], AppState | None],
        documents: Documents,
        budgets: Sequence[Budget],
    ) -> None:
        self.state = state
        self.documents = documents
        self.budgets = budgets

    def describe(self) -> list[Metric]:
        return []  # nothing to read before the app has started: no check at registration

    def collect(self) -> Iterator[Metric]:
        refusals = CounterMetricFamily(
            "atrium_rate_limit_refusals", "Requests refused by a rate limit", labels=["budget"]
        )
        for budget in self.budgets:
            refusals.add_metric([budget.name], budget.refusals)
        yield refusals
        state = self.state()
        if state is None:
            return
        yield from _pool(state)
        access = state.access.items if state.access is not None else None
        yield from _caches({"documents": self.documents, "plans": PLANS, "access": access})
        yield from _webhooks(state)


def _pool(state: AppState) -> Iterator[Metric]:
    pool: Any = state.engine.pool
    connections = GaugeMetricFamily(
        "atrium_db_pool_connections",
        "Connections of the app role's pool: in use by a transaction, or idle in the pool",
        labels=["state"],
    )
    connections.add_metric(["in_use"], pool.checkedout())
    connections.add_metric(["idle"], pool.checkedin())
    yield connections
    yield GaugeMetricFamily(
        "atrium_db_pool_waiting",
        "Checkouts under way: waiting for a free connection or for a new one to open",
        value=getattr(pool, "waiting", 0),
    )
    yield GaugeMetricFamily(
        "atrium_db_pool_size",
        "Connections the pool keeps (ATRIUM_DB_POOL_SIZE); up to ATRIUM_DB_MAX_OVERFLOW more",
        value=pool.size(),
    )


def _caches(caches: dict[str, Any]) -> Iterator[Metric]:
    """Each cache's counts (`hits`, `misses`) and length."""
    hits = CounterMetricFamily("atrium_cache_hits", "Cache lookups that hit", labels=["cache"])
    misses = CounterMetricFamily(
        "atrium_cache_misses",
        "Cache lookups that missed (the entry was then made)",
        labels=["cache"],
    )
    entries = GaugeMetricFamily("atrium_cache_entries", "Entries kept", labels=["cache"])
    for name, cache in caches.items():
        if cache is None:
            continue
        hits.add_metric([name], cache.hits)
        misses.add_metric([name], cache.misses)
        entries.add_metric([name], len(cache))
    yield from (hits, misses, entries)


def _webhooks(state: AppState) -> Iterator[Metric]:
    stats = state.webhooks
    outcomes = CounterMetricFamily(
        "atrium_webhook_deliveries",
        "Webhook delivery attempts by outcome: delivered, retrying (failed, tried again "
        "later) or failed (for good)",
        labels=["outcome"],
    )
    for outcome in ("delivered", "retrying", "failed"):
        outcomes.add_metric([outcome], stats.outcomes[outcome])
    yield outcomes
    yield GaugeMetricFamily(
        "atrium_webhook_deliveries_due",
        "Deliveries due to be sent when this process's dispatcher last looked",
        value=stats.due,
    )
