"""Per-process state (built by the lifespan) and per-request context."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, TypeVar
from uuid import UUID

import strawberry
from graphql import OperationDefinitionNode
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from api.errors import unauthenticated
from api.settings import Settings
from domain.outage import OutageLog
from domain.webhooks.dispatch import DispatchStats
from tenants.access.policy import Policy
from tenants.principal import Actor, PolicyCache, Principal

if TYPE_CHECKING:
    from api.auth import TokenVerifier
    from api.core.access import AccessCache, Rule
    from api.idempotency import IdempotentRequest
    from api.observability.tracing import Tracing
    from api.signing_keys import KeyStore
    from api.subscriptions.live import LiveConnection, LiveState

L = TypeVar("L")


@dataclass
class AppState:
    settings: Settings
    engine: AsyncEngine
    keys: KeyStore
    verifier: TokenVerifier
    policies: PolicyCache = field(default_factory=PolicyCache)
    access: AccessCache | None = None
    outage: OutageLog = field(default_factory=OutageLog)
    # the change feed and live sockets (api/subscriptions), made by the first socket
    live: LiveState | None = None
    webhooks: DispatchStats = field(default_factory=DispatchStats)  # the sender's counts
    tracing: Tracing | None = None  # None: traces are off


@dataclass
class Context:
    state: AppState
    request_id: str
    principal: Principal | None = None
    actor: Actor | None = None
    # The operation's transaction, opened by the transaction extension.
    conn: AsyncConnection | None = None
    # Field nodes this document may not read under this role (see api.core.access).
    denied: dict[int, Rule] = field(default_factory=dict)
    # Per-request DataLoaders, by name.
    loaders: dict[str, Any] = field(default_factory=dict)
    # How the root fields were answered: "compiled" and/or "fallback" (api/compiled).
    read_paths: set[str] = field(default_factory=set)
    # The request's Idempotency-Key and what became of it (api/idempotency.py).
    idempotency: IdempotentRequest | None = None
    # A websocket's: its connection_init payload and its live state (api/subscriptions).
    connection_params: dict[str, Any] | None = None
    live: LiveConnection | None = None
    # The operation run (once known), for metrics, traces and the request's log line.
    operation: OperationDefinitionNode | None = None

    @property
    def read_path(self) -> str | None:
        """`Atrium-Read-Path`: compiled, fallback, or mixed (None: nothing executed)."""
        if len(self.read_paths) > 1:
            return "mixed"
        return next(iter(self.read_paths), None)

    @property
    def settings(self) -> Settings:
        return self.state.settings

    def require_actor(self) -> Actor:
        if self.actor is None:
            raise unauthenticated()
        return self.actor

    @property
    def db(self) -> AsyncConnection:
        if self.conn is None:
            raise unauthenticated()
        return self.conn

    @property
    def policy(self) -> Policy:
        return self.require_actor().policy

    @property
    def user_id(self) -> UUID:
        return self.require_actor().user_id

    @property
    def tenant_id(self) -> UUID:
        return self.require_actor().tenant_id

    def scope(self, entity: str) -> str | None:
        """The record scope of this role for an entity: own, team, all (None: no access)."""
        return self.policy.scope(entity)

    def loader(self, name: str, factory: Callable[[Context], L]) -> L:
        """The request's loader called `name`, made by `factory` on first use."""
        loader: L | None = self.loaders.get(name)
        if loader is None:
            loader = self.loaders[name] = factory(self)
        return loader


# What every resolver is given: strawberry's Info, with this request's Context.
Info = strawberry.Info[Context]
