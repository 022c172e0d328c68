"""Fixtures of the prefetch tests (tests/support/prefetch.py) and of tests of the
ordinary (resolver) read path."""

from __future__ import annotations

import functools
from typing import Any

import pytest

from tests.conftest import graphql
from tests.support.admin import custom_role, holder_of
from tests.support.prefetch import Probe


@pytest.fixture
def probe_with(gql: Any, count_statements: Any, late_relations: list[str]) -> Any:
    """`probe_with(token)`: a Probe acting with `token`."""
    return lambda token: Probe(gql, count_statements, late_relations, token)


@pytest.fixture
def custom_probe(gql: Any, tenant: Any, probe_with: Any) -> Any:
    """`await custom_probe(key, *grants)`: a Probe acting as a new holder of a custom
    role made of `grants`."""

    async def make(key: str, *grants: Any) -> Probe:
        _, token = await holder_of(gql, tenant, await custom_role(gql, tenant, key, *grants))
        return probe_with(token)  # type: ignore[no-any-return]

    return make


@pytest.fixture
async def ordinary_gql(make_client: Any) -> Any:
    """`gql` of an app with the compiled read path off: for tests of what the resolvers
    and their loaders do (the compiled path is held equal to it by tests/differential)."""
    return functools.partial(graphql, await make_client(compiled_reads=False))
