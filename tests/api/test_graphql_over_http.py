"""GraphQL over HTTP, the current spec: the checks of the graphql-http audit
(`serverAudits` of the `graphql-http` package) that Atrium relies on, in Python, so CI
holds them without node. The media type follows `Accept`; with
`application/graphql-response+json` a request error is 400 without `data`, an
execution result 200; with `application/json` every well-formed request is 200."""

from __future__ import annotations

from typing import Any

import pytest

GRAPHQL_RESPONSE = "application/graphql-response+json"
APOLLO_4 = "application/graphql-response+json,application/json;q=0.9"
URQL = "application/graphql-response+json, application/graphql+json, application/json"
VIEWER = "{ viewer { user { email } } }"


async def _post(client: Any, body: Any, accept: str | None, token: str | None = None) -> Any:
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    if accept is not None:
        headers["Accept"] = accept
    else:
        headers["Accept"] = ""  # httpx sends */* unless told otherwise; "" is none given
    if isinstance(body, bytes):
        headers["Content-Type"] = "application/json"
        return await client.post("/graphql", content=body, headers=headers)
    return await client.post("/graphql", json=body, headers=headers)


def _media_type(response: Any) -> str:
    return response.headers["content-type"].split(";")[0].strip()


@pytest.mark.parametrize("accept", [GRAPHQL_RESPONSE, APOLLO_4, URQL])
async def test_a_client_naming_the_graphql_response_type_gets_it(client, tenant, accept):
    for token in (tenant.admin_token, None):  # the lane (a caller), the view (introspection)
        query = VIEWER if token else "{ __typename }"
        response = await _post(client, {"query": query}, accept, token)
        assert response.status_code == 200, response.text
        assert response.headers["content-type"] == f"{GRAPHQL_RESPONSE}; charset=utf-8"
        assert response.json()["data"]
    lane = await _post(
        client, {"query": "{ deals(first: 1) { nodes { id } } }"}, accept, tenant.admin_token
    )
    assert lane.headers["atrium-read-path"] == "compiled"
    assert _media_type(lane) == GRAPHQL_RESPONSE


@pytest.mark.parametrize(
    "accept",
    [
        "application/json",
        "*/*",
        None,
        "application/*",
        "application/graphql-response+json;q=0.5, application/json",
        "text/html, */*;q=0.8",
    ],
)
async def test_every_other_client_gets_json(client, tenant, accept):
    response = await _post(client, {"query": VIEWER}, accept, tenant.admin_token)
    assert response.status_code == 200, response.text
    assert _media_type(response) == "application/json"
    assert response.json()["data"]["viewer"]


REQUEST_ERRORS = [
    pytest.param({"query": "{"}, id="document does not parse"),
    pytest.param({"query": "{ 8f }"}, id="document does not parse (number)"),
    pytest.param({"query": "{ nope }"}, id="document does not validate"),
    pytest.param(
        {
            "query": "query ($n: Int!) { deals(first: $n) { nodes { id } } }",
            "variables": {"n": "x"},
        },
        id="variables do not coerce",
    ),
    pytest.param(
        {"query": "query A { viewer { user { id } } } query B { viewer { user { id } } }"},
        id="operation cannot be chosen",
    ),
]


@pytest.mark.parametrize("body", REQUEST_ERRORS)
async def test_request_errors_are_400_without_data_in_the_graphql_response_type(
    client, tenant, body
):
    response = await _post(client, body, GRAPHQL_RESPONSE, tenant.admin_token)
    assert response.status_code == 400, response.text
    assert _media_type(response) == GRAPHQL_RESPONSE
    answer = response.json()
    assert "data" not in answer
    assert [e["extensions"]["code"] for e in answer["errors"]] == ["BAD_USER_INPUT"]


@pytest.mark.parametrize("body", REQUEST_ERRORS)
async def test_request_errors_are_200_without_data_in_json(client, tenant, body):
    response = await _post(client, body, "application/json", tenant.admin_token)
    assert response.status_code == 200, response.text
    assert _media_type(response) == "application/json"
    answer = response.json()
    assert "data" not in answer and answer["errors"]


async def test_a_field_error_is_an_execution_result(client, tenant):
    """A field's bad argument fails that field only: data is there, so 200."""
    body = {"query": '{ node(id: "garbage") { id } viewer { user { email } } }'}
    response = await _post(client, body, GRAPHQL_RESPONSE, tenant.admin_token)
    assert response.status_code == 200, response.text
    answer = response.json()
    assert answer["data"]["node"] is None and answer["data"]["viewer"]
    [error] = answer["errors"]
    assert error["path"] == ["node"] and error["extensions"]["code"] == "BAD_USER_INPUT"


@pytest.mark.parametrize(
    "body",
    [
        b"{not json",
        b'{"query": 42}',
        b'{"query": "{ __typename }", "variables": "nope"}',
        b'{"query": "{ __typename }", "extensions": 0}',
        b'{"query": "{ __typename }", "extensions": false}',
        b"{}",
        b'{"query": "{ __typename }", "operationName": "Missing"}',  # strawberry's refusal
    ],
)
async def test_malformed_requests_are_400_in_either_type(client, tenant, body):
    for accept in (GRAPHQL_RESPONSE, "application/json"):
        response = await _post(client, body, accept, tenant.admin_token)
        assert response.status_code == 400, (accept, response.text)
        assert "data" not in response.json()


async def test_refusals_of_the_whole_request_carry_no_data(client):
    response = await _post(client, {"query": VIEWER}, GRAPHQL_RESPONSE)
    assert response.status_code == 401
    assert _media_type(response) == GRAPHQL_RESPONSE
    answer = response.json()
    assert "data" not in answer and answer["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"


@pytest.mark.parametrize(
    "accept", ["text/html", "image/png", "application/graphql-response+json;q=0, text/plain"]
)
async def test_an_accept_admitting_neither_type_is_406(client, tenant, accept):
    response = await _post(client, {"query": VIEWER}, accept, tenant.admin_token)
    assert response.status_code == 406, response.text
    [error] = response.json()["errors"]
    assert GRAPHQL_RESPONSE in error["message"]


async def test_a_browser_still_gets_the_page(client):
    page = await client.get("/graphql", headers={"Accept": "text/html"})
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
