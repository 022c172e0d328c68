VIEWER = "{ viewer { user { id email roleKey } tenant { slug name } } }"


async def test_viewer_sees_own_user_and_tenant(gql, tenant, other_tenant):
    data = (await gql(VIEWER, token=tenant.admin_token)).ok()
    assert data["viewer"]["tenant"]["slug"] == tenant.slug
    assert data["viewer"]["user"]["email"] == f"admin@{tenant.slug}.example"
    assert data["viewer"]["user"]["roleKey"] == "tenant_admin"


async def test_anonymous_is_unauthenticated(gql):
    result = await gql(VIEWER)
    assert result.codes == ["UNAUTHENTICATED"]
    assert result.data is None


async def test_token_of_one_tenant_cannot_name_a_user_of_another(gql, tenant, other_tenant):
    # a token claiming tenant A for a user id that exists only in tenant B
    forged = tenant.state.keys.issue(
        tenant.state.settings, tenant_id=tenant.id, user_id=other_tenant.admin_id
    )
    result = await gql(VIEWER, token=forged)
    assert result.codes == ["UNAUTHENTICATED"]
