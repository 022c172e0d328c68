"""One tenant with every area's demo data, a user per built-in role and one holding a
custom role, and the two apps the differential test compares: compiled reads on and
off. Built once for the package: the corpus only reads."""

from __future__ import annotations

import os
import uuid
from collections.abc import AsyncIterator
from contextlib import AsyncExitStack
from dataclasses import dataclass
from typing import Any

import graphql
import pytest

from domain.tenancy import provision_tenant
from tests.conftest import TenantHandle
from tests.conftest import graphql as send
from tests.support.admin import custom_role, holder_of
from tests.support.demo import seed_every_area
from tests.support.differential import CUSTOM, CUSTOM_GRANTS, TALLY, Differential, app_client
from tests.support.fuzz import SDL
from tests.support.seeded import Seeded, collect


@dataclass
class World:
    tenant: TenantHandle
    schema: graphql.GraphQLSchema
    seeded: Seeded
    differential: Differential
    admin_gql: Any  # `await admin_gql(query, variables)` as the tenant admin, compiled off


async def _demo_tenant(engine: Any, state: Any) -> TenantHandle:
    slug = f"diff{os.getpid()}-{uuid.uuid4().hex[:6]}"
    async with engine.begin() as conn:
        made = await provision_tenant(
            conn, slug=slug, name="Compared", admin_email=f"admin@{slug}.example"
        )
    return TenantHandle(
        id=made.id, slug=slug, admin_id=made.admin_user_id, engine=engine, state=state
    )


@pytest.fixture(scope="package")
async def world(settings: Any, engine: Any, state: Any) -> AsyncIterator[World]:
    tenant = await _demo_tenant(engine, state)
    users = await seed_every_area(tenant)
    tokens = {role: tenant.token(user) for role, user in users.items()}
    async with AsyncExitStack() as stack:
        reference = await stack.enter_async_context(
            app_client(settings, engine, compiled_reads=False)
        )
        compiled = await stack.enter_async_context(
            app_client(settings, engine, compiled_reads=True)
        )

        async def gql(query: str, variables: Any = None, *, token: str = tenant.admin_token) -> Any:
            return await send(reference, query, variables, token=token)

        role = await custom_role(gql, tenant, CUSTOM, *CUSTOM_GRANTS)
        tokens[CUSTOM] = (await holder_of(gql, tenant, role))[1]
        schema = graphql.build_schema(SDL.read_text())
        seeded = await collect(gql, tenant.admin_token, schema)
        yield World(tenant, schema, seeded, Differential(reference, compiled, tokens), gql)


def pytest_terminal_summary(terminalreporter: Any) -> None:
    """Which read path the compiled client's answers took, per corpus part and role."""
    if TALLY.requests:
        terminalreporter.section("differential: read paths of compiled_reads=True")
        for line in TALLY.lines():
            terminalreporter.write_line(line)
