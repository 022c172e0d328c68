"""node(id:): another tenant's row answers exactly like an id that does not exist.

No area registers a Node type on main yet, so this registers a test-only resolver for
`User` that looks the row up through the operation's tenant-bound transaction (RLS does
the hiding) and records what it saw.
"""

from __future__ import annotations

import uuid

import pytest
import sqlalchemy as sa

from api.core.relay import NODE_RESOLVERS, from_global_id, to_global_id
from tenants.models import users

NODE = "query ($id: ID!) { node(id: $id) { id } }"


@pytest.fixture
def user_lookups():
    seen: list[tuple[uuid.UUID, bool]] = []

    async def resolve(ctx, user_id):
        found = await ctx.db.scalar(sa.select(users.c.id).where(users.c.id == user_id))
        seen.append((user_id, found is not None))
        return None  # no User type in the schema yet: report what the database showed

    previous = NODE_RESOLVERS.get("User")
    NODE_RESOLVERS["User"] = ("User", resolve)
    yield seen
    if previous is None:
        del NODE_RESOLVERS["User"]
    else:
        NODE_RESOLVERS["User"] = previous


async def test_other_tenants_node_is_indistinguishable_from_missing(
    gql, tenant, other_tenant, user_lookups
):
    token = tenant.admin_token
    foreign = await gql(NODE, {"id": to_global_id("User", other_tenant.admin_id)}, token=token)
    missing = await gql(NODE, {"id": to_global_id("User", uuid.uuid4())}, token=token)
    unknown_type = await gql(NODE, {"id": to_global_id("Spaceship", uuid.uuid4())}, token=token)
    assert foreign.codes == ["NOT_FOUND"]
    for other in (missing, unknown_type):
        assert (other.status, other.body) == (foreign.status, foreign.body)
    # what is no id at all says so, and nothing about any row
    malformed = await gql(NODE, {"id": "not-an-id"}, token=token)
    assert malformed.codes == ["BAD_USER_INPUT"]
    # the resolver ran for both ids and the database showed nothing for the foreign one
    assert user_lookups == [(other_tenant.admin_id, False), (user_lookups[1][0], False)]

    await gql(NODE, {"id": to_global_id("User", tenant.admin_id)}, token=token)
    assert user_lookups[-1] == (tenant.admin_id, True)


def test_global_ids_round_trip_and_reject_garbage():
    some = uuid.uuid4()
    assert from_global_id(to_global_id("User", some)) == ("User", some)
    assert from_global_id(to_global_id("User", some), "User") == ("User", some)
    for bad in ("", "x", "!!!", to_global_id("User", some)[:-3]):
        with pytest.raises(Exception) as info:
            from_global_id(bad)
        assert info.value.extensions["code"] == "BAD_USER_INPUT"
    with pytest.raises(Exception) as info:
        from_global_id(to_global_id("Role", some), "User")
    assert info.value.extensions["code"] == "NOT_FOUND"
