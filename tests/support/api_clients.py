"""Partner API clients in tests: GraphQL documents, making a client, getting a token."""

from __future__ import annotations

import base64
from typing import Any

from tests.support.admin import ERRORS, custom_role, grant

CLIENT = "id name clientId createdAt secretRotatedAt revokedAt version role { id key }"
CREATE_CLIENT = f"""mutation($input: CreateApiClientInput!) {{
  createApiClient(input: $input) {{ apiClient {{ {CLIENT} }} clientId clientSecret {ERRORS} }} }}"""
ROTATE_SECRET = f"""mutation($input: ApiClientInput!) {{
  rotateApiClientSecret(input: $input) {{ apiClient {{ {CLIENT} }} clientId clientSecret {ERRORS} }} }}"""
REVOKE_CLIENT = f"""mutation($input: ApiClientInput!) {{
  revokeApiClient(input: $input) {{ apiClient {{ {CLIENT} }} {ERRORS} }} }}"""
CLIENTS = f"""{{ apiClients(first: 50) {{ nodes {{ {CLIENT} }} }} }}"""

# the narrow role partners usually get: the product catalogue's sku and name, no more
CATALOGUE_READER = grant("Product", ["read"], read=["sku", "name"])
# OAuth2 requires TLS; authlib refuses plain http to a host that is not loopback
TOKEN_URL = "https://test/oauth/token"


async def create_client(gql: Any, token: str, name: str, role_id: str) -> dict[str, Any]:
    """The createApiClient payload (asserting no top-level errors)."""
    variables = {"input": {"name": name, "roleId": role_id}}
    return (await gql(CREATE_CLIENT, variables, token=token)).ok()["createApiClient"]  # type: ignore[no-any-return]


async def partner(gql: Any, tenant: Any, key: str = "catalogue_reader") -> dict[str, Any]:
    """A client of `tenant` under a new narrow custom role, created by its admin."""
    role = await custom_role(gql, tenant, key, CATALOGUE_READER)
    payload = await create_client(gql, tenant.admin_token, "Shop sync", role["id"])
    assert payload["userErrors"] == [], payload
    return payload


def basic(client_id: str, secret: str) -> dict[str, str]:
    raw = f"{client_id}:{secret}".encode()
    return {"Authorization": "Basic " + base64.b64encode(raw).decode()}


async def request_token(client: Any, client_id: str, secret: str, *, how: str = "basic") -> Any:
    """POST /oauth/token with client_secret_basic or client_secret_post; the response."""
    form = {"grant_type": "client_credentials"}
    if how == "basic":
        return await client.post(TOKEN_URL, data=form, headers=basic(client_id, secret))
    form |= {"client_id": client_id, "client_secret": secret}
    return await client.post(TOKEN_URL, data=form)


async def access_token(client: Any, client_id: str, secret: str, *, how: str = "basic") -> str:
    response = await request_token(client, client_id, secret, how=how)
    assert response.status_code == 200, response.text
    return str(response.json()["access_token"])
