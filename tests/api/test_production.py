"""ATRIUM_ENV=production: no introspection, no GraphiQL, no suggestions that name the schema."""

from __future__ import annotations

import pytest

from api.settings import Settings
from tests.conftest import graphql

INTROSPECTION = (
    '{ __schema { types { name } } __type(name: "Viewer") { fields { name } } }',
    '{ __type(name: "Viewer") { name } }',
)
# each typo is close to a real name that a suggestion would reveal
TYPOS = (
    ("{ viewer { usr { email } } }", "user"),
    ('{ node(idd: "x") { id } }', "'id'"),
    ("{ viewer { ... on Viewr { user { email } } } }", "Viewer"),
    ("query ($a: Strin) { node(id: $a) { id } }", "String"),
)


def test_production_setting_comes_from_the_environment(monkeypatch):
    monkeypatch.setenv("ATRIUM_ENV", "production")
    settings = Settings()
    assert settings.production and not settings.introspection


@pytest.fixture
async def production(make_client):
    return await make_client(env="production")


@pytest.mark.parametrize("query", INTROSPECTION)
async def test_introspection_is_off(production, client, tenant, query):
    result = await graphql(production, query, token=tenant.admin_token)
    assert result.data is None
    assert result.codes and set(result.codes) == {"BAD_USER_INPUT"}
    assert "introspection has been disabled" in result.errors[0]["message"]
    anonymous = await graphql(production, query)
    assert anonymous.data is None and anonymous.errors
    # the same query works in development, so the refusal above is production's doing
    assert (await graphql(client, query, token=tenant.admin_token)).ok()


async def test_graphiql_is_off(production, client):
    browser = {"Accept": "text/html"}
    assert "graphiql" in (await client.get("/graphql", headers=browser)).text.lower()
    response = await production.get("/graphql", headers=browser)
    assert response.status_code == 404
    assert "graphiql" not in response.text.lower().replace("graphiql is off", "")
    assert response.json()["errors"][0]["extensions"]["code"] == "NOT_FOUND"


@pytest.mark.parametrize(("query", "hint"), TYPOS)
async def test_no_suggestions(production, client, tenant, query, hint):
    development = await graphql(client, query, token=tenant.admin_token)
    assert any("Did you mean" in e["message"] for e in development.errors)
    result = await graphql(production, query, token=tenant.admin_token)
    assert result.status < 500 and result.data is None
    assert result.codes and set(result.codes) == {"BAD_USER_INPUT"}
    for error in result.errors:
        assert "Did you mean" not in error["message"]
        assert hint not in error["message"], error


async def test_queries_still_work_in_production(production, tenant):
    data = (
        await graphql(production, "{ viewer { tenant { slug } } }", token=tenant.admin_token)
    ).ok()
    assert data["viewer"]["tenant"]["slug"] == tenant.slug
