"""Admin lists fetch a page and its nested relations in a fixed number of statements."""

from api.core.relay import to_global_id
from tests.support.admin import DEACTIVATE, REACTIVATE

PAGES = {
    "users": "query($n: Int) { users(first: $n) { nodes { email role { key userCount permissions { entity } } } } }",
    "roles": "query($n: Int) { roles(first: $n) { nodes { key userCount permissions { entity actions } } } }",
    "auditEvents": "query($n: Int) { auditEvents(first: $n) { nodes { action actor { email role { key } } changes { field } } } }",
}


async def test_page_size_does_not_change_the_statement_count(gql, tenant, count_statements):
    roles = ("sales_rep", "accountant", "warehouse", "hr_manager", "sales_manager")
    users = [to_global_id("User", await tenant.user(role)) for role in roles]
    for user in users:
        # audit events with an actor, so the page loads actors and their roles
        await gql(DEACTIVATE, {"input": {"id": user}}, token=tenant.admin_token)
        await gql(REACTIVATE, {"input": {"id": user}}, token=tenant.admin_token)
    for name, query in PAGES.items():
        counts = []
        for size in (1, 6):
            with count_statements() as counter:
                data = (await gql(query, {"n": size}, token=tenant.admin_token)).ok()
            assert len(data[name]["nodes"]) == size
            if name == "auditEvents":
                assert all(n["actor"]["role"]["key"] for n in data[name]["nodes"])
            counts.append(counter.count)
        assert counts[0] == counts[1], (name, counts)
