"""Which requests the query lane (api/query_lane.py) answers itself and which it leaves
to strawberry's view. The differential test proves the lane's answers equal the view's;
this proves the lane is the one answering them (a lane that declined everything would
pass the differential test too)."""

from __future__ import annotations

from typing import Any

import pytest

from api.graphql_app import GraphQLApp
from tests.conftest import graphql

DEALS = "{ deals(first: 2) { edges { node { id title } } } }"


@pytest.fixture
async def views(monkeypatch: Any) -> list[str]:
    """The requests strawberry's view answered (by method), recorded."""
    seen: list[str] = []
    view = GraphQLApp.run

    async def recorded(self: GraphQLApp, request: Any, *args: Any, **kw: Any) -> Any:
        seen.append(request.method)
        return await view(self, request, *args, **kw)

    monkeypatch.setattr(GraphQLApp, "run", recorded)
    return seen


@pytest.fixture
async def compiled(make_client: Any) -> Any:
    return await make_client(compiled_reads=True)


async def test_a_plain_query_is_answered_without_the_view(
    compiled: Any, tenant: Any, views: list[str]
) -> None:
    result = await graphql(compiled, DEALS, token=tenant.admin_token)
    assert result.ok() == {"deals": {"edges": []}}
    assert result.headers["atrium-read-path"] == "compiled"
    # a field the planner does not cover runs its resolver inside the lane
    viewer = await graphql(compiled, "{ viewer { user { name } } }", token=tenant.admin_token)
    assert viewer.ok()["viewer"]["user"]["name"]
    # a text that does not validate yet, then does: validated by the lane itself
    again = await graphql(compiled, DEALS + " ", token=tenant.admin_token)
    assert again.ok() and views == []


async def test_what_the_lane_leaves_to_the_view(
    compiled: Any, tenant: Any, views: list[str]
) -> None:
    token = tenant.admin_token
    auth = {"Authorization": f"Bearer {token}"}
    mutation = 'mutation { createLead(input: {name: "Lane"}) { userErrors { code } } }'
    assert (await graphql(compiled, mutation, token=token)).status == 200
    assert (await compiled.get("/graphql", params={"query": DEALS}, headers=auth)).is_success
    persisted = {"persistedQuery": {"version": 1, "sha256Hash": "0" * 64}}
    await graphql(compiled, DEALS, token=token, extensions=persisted)
    assert (await graphql(compiled, "{ nope }", token=token)).codes == ["BAD_USER_INPUT"]
    two = "query A { viewer { user { name } } } query B { viewer { user { name } } }"
    assert (await graphql(compiled, two, token=token)).codes == ["BAD_USER_INPUT"]
    bad_variable = "query($n: Int!) { deals(first: $n) { edges { cursor } } }"
    assert (await graphql(compiled, bad_variable, {"n": "x"}, token=token)).codes
    assert (await graphql(compiled, DEALS)).codes == ["UNAUTHENTICATED"]
    streamed = await compiled.post(
        "/graphql", json={"query": DEALS}, headers={**auth, "Accept": "multipart/mixed"}
    )
    assert streamed.status_code < 500
    assert views == ["POST", "GET", "POST", "POST", "POST", "POST", "POST", "POST"]
