"""POST /oauth/token (client credentials) and what a partner client's token may do.

Every failure of client authentication is the same `invalid_client` answer, whatever
the reason (unknown id, another tenant's, revoked, wrong or rotated-away secret)."""

from __future__ import annotations

import time

from joserfc import jwt

from tenants.models import users
from tests.support.api_clients import (
    REVOKE_CLIENT,
    ROTATE_SECRET,
    TOKEN_URL,
    access_token,
    basic,
    partner,
    request_token,
)
from tests.support.backoffice import arrange_stock

VIEWER = "{ viewer { user { id name roleKey } tenant { id slug } } }"
PRODUCTS = "{ products(first: 10) { nodes { sku name } } }"


def _refused(response) -> None:
    assert response.status_code == 401, response.text
    assert response.json()["error"] == "invalid_client"
    assert response.headers["www-authenticate"].startswith("Basic ")


async def test_a_client_gets_a_token_both_ways_and_reads_what_its_role_allows(gql, client, tenant):
    await arrange_stock(tenant, {"WID-1": ("10.00", "6.00", 5)})
    issued = await partner(gql, tenant)
    for how in ("basic", "post"):
        response = await request_token(client, issued["clientId"], issued["clientSecret"], how=how)
        assert response.status_code == 200, response.text
        body = response.json()
        assert body["token_type"] == "Bearer"
        assert 0 < body["expires_in"] <= 900
        assert response.headers["cache-control"] == "no-store"
        claims = jwt.decode(body["access_token"], tenant.state.keys.key).claims
        assert claims["client_id"] == issued["clientId"]
        assert claims["tid"] == str(tenant.id)
        assert claims["exp"] - time.time() <= 900
        token = body["access_token"]

        viewer = (await gql(VIEWER, token=token)).ok()["viewer"]
        assert viewer["tenant"]["slug"] == tenant.slug
        assert viewer["user"]["name"] == "Shop sync"
        assert viewer["user"]["roleKey"] == "catalogue_reader"
        nodes = (await gql(PRODUCTS, token=token)).ok()["products"]["nodes"]
        assert [n["sku"] for n in nodes] == ["WID-1"]

    cost = await gql("{ products(first: 10) { nodes { sku unitCost } } }", token=token)
    assert cost.codes == ["FORBIDDEN"] and cost.data["products"]["nodes"][0]["unitCost"] is None
    for elsewhere in ("{ customers { nodes { name } } }", "{ users { nodes { email } } }"):
        assert (await gql(elsewhere, token=token)).codes == ["FORBIDDEN"]


async def test_wrong_unknown_and_foreign_clients_get_the_same_invalid_client(
    gql, client, tenant, other_tenant
):
    issued = await partner(gql, tenant)
    foreign = await partner(gql, other_tenant)
    cid, secret = issued["clientId"], issued["clientSecret"]
    tenant_hex, _, random = cid.partition(".")
    attempts = [
        (cid, secret + "x"),  # wrong secret
        (cid, foreign["clientSecret"]),  # another client's secret
        (f"{tenant_hex}.{'0' * 16}", secret),  # unknown id in the right tenant
        (f"{other_tenant.id.hex}.{random}", secret),  # this id, but under another tenant
        (f"{'0' * 32}.{random}", secret),  # a tenant that does not exist
        ("not-a-client-id", secret),
    ]
    descriptions = set()
    for client_id, given in attempts:
        for how in ("basic", "post"):
            response = await request_token(client, client_id, given, how=how)
            _refused(response)
            descriptions.add(response.json().get("error_description"))
    assert len(descriptions) == 1  # nothing tells the cases apart
    # and the foreign client itself still works in its own tenant
    assert await access_token(client, foreign["clientId"], foreign["clientSecret"])


async def test_a_revoked_client_gets_no_token_and_its_tokens_stop_working(gql, client, tenant):
    issued = await partner(gql, tenant)
    token = await access_token(client, issued["clientId"], issued["clientSecret"])
    assert (await gql(VIEWER, token=token)).ok()
    revoked = await gql(
        REVOKE_CLIENT, {"input": {"id": issued["apiClient"]["id"]}}, token=tenant.admin_token
    )
    assert revoked.ok()["revokeApiClient"]["apiClient"]["revokedAt"]

    _refused(await request_token(client, issued["clientId"], issued["clientSecret"]))
    after = await gql(VIEWER, token=token)
    assert after.status == 401 and after.codes == ["UNAUTHENTICATED"]
    assert after.headers["www-authenticate"] == 'Bearer error="invalid_token"'

    # revocation is final: even were its service user active again, no new token
    async with tenant.session() as conn:
        await conn.execute(users.update().where(users.c.api_client).values(active=True))
    _refused(await request_token(client, issued["clientId"], issued["clientSecret"]))


async def test_rotation_retires_the_old_secret_at_once(gql, client, tenant):
    issued = await partner(gql, tenant)
    rotated = (
        await gql(
            ROTATE_SECRET, {"input": {"id": issued["apiClient"]["id"]}}, token=tenant.admin_token
        )
    ).ok()["rotateApiClientSecret"]
    assert rotated["userErrors"] == []
    assert rotated["clientId"] == issued["clientId"]
    assert rotated["clientSecret"] != issued["clientSecret"]
    _refused(await request_token(client, issued["clientId"], issued["clientSecret"]))
    assert await access_token(client, issued["clientId"], rotated["clientSecret"], how="post")


async def test_malformed_token_requests_are_4xx_in_rfc_6749_shape(gql, client, tenant):
    issued = await partner(gql, tenant)
    auth = basic(issued["clientId"], issued["clientSecret"])
    form = "application/x-www-form-urlencoded"

    async def post(body, content_type=form, headers=auth, url=TOKEN_URL):
        return await client.post(
            url, content=body, headers={**headers, "Content-Type": content_type}
        )

    cases = {
        "missing grant_type": (await post(b""), 400, "invalid_request"),
        "JSON body": (
            await post(b'{"grant_type": "client_credentials"}', "application/json"),
            400,
            "invalid_request",
        ),
        "multipart": (
            await post(b"--x\r\n", "multipart/form-data; boundary=x"),
            400,
            "invalid_request",
        ),
        "other grant": (await post(b"grant_type=password"), 400, "unsupported_grant_type"),
        "repeated parameter": (
            await post(b"grant_type=client_credentials&grant_type=client_credentials"),
            400,
            "invalid_request",
        ),
        "not UTF-8": (await post(b"grant_type=\xff\xfe"), 400, "invalid_request"),
        "two ways of authenticating": (
            await post(b"grant_type=client_credentials&client_id=x&client_secret=y"),
            400,
            "invalid_request",
        ),
        "no client authentication": (
            await post(b"grant_type=client_credentials", headers={}),
            401,
            "invalid_client",
        ),
        "plain http to a remote host": (
            await post(b"grant_type=client_credentials", url="http://partner.example/oauth/token"),
            400,
            "insecure_transport",
        ),
    }
    for name, (response, status, error) in cases.items():
        assert (response.status_code, response.json().get("error")) == (status, error), name
    huge = await post(b"grant_type=client_credentials&pad=" + b"x" * 100_000)
    assert huge.status_code == 413
    assert (await client.get(TOKEN_URL)).status_code == 405


async def test_tls_ended_at_a_trusted_proxy_counts_as_tls(make_client, gql, tenant):
    """X-Forwarded-Proto: https is believed from ATRIUM_TRUSTED_PROXIES only (the test
    client's peer is 127.0.0.1)."""
    issued = await partner(gql, tenant)
    form = {"grant_type": "client_credentials"}
    headers = {**basic(issued["clientId"], issued["clientSecret"]), "X-Forwarded-Proto": "https"}
    url = "http://partner.example/oauth/token"
    behind_proxy = await make_client(trusted_proxies="127.0.0.1")
    assert (await behind_proxy.post(url, data=form, headers=headers)).status_code == 200
    exposed = await make_client(trusted_proxies="")
    refused = await exposed.post(url, data=form, headers=headers)
    assert (refused.status_code, refused.json()["error"]) == (400, "insecure_transport")
