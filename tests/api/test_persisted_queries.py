"""Persisted operations (api/persisted.py): Apollo's automatic persisted queries over
POST and GET, with the hash of the exact query text, and the operator's allow-list
(`ATRIUM_PERSISTED_ONLY`, `atrium persisted add`)."""

from __future__ import annotations

import hashlib
import json

from api.cli import _operations_in, _persisted_add

VIEWER = "query Me { viewer { user { email } } }"
CREATE_LEAD = """mutation Lead($input: CreateLeadInput!) {
  createLead(input: $input) { lead { name } } }"""


def sha(text):
    return hashlib.sha256(text.encode()).hexdigest()


def persisted(text):
    return {"persistedQuery": {"version": 1, "sha256Hash": sha(text)}}


async def post(client, token, body):
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    response = await client.post("/graphql", json=body, headers=headers)
    return response.status_code, response.json()


async def get(client, token, extensions, variables=None):
    params = {"extensions": json.dumps(extensions), "variables": json.dumps(variables or {})}
    response = await client.get(
        "/graphql", params=params, headers={"Authorization": f"Bearer {token}"}
    )
    return response.status_code, response.json()


def codes(body):
    return [e["extensions"]["code"] for e in body.get("errors", [])]


async def test_apollo_round_trip(client, tenant):
    token = tenant.admin_token
    email = {"viewer": {"user": {"email": f"admin@{tenant.slug}.example"}}}
    # the hash alone, unknown: what Apollo's link answers by sending the text
    status, body = await post(client, token, {"extensions": persisted(VIEWER)})
    assert status == 200 and body["data"] is None
    assert [e["message"] for e in body["errors"]] == ["PersistedQueryNotFound"]
    assert codes(body) == ["PERSISTED_QUERY_NOT_FOUND"]
    # the hash with the text: registered and run
    status, body = await post(client, token, {"query": VIEWER, "extensions": persisted(VIEWER)})
    assert (status, body) == (200, {"data": email})
    # from now on the hash alone runs it, over POST and over GET
    assert await post(client, token, {"extensions": persisted(VIEWER)}) == (200, {"data": email})
    assert await get(client, token, persisted(VIEWER)) == (200, {"data": email})


async def test_a_hash_registered_reaches_every_replica(client, make_client, tenant):
    token = tenant.admin_token
    text = "query Other { viewer { tenant { name } } }"
    await post(client, token, {"query": text, "extensions": persisted(text)})
    other_replica = await make_client()
    status, body = await post(other_replica, token, {"extensions": persisted(text)})
    assert status == 200 and body == {"data": {"viewer": {"tenant": {"name": "Tenant A"}}}}


async def test_a_hash_that_does_not_match_the_text_is_refused(client, tenant):
    token = tenant.admin_token
    body = {"query": VIEWER, "extensions": persisted(VIEWER + " ")}
    status, answer = await post(client, token, body)
    assert status == 200 and codes(answer) == ["BAD_USER_INPUT"], answer
    for bad in ({"version": 2, "sha256Hash": sha(VIEWER)}, {"version": 1, "sha256Hash": "x"}):
        status, answer = await post(client, token, {"extensions": {"persistedQuery": bad}})
        assert codes(answer) == ["BAD_USER_INPUT"], answer


async def test_only_valid_documents_of_callers_are_registered(client, tenant):
    token = tenant.admin_token
    anonymous = "query Anonymous { viewer { user { name } } }"
    await post(client, None, {"query": anonymous, "extensions": persisted(anonymous)})
    invalid = "query Invalid { nothingHere }"
    await post(client, token, {"query": invalid, "extensions": persisted(invalid)})
    for text in (anonymous, invalid):
        _, body = await post(client, token, {"extensions": persisted(text)})
        assert codes(body) == ["PERSISTED_QUERY_NOT_FOUND"]


async def test_persisted_mutations_are_posted_not_got(client, gql, tenant):
    token = tenant.admin_token
    variables = {"input": {"name": "Ada"}}
    body = {"query": CREATE_LEAD, "variables": variables, "extensions": persisted(CREATE_LEAD)}
    assert await post(client, token, body) == (
        200,
        {"data": {"createLead": {"lead": {"name": "Ada"}}}},
    )
    status, answer = await get(client, token, persisted(CREATE_LEAD), variables)
    assert status == 405, answer
    again = {"variables": variables, "extensions": persisted(CREATE_LEAD)}
    assert (await post(client, token, again))[0] == 200
    names = (await gql("{ leads { nodes { name } } }", token=token)).ok()["leads"]["nodes"]
    assert names == [{"name": "Ada"}, {"name": "Ada"}]


async def test_persisted_only_runs_registered_operations(
    make_client, settings, database, tenant, tmp_path
):
    app = await make_client(persisted_only=True)
    token = tenant.admin_token
    registered = "query Registered { viewer { user { email } } }"
    status, body = await post(app, token, {"query": registered})
    assert status == 200 and codes(body) == ["PERSISTED_QUERY_ID_REQUIRED"]
    # the client's next try with the text is not taken as a registration
    _, body = await post(app, token, {"query": registered, "extensions": persisted(registered)})
    assert codes(body) == ["PERSISTED_QUERY_NOT_IN_LIST"]
    _, body = await post(app, token, {"extensions": persisted(registered)})
    assert codes(body) == ["PERSISTED_QUERY_NOT_FOUND"]
    # the operator registers the file's operations (`atrium persisted add`)
    file = tmp_path / "ops.graphql"
    file.write_text(registered + "\n")
    operator = settings.model_copy(update={"app_database_url": database.app_url})
    operations = _operations_in(operator, [str(file)])
    assert operations == [
        ("Registered", "query Registered {\n  viewer {\n    user {\n      email\n    }\n  }\n}")
    ]
    printed = operations[0][1]
    assert await _persisted_add(operator, operations) == [sha(printed)]
    email = {"data": {"viewer": {"user": {"email": f"admin@{tenant.slug}.example"}}}}
    assert await post(app, token, {"extensions": persisted(printed)}) == (200, email)
    assert await post(app, token, {"query": printed, "extensions": persisted(printed)}) == (
        200,
        email,
    )


def test_a_file_registers_each_operation_with_its_fragments(settings, tmp_path):
    file = tmp_path / "ops.graphql"
    file.write_text(
        "fragment U on User { email }\nfragment T on Tenant { name }\n"
        "query A { viewer { user { ...U } } }\nquery B { viewer { tenant { ...T } } }\n"
    )
    operations = _operations_in(settings, [str(file)])
    assert [name for name, _ in operations] == ["A", "B"]
    assert "fragment U" in operations[0][1] and "fragment T" not in operations[0][1]
    assert "fragment T" in operations[1][1] and "fragment U" not in operations[1][1]
    manifest = tmp_path / "manifest.json"
    body = "query C { viewer { user { email } } }"
    manifest.write_text(
        json.dumps(
            {
                "format": "apollo-persisted-query-manifest",
                "version": 1,
                "operations": [{"id": sha(body), "name": "C", "type": "query", "body": body}],
            }
        )
    )
    assert _operations_in(settings, [str(manifest)]) == [("C", body)]
    invalid = tmp_path / "bad.graphql"
    invalid.write_text("query D { nothingHere }")
    try:
        _operations_in(settings, [str(invalid)])
    except SystemExit as exc:
        assert "nothingHere" in str(exc)
    else:
        raise AssertionError("an invalid operation was accepted")
