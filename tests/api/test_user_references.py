"""One user is one GraphQL type, `User`, wherever the API shows them: `users(...)`,
`deal.owner` and the other owners and assignees, `viewer.user`. Field policy does the
hiding: any role that reads a deal reads its owner's referable fields (`name`), only
a role granted User reads the rest, and the viewer reads their own account."""

from api.core.relay import to_global_id
from tests.support.admin import custom_role, grant, holder_of
from tests.support.backoffice import order_widgets, widgets_and_customer
from tests.support.crm import create_customer, create_deal

USERS = "{ users { nodes { __typename id name email roleKey } } }"
DEAL_OWNERS = "{ deals { nodes { owner { __typename id name } } } }"
OWNER_EMAIL = "{ deals { nodes { owner { id name email } } } }"
NODE = "query($id: ID!) { node(id: $id) { id ... on User { name } } }"


async def _rep_deal(gql, tenant, name="Rita Rep"):
    """A deal of a new sales rep called `name`; the rep's id and token."""
    rep = await tenant.user("sales_rep", name=name)
    token = tenant.token(rep)
    customer = await create_customer(gql, token)
    await create_deal(gql, token, customer["id"])
    return rep, token


async def test_deal_owner_and_users_are_the_same_type_with_the_same_id(gql, tenant):
    rep, _ = await _rep_deal(gql, tenant)
    listed = (await gql(USERS, token=tenant.admin_token)).ok()["users"]["nodes"]
    owners = (await gql(DEAL_OWNERS, token=tenant.admin_token)).ok()["deals"]["nodes"]
    user = next(u for u in listed if u["id"] == to_global_id("User", rep))
    assert owners == [
        {"owner": {"__typename": user["__typename"], "id": user["id"], "name": "Rita Rep"}}
    ]
    assert user["__typename"] == "User" and user["roleKey"] == "sales_rep"


async def test_admin_reads_every_field_of_an_owner(gql, tenant):
    await _rep_deal(gql, tenant)
    query = "{ deals { nodes { owner { email active roleKey role { key } } } } }"
    owner = (await gql(query, token=tenant.admin_token)).ok()["deals"]["nodes"][0]["owner"]
    assert owner["active"] is True and owner["roleKey"] == "sales_rep"
    assert owner["role"] == {"key": "sales_rep"} and owner["email"].startswith("sales_rep.")


async def test_every_role_reading_a_record_reads_its_owners_name_and_nothing_more(gql, tenant):
    rep, rep_token = await _rep_deal(gql, tenant)
    stock, customer = await widgets_and_customer(tenant)
    await order_widgets(gql, rep_token, stock, customer)
    rep_id = to_global_id("User", rep)
    readers = {
        # a rep sees every customer, among them the admin's; its owner is the admin
        "sales_rep": (
            "customers",
            "{ customers { nodes { owner { __typename id name email } } } }",
        ),
        "accountant": ("deals", "{ deals { nodes { owner { __typename id name email } } } }"),
        "warehouse": ("orders", "{ orders { nodes { owner { __typename id name email } } } }"),
    }
    for role, (root, query) in readers.items():
        result = await gql(query, token=await tenant.token_for(role))
        owners = [n["owner"] for n in result.data[root]["nodes"] if n["owner"] is not None]
        assert owners and all(o["__typename"] == "User" and o["email"] is None for o in owners), (
            role
        )
        assert result.codes == ["FORBIDDEN"] * len(owners), role
        assert all(p[-2:] == ["owner", "email"] for p in result.error_paths()), role
        assert [o["id"] for o in owners] == [rep_id] and owners[0]["name"] == "Rita Rep", role


async def test_other_roles_are_still_refused_users_and_node_of_a_user(gql, tenant):
    rep, _ = await _rep_deal(gql, tenant)
    for role in ("sales_rep", "accountant", "warehouse"):
        token = await tenant.token_for(role)
        listed = await gql(USERS, token=token)
        assert listed.codes == ["FORBIDDEN"] and listed.data == {"users": None}, role
        node = await gql(NODE, {"id": to_global_id("User", rep)}, token=token)
        assert node.codes == ["FORBIDDEN"] and node.data == {"node": None}, role


async def test_a_field_only_referable_shows_on_a_reference_not_in_the_users_list(gql, tenant):
    """A role granted User email (not name) and Deal: the same fragment shows name on a
    deal's owner and refuses it in `users`, its own row included."""
    role = await custom_role(
        gql,
        tenant,
        "emails_and_deals",
        grant("User", ["read"], ["email"]),
        grant("Deal", ["read"], ["title", "owner"]),
    )
    await _rep_deal(gql, tenant)
    _, token = await holder_of(gql, tenant, role)
    query = """{ users { nodes { email ...U } } deals { nodes { owner { email ...U } } } }
               fragment U on User { n: name }"""
    result = await gql(query, token=token)
    users = result.data["users"]["nodes"]
    assert users and all(u["n"] is None and u["email"] for u in users)
    assert result.data["deals"]["nodes"][0]["owner"]["n"] == "Rita Rep"
    assert all(p[0] == "users" and p[-1] == "n" for p in result.error_paths("FORBIDDEN"))
    assert len(result.error_paths("FORBIDDEN")) == len(users)


async def test_own_scope_on_users_is_kept_on_owners_reached_through_a_deal(gql, tenant):
    """User read with scope `own` shows granted fields on the viewer's own row only: a
    colleague met as a deal's owner shows their name, not their `active`."""
    role = await custom_role(
        gql,
        tenant,
        "self_and_deals",
        grant("User", ["read"], ["email", "active"], scope="own"),
        grant("Deal", ["read"], ["title", "owner"]),
    )
    await _rep_deal(gql, tenant)
    _, token = await holder_of(gql, tenant, role)
    result = await gql("{ deals { nodes { owner { name active } } } }", token=token)
    assert result.data["deals"]["nodes"] == [{"owner": {"name": "Rita Rep", "active": None}}]
    assert result.codes == ["FORBIDDEN"]
    mine = (await gql("{ users { nodes { email active } } }", token=token)).ok()["users"]["nodes"]
    assert len(mine) == 1 and mine[0]["active"] is True


async def test_viewer_user_is_the_same_user_and_shows_the_callers_own_account(gql, tenant):
    rep, _ = await _rep_deal(gql, tenant)
    query = "{ viewer { user { __typename id email name roleKey } } " + DEAL_OWNERS[1:]
    data = (await gql(query, token=tenant.token(rep))).ok()
    me = data["viewer"]["user"]
    assert me["__typename"] == "User" and me["id"] == to_global_id("User", rep)
    assert me["roleKey"] == "sales_rep" and me["name"] == "Rita Rep" and me["email"]
    assert data["deals"]["nodes"][0]["owner"] == {
        "__typename": "User",
        "id": me["id"],
        "name": "Rita Rep",
    }
    # what the viewer never saw of themselves stays hidden
    hidden = await gql(
        "{ viewer { user { active createdAt role { key } } } }", token=tenant.token(rep)
    )
    assert hidden.data["viewer"]["user"] == {"active": None, "createdAt": None, "role": None}
    assert sorted(p[-1] for p in hidden.error_paths("FORBIDDEN")) == ["active", "createdAt", "role"]


async def test_viewer_permissions_name_the_user_fields_a_role_reads_and_where(gql, tenant):
    query = """{ viewer { permissions {
        entity readableFields ownRecordFields referenceFields } } }"""
    for role, readable, own, reference in (
        ("sales_rep", [], ["email", "roleKey"], ["name"]),
        (
            "tenant_admin",
            ["email", "name", "active", "roleKey", "role", "createdAt", "version"],
            [],
            [],
        ),
    ):
        token = await tenant.token_for(role)
        permissions = (await gql(query, token=token)).ok()["viewer"]["permissions"]
        user = next(p for p in permissions if p["entity"] == "User")
        assert (
            sorted(user["readableFields"]),
            user["ownRecordFields"],
            user["referenceFields"],
        ) == (
            sorted(readable),
            own,
            reference,
        ), role
