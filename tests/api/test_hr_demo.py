"""The demo org chart: every demo user is an employee, and the chart is a tree."""

from __future__ import annotations

from domain.demo import DemoSeed
from domain.hr import demo
from tenants.access.builtin import ADMIN_ROLE, BUILTIN_ROLES


async def test_demo_links_every_demo_user_to_an_employee(gql, tenant):
    users = {ADMIN_ROLE: tenant.admin_id}
    for role in BUILTIN_ROLES:
        if role.key != ADMIN_ROLE:
            users[role.key] = await tenant.user(role.key)
    async with tenant.session() as conn:
        await demo.seed(DemoSeed(conn, tenant.id, tenant.slug, users))
    for role, user in users.items():
        own = await gql("{ viewer { employee { name salary title } } }", token=tenant.token(user))
        assert own.ok()["viewer"]["employee"]["salary"] is not None, role
    data = (
        await gql(
            "{ employees(first: 50) { edges { node { id manager { id } department { name manager { id } } } } }"
            " departments { edges { node { name parent { name } manager { name } } } } }",
            token=tenant.admin_token,
        )
    ).ok()
    nodes = [e["node"] for e in data["employees"]["edges"]]
    assert 15 <= len(nodes) <= 25
    managers = {n["id"]: (n["manager"] or {}).get("id") for n in nodes}
    assert list(managers.values()).count(None) == 1  # one chief, everyone else reports to someone
    for start in managers:  # every chain ends at the chief
        seen, at = set(), start
        while at is not None:
            assert at not in seen
            seen.add(at)
            at = managers[at]
    departments = [e["node"] for e in data["departments"]["edges"]]
    assert all(d["manager"] for d in departments)
    assert [d["name"] for d in departments if d["parent"] is None] == ["Management"]
