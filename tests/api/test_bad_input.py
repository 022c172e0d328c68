"""Bad input gets a 4xx or a GraphQL error with extensions.code and a useful message, never a 500."""

from __future__ import annotations

import pytest

from tests.conftest import graphql

VIEWER = "{ viewer { user { email } } }"


def _error(response) -> dict:
    assert response.status_code < 500, response.text
    assert response.headers["content-type"].startswith("application/"), response.headers
    body = response.json()
    assert body["errors"], body
    error = body["errors"][0]
    assert error["extensions"]["code"] in {"BAD_USER_INPUT", "NOT_FOUND"}, body
    assert len(error["message"]) > 10, body
    return error


async def _post(client, token, *, content=None, json=None, headers=None):
    headers = {"Authorization": f"Bearer {token}", **(headers or {})}
    if json is not None:
        return await client.post("/graphql", json=json, headers=headers)
    headers.setdefault("Content-Type", "application/json")
    return await client.post("/graphql", content=content, headers=headers)


@pytest.mark.parametrize(
    ("body", "hint"),
    [
        (b"{not json", "not valid JSON"),
        (b"", "not valid JSON"),
        (b"\xff\xfe\x00", "not valid JSON"),
        (b"[1, 2]", "Batching is off"),
        (b'"a string"', "Expected a JSON object"),
        (b"42", "Expected a JSON object"),
        (b"null", "Expected a JSON object"),
        (b"{}", "No GraphQL query"),
        (b'{"query": null}', "No GraphQL query"),
        (b'{"query": 42}', "`query` must be a string"),
        (b'{"query": ["{ viewer { tenant { slug } } }"]}', "`query` must be a string"),
        (b'{"query": "{ viewer { user { email } } }", "variables": "nope"}', "`variables`"),
        (b'{"query": "{ viewer { user { email } } }", "variables": [1]}', "`variables`"),
        (b'{"query": "{ viewer { user { email } } }", "operationName": 5}', "operation"),
        (b'{"query": "{ viewer { user { email } } }", "extensions": 5}', "`extensions`"),
    ],
)
async def test_malformed_bodies(client, tenant, body, hint):
    response = await _post(client, tenant.admin_token, content=body)
    assert response.status_code == 400, response.text
    assert hint.lower() in _error(response)["message"].lower()


async def test_wrong_content_type(client, tenant):
    response = await _post(
        client, tenant.admin_token, content=b"query=1", headers={"Content-Type": "text/plain"}
    )
    assert 400 <= response.status_code < 500
    _error(response)


async def test_oversized_body_by_content_length(client, tenant, settings):
    big = (
        b'{"query": "' + b" " * (settings.max_body_bytes + 10) + b'{ viewer { user { email } } }"}'
    )
    response = await _post(client, tenant.admin_token, content=big)
    assert response.status_code == 413
    assert "bytes" in _error(response)["message"]


async def test_oversized_body_chunked(client, tenant, settings):
    async def chunks():
        yield b'{"query": "'
        for _ in range(settings.max_body_bytes // 10_000 + 2):
            yield b" " * 10_000
        yield b'{ viewer { user { email } } }"}'

    response = await client.post(
        "/graphql",
        content=chunks(),
        headers={
            "Authorization": f"Bearer {tenant.admin_token}",
            "Content-Type": "application/json",
        },
    )
    assert response.status_code == 413
    _error(response)


async def test_lying_content_length(client, tenant):
    response = await _post(
        client, tenant.admin_token, content=b"{}", headers={"Content-Length": "abc"}
    )
    assert 400 <= response.status_code < 500


@pytest.mark.parametrize(
    "query", ["{ viewer { ", "{}", "{ viewer { } }", "query Q { ...F } fragment F on Query {}"]
)
async def test_query_syntax_error(gql, tenant, query):
    result = await gql(query, token=tenant.admin_token)
    assert result.codes == ["BAD_USER_INPUT"]
    assert "Syntax Error" in result.errors[0]["message"]


async def test_unknown_field(gql, tenant):
    result = await gql("{ viewer { salary } }", token=tenant.admin_token)
    assert result.codes == ["BAD_USER_INPUT"]
    assert "salary" in result.errors[0]["message"]


async def test_depth_limit(make_client, tenant):
    client = await make_client(max_query_depth=1)
    shallow = await graphql(client, "{ viewer { __typename } }", token=tenant.admin_token)
    assert shallow.ok()
    deep = "{ viewer { permissions { entity } ...F } } fragment F on Viewer { user { email } }"
    result = await graphql(client, deep, token=tenant.admin_token)
    assert result.status < 500
    assert result.codes and set(result.codes) == {"BAD_USER_INPUT"}, result.body
    assert "exceeds maximum operation depth of 1" in result.errors[0]["message"]
    assert result.data is None


async def test_cost_limit(make_client, tenant):
    client = await make_client(max_query_cost=4)
    assert (await graphql(client, "{ viewer { user { email } } }", token=tenant.admin_token)).ok()
    result = await graphql(
        client, "{ viewer { user { email } tenant { slug } } }", token=tenant.admin_token
    )
    assert result.status < 500 and result.data is None
    assert result.codes == ["BAD_USER_INPUT"], result.body
    assert "Query cost 5 is over the limit of 4" in result.errors[0]["message"]


async def test_alias_limit(gql, tenant, settings):
    aliases = " ".join(
        f"a{i}: viewer {{ tenant {{ slug }} }}" for i in range(settings.max_aliases + 1)
    )
    result = await gql("{ " + aliases + " }", token=tenant.admin_token)
    assert result.codes and set(result.codes) == {"BAD_USER_INPUT"}, result.body
    assert "aliases" in result.errors[0]["message"]


async def test_token_limit(gql, tenant, settings):
    fields = " ".join(["__typename"] * (settings.max_tokens + 1))
    result = await gql("{ " + fields + " }", token=tenant.admin_token)
    assert result.codes == ["BAD_USER_INPUT"], result.body
    assert "token" in result.errors[0]["message"].lower()


async def test_unknown_operation_name(gql, tenant):
    result = await gql(
        "query A { viewer { tenant { slug } } }", token=tenant.admin_token, operationName="B"
    )
    assert result.status < 500
    assert result.codes == ["BAD_USER_INPUT"], result.body
    assert "B" in result.errors[0]["message"]


async def test_several_operations_without_a_name(gql, tenant):
    query = "query A { viewer { tenant { slug } } } query B { viewer { user { email } } }"
    result = await gql(query, token=tenant.admin_token)
    assert result.status < 500
    assert result.codes == ["BAD_USER_INPUT"], result.body
    named = await gql(query, token=tenant.admin_token, operationName="B")
    assert named.ok()["viewer"]["user"]["email"]


async def test_get_with_a_mutation(client, tenant):
    response = await client.get(
        "/graphql",
        params={"query": "mutation { __typename }"},
        headers={"Authorization": f"Bearer {tenant.admin_token}"},
    )
    assert response.status_code == 405
    assert response.headers["allow"] == "POST"
    assert "POST" in _error(response)["message"]


async def test_get_with_a_query(client, tenant):
    response = await client.get(
        "/graphql",
        params={"query": "{ viewer { tenant { slug } } }"},
        headers={"Authorization": f"Bearer {tenant.admin_token}", "Accept": "application/json"},
    )
    assert response.status_code == 200, response.text
    assert response.json()["data"]["viewer"]["tenant"]["slug"] == tenant.slug


async def test_variables_of_the_wrong_type(gql, tenant):
    result = await gql(
        "query ($id: ID!) { node(id: $id) { id } }", {"id": {"a": 1}}, token=tenant.admin_token
    )
    assert result.codes == ["BAD_USER_INPUT"], result.body
    assert "$id" in result.errors[0]["message"]
    missing = await gql("query ($id: ID!) { node(id: $id) { id } }", {}, token=tenant.admin_token)
    assert missing.codes == ["BAD_USER_INPUT"], missing.body


async def test_batching_is_off(client, tenant):
    response = await _post(client, tenant.admin_token, json=[{"query": VIEWER}, {"query": VIEWER}])
    assert 400 <= response.status_code < 500
    _error(response)
