"""The Starlette application. Engine, keys and caches live on the lifespan state."""

from __future__ import annotations

import functools
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import sqlalchemy as sa
from prometheus_client import CollectorRegistry
from sqlalchemy.ext.asyncio import AsyncEngine
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route, WebSocketRoute, request_response
from starlette.types import ASGIApp
from uvicorn.middleware.proxy_headers import ProxyHeadersMiddleware

from api.auth import TokenVerifier
from api.compression import compression
from api.core.context import AppState
from api.cross_origin import cors
from api.database import create_engine, resolve_urls
from api.graphiql import assets as graphiql_assets
from api.graphql_app import RETRY_LATER, GraphQLApp
from api.middleware import Authenticate, BodyLimit, RequestContext, ResponseHeaders
from api.oauth import TokenBudgets, token_endpoint
from api.observability.metrics import AppMetrics, scrape
from api.observability.requests import ObservedRequests
from api.observability.tracing import Tracing, tracing_from, tracing_middleware
from api.ratelimit import Budget, RateLimit, rate_limiter
from api.schema import access_cache, build_schema
from api.settings import Settings
from api.signing_keys import KeyStore
from api.webhooks.background import dispatching
from domain.outage import database_unavailable
from tenants.identities import principal_of

log = logging.getLogger(__name__)


def build_state(
    settings: Settings, engine: AsyncEngine | None = None, tracing: Tracing | None = None
) -> AppState:
    """The process's state; `tracing` (None: off) gets a span per statement of the engine."""
    if engine is None:
        engine = create_engine(resolve_urls(settings).app, settings)
    if tracing is not None:
        tracing.instrument(engine)
    keys = KeyStore.of(settings)
    resolve = functools.partial(principal_of, engine)
    verifier = TokenVerifier(settings, keys, resolve=resolve)
    return AppState(settings=settings, engine=engine, keys=keys, verifier=verifier, tracing=tracing)


def create_app(settings: Settings | None = None, state: AppState | None = None) -> Starlette:
    """The ASGI app. Pass `state` to reuse an engine (tests); otherwise the lifespan
    builds one from the settings and disposes of it on shutdown."""
    settings = settings or Settings()
    schema = build_schema(settings)
    registry = CollectorRegistry()
    tracing = state.tracing if state is not None else tracing_from(settings)

    @asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        own = state is None
        app.state.atrium = state or build_state(settings, tracing=tracing)
        app.state.atrium.access = access_cache(schema)
        try:
            async with dispatching(settings, app.state.atrium.engine, app.state.atrium.webhooks):
                yield
        finally:
            if app.state.atrium.live is not None:
                await app.state.atrium.live.feed.close()
            if own:
                await app.state.atrium.engine.dispose()
                if tracing is not None:
                    tracing.close()

    async def healthz(request: Request) -> Response:
        return JSONResponse({"status": "ok"})

    async def readyz(request: Request) -> Response:
        outage = request.app.state.atrium.outage
        try:
            async with request.app.state.atrium.engine.connect() as conn:
                await conn.execute(sa.text("SELECT 1"))
        except Exception as exc:
            if database_unavailable(exc):
                outage.failed(exc)
            else:
                log.exception("database not ready")
            return JSONResponse(
                {"status": "unavailable", "database": "unreachable"},
                status_code=503,
                headers=RETRY_LATER,
            )
        outage.succeeded()
        return JSONResponse({"status": "ok", "database": "ok"})

    async def jwks(request: Request) -> Response:
        return JSONResponse(request.app.state.atrium.keys.jwks())

    async def metrics(request: Request) -> Response:
        return scrape(request, registry, settings.metrics_token)

    graphql = GraphQLApp(
        schema,
        graphql_ide="graphiql" if settings.introspection else None,
        allow_queries_via_get=True,
        max_subscriptions_per_connection=settings.subscriptions_per_socket,
    )
    # outermost first: who is calling, how often, how much they send
    limiter = rate_limiter(settings.rate_limit_storage)
    requests = Budget("requests", settings.rate_limit, limiter)
    endpoint: ASGIApp = BodyLimit(graphql, settings.max_body_bytes)
    endpoint = Authenticate(RateLimit(endpoint, requests), requests)
    budgets = TokenBudgets(
        requests=Budget("token requests", settings.token_rate_limit, limiter),
        failures=Budget("failed authentications", settings.token_failure_limit, limiter),
    )
    token = token_endpoint(budgets)
    observed = AppMetrics(
        registry,
        lambda: getattr(app.state, "atrium", None),
        schema.documents,
        [requests, budgets.requests, budgets.failures],
        settings.metrics_max_operations,
    )
    app = Starlette(
        routes=[
            Route("/healthz", healthz),
            Route("/readyz", readyz),
            Route("/.well-known/jwks.json", jwks),
            Route("/metrics", metrics),
            Route("/graphql", endpoint),
            WebSocketRoute("/graphql", graphql),  # subscriptions (api/subscriptions)
            *([graphiql_assets()] if settings.introspection else []),
            Route(
                "/oauth/token",
                BodyLimit(request_response(token), settings.max_token_request_bytes),
                methods=["POST"],
            ),
        ],
        middleware=[
            *tracing_middleware(tracing),  # the request's span, the caller's trace continued
            Middleware(ProxyHeadersMiddleware, trusted_hosts=settings.trusted_proxies),
            *compression(settings),  # outside ResponseHeaders: the CSP hashes the plain page
            Middleware(ResponseHeaders),
            *cors(settings),  # a preflight is answered before any authentication
            Middleware(ObservedRequests, metrics=observed),
            Middleware(RequestContext),
        ],
        lifespan=lifespan,
    )
    if state is not None:
        app.state.atrium = state
        state.access = access_cache(schema)
    return app
