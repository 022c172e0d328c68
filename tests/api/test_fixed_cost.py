"""The fixed cost of a request: what every request pays before and around its own reads."""

from __future__ import annotations

import pytest
from graphql import DocumentNode

from api import extensions, viewer
from tests.support.admin import custom_role, grant, holder_of

# bench/workloads.py V0: the smallest authenticated request
V0 = "query V0 { viewer { user { id name roleKey } tenant { name } } }"


async def test_a_viewer_that_does_not_ask_for_permissions_does_not_compute_them(
    gql, tenant, monkeypatch
):
    # they walk every field of the catalog: several times the cost of the rest of V0
    def unwanted(**fields):
        raise AssertionError("permissions computed though not selected")

    monkeypatch.setattr(viewer.types, "EntityPermission", unwanted)
    data = (await gql(V0, token=await tenant.token_for("sales_rep"))).ok()
    assert data["viewer"]["user"]["roleKey"] == "sales_rep"


@pytest.mark.parametrize("role_key", ["sales_rep", "custom"])
async def test_binding_the_tenant_and_loading_the_actor_is_one_statement(
    gql, tenant, count_statements, role_key
):
    if role_key == "custom":
        role = await custom_role(gql, tenant, "fixed_cost", grant("Customer", ["read"]))
        _, token = await holder_of(gql, tenant, role)
    else:
        token = await tenant.token_for(role_key)
    (await gql(V0, token=token)).ok()  # the role's policy is compiled once, then cached
    with count_statements() as counted:
        (await gql(V0, token=token)).ok()
    # one that binds the tenant and loads the actor, one for the viewer's user and tenant
    assert counted.count == 2, counted.statements


async def test_a_known_query_text_is_neither_parsed_nor_hashed_again(gql, tenant, monkeypatch):
    token = await tenant.token_for("sales_rep")
    (await gql(V0, token=token)).ok()

    # a frozen dataclass, a document hashes its whole tree: a cache keyed by the
    # document would pay for that on every request
    def unwanted(*args, **kwargs):
        raise AssertionError("a known document parsed or hashed again")

    monkeypatch.setattr(DocumentNode, "__hash__", unwanted)
    monkeypatch.setattr(extensions, "parse", unwanted)
    assert (await gql(V0, token=token)).ok()["viewer"]["user"]["roleKey"] == "sales_rep"


async def test_an_invalid_document_is_refused_again_from_the_cache(gql, tenant):
    token = await tenant.token_for("sales_rep")
    for _ in range(2):
        result = await gql("{ viewer { nope } }", token=token)
        assert result.codes == ["BAD_USER_INPUT"], result.body
        assert "nope" in result.errors[0]["message"]
