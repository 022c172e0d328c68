"""Every transaction is bounded in time (api/timeouts.py, tenants/session.py): a
statement over the limit is cancelled by PostgreSQL and answered TIMEOUT, never
INTERNAL, and a mutation cut so wrote nothing. The slow statement is a real one: it
waits for a lock another transaction holds on its table, so no clock is asserted."""

from __future__ import annotations

import functools
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import pytest
import sqlalchemy as sa

from tests.conftest import graphql

CREATE_LEAD = "mutation ($input: CreateLeadInput!) { createLead(input: $input) { lead { id } } }"


@pytest.fixture
async def hurried(make_client: Any) -> Any:
    """`gql` of an app whose statements may run 200 ms."""
    return functools.partial(graphql, await make_client(statement_timeout_ms=200))


@asynccontextmanager
async def leads_held(tenant: Any, table: str = "leads") -> AsyncIterator[None]:
    """Another transaction holding a table: every statement on it waits."""
    async with tenant.session() as conn:
        await conn.execute(sa.text(f"LOCK TABLE {table} IN ACCESS EXCLUSIVE MODE"))
        yield


def _timed_out(result: Any, limit: str = "0.2 s") -> None:
    assert result.codes == ["TIMEOUT"], result.body
    assert result.data is None, result.body
    assert f"{limit} limit" in result.errors[0]["message"], result.body


@pytest.mark.parametrize("compiled", [True, False])
async def test_a_slow_query_is_cut(make_client, tenant, compiled):
    client = await make_client(statement_timeout_ms=200, compiled_reads=compiled)
    async with leads_held(tenant):
        result = await graphql(
            client,
            "{ leads(first: 5) { nodes { id } } viewer { user { id } } }",
            token=tenant.admin_token,
        )
    _timed_out(result)


async def test_a_slow_mutation_is_cut_and_writes_nothing(hurried, gql, tenant):
    async with leads_held(tenant):
        result = await hurried(CREATE_LEAD, {"input": {"name": "Ada"}}, token=tenant.admin_token)
    _timed_out(result)
    leads = await gql("{ leads { nodes { id } } }", token=tenant.admin_token)
    assert leads.ok()["leads"]["nodes"] == []


async def test_the_app_answers_again_after_a_timeout(hurried, tenant):
    async with leads_held(tenant):
        _timed_out(await hurried("{ leads { nodes { id } } }", token=tenant.admin_token))
    assert (await hurried("{ leads { nodes { id } } }", token=tenant.admin_token)).ok()


async def test_a_named_report_gets_the_report_bound(make_client, tenant):
    client = await make_client(statement_timeout_ms=200, report_statement_timeout_ms=300)
    async with leads_held(tenant, "deals"):
        result = await graphql(
            client, "{ pipelineReport { stages { count } } }", token=tenant.admin_token
        )
    _timed_out(result, "0.3 s")
