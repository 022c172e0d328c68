"""Too many requests from one caller: 429 RATE_LIMITED with Retry-After, per caller."""

from __future__ import annotations

VIEWER = {"query": "{ viewer { user { email } } }"}


def _bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


async def test_a_caller_over_its_limit_waits_and_others_do_not(make_client, tenant):
    client = await make_client(rate_limit="3/minute")
    admin, rep = tenant.admin_token, await tenant.token_for("sales_rep")
    for _ in range(3):
        assert (
            await client.post("/graphql", json=VIEWER, headers=_bearer(admin))
        ).status_code == 200
    refused = await client.post("/graphql", json=VIEWER, headers=_bearer(admin))
    assert refused.status_code == 429
    assert refused.json()["errors"][0]["extensions"]["code"] == "RATE_LIMITED"
    assert 1 <= int(refused.headers["retry-after"]) <= 60
    # another user of the same tenant has a limit of its own
    assert (await client.post("/graphql", json=VIEWER, headers=_bearer(rep))).status_code == 200
    # the health endpoints are never limited
    assert (await client.get("/healthz")).status_code == 200


async def test_every_limit_must_hold_and_anonymous_callers_count_by_address(make_client):
    client = await make_client(rate_limit="2/second;1000/minute")
    schema = {"query": "{ __schema { queryType { name } } }"}
    answers = [(await client.post("/graphql", json=schema)).status_code for _ in range(3)]
    assert answers == [200, 200, 429]


async def test_limits_can_be_turned_off(make_client, tenant):
    client = await make_client(rate_limit="")
    answers = [
        (
            await client.post("/graphql", json=VIEWER, headers=_bearer(tenant.admin_token))
        ).status_code
        for _ in range(20)
    ]
    assert set(answers) == {200}


async def test_refused_tokens_count_against_the_address(make_client, tenant):
    client = await make_client(rate_limit="2/minute")
    made_up = {"Authorization": "Bearer made.up.token"}
    answers = [(await client.post("/graphql", json=VIEWER, headers=made_up)) for _ in range(3)]
    assert [a.status_code for a in answers] == [401, 401, 429]
    assert answers[2].json()["errors"][0]["extensions"]["code"] == "RATE_LIMITED"
    assert int(answers[2].headers["retry-after"]) >= 1
    # the address's budget is spent for anonymous requests too; a real user keeps theirs
    schema = {"query": "{ __schema { queryType { name } } }"}
    assert (await client.post("/graphql", json=schema)).status_code == 429
    ok = await client.post("/graphql", json=VIEWER, headers=_bearer(tenant.admin_token))
    assert ok.status_code == 200


ANONYMOUS = {"query": "{ __typename }"}


async def _from(client, forwarded_for: str) -> int:
    headers = {"X-Forwarded-For": forwarded_for}
    return (await client.post("/graphql", json=ANONYMOUS, headers=headers)).status_code


async def test_forwarded_for_is_honoured_from_a_trusted_proxy(make_client):
    # the test client's peer is 127.0.0.1, the trusted proxy by default
    client = await make_client(rate_limit="1/minute")
    assert await _from(client, "198.51.100.1") == 200
    assert await _from(client, "198.51.100.2") == 200
    assert await _from(client, "198.51.100.1") == 429
    # the proxy appends the real peer; what the client wrote before it changes nothing
    assert await _from(client, "203.0.113.50, 198.51.100.2") == 429


async def test_forwarded_for_is_ignored_from_an_untrusted_peer(make_client):
    client = await make_client(rate_limit="1/minute", trusted_proxies="10.0.0.1, 10.9.0.0/16")
    assert await _from(client, "198.51.100.1") == 200
    assert await _from(client, "198.51.100.2") == 429  # still 127.0.0.1's budget
