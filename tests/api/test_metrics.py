"""/metrics: protected by its token, and what it tells per GraphQL operation, of the
pool, the caches, the rate limits, the webhook sender and the process."""

from __future__ import annotations

import functools
import json
import logging
import uuid
from typing import Any

import httpx
from prometheus_client.parser import text_string_to_metric_families
from pydantic import SecretStr

from api.core.relay import to_global_id
from api.logs import JsonFormatter
from domain.webhooks.dispatch import DispatchStats
from tests.conftest import graphql
from tests.support.crm import create_customer, create_deal, ok
from tests.support.webhook_receiver import Receiver
from tests.support.webhooks import create_webhook

TOKEN = "scrape-me"
SCRAPER = {"Authorization": f"Bearer {TOKEN}"}
CUSTOMERS = "query Customers { customers(first: 2) { nodes { id name } } }"


async def _metrics_client(make_client: Any, **settings: Any) -> httpx.AsyncClient:
    # model_copy does not validate: the setting as the environment would have made it
    return await make_client(metrics_token=SecretStr(TOKEN), **settings)  # type: ignore[no-any-return]


async def scraped(client: httpx.AsyncClient) -> dict[tuple[str, frozenset[Any]], float]:
    """Every sample of /metrics by (name, labels)."""
    response = await client.get("/metrics", headers=SCRAPER)
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("text/plain")
    return {
        (sample.name, frozenset(sample.labels.items())): sample.value
        for family in text_string_to_metric_families(response.text)
        for sample in family.samples
    }


def value(samples: dict[tuple[str, frozenset[Any]], float], name: str, **labels: str) -> float:
    return samples.get((name, frozenset(labels.items())), 0.0)


async def test_metrics_are_off_without_a_token_and_need_it_when_set(make_client):
    off = await make_client()
    assert (await off.get("/metrics")).status_code == 404
    on = await _metrics_client(make_client)
    refused = await on.get("/metrics")
    assert refused.status_code == 401
    assert refused.json()["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"
    assert refused.headers["www-authenticate"].startswith("Bearer")
    wrong = await on.get("/metrics", headers={"Authorization": "Bearer nope"})
    assert wrong.status_code == 401
    # a tenant user's token is no scraper's
    assert (
        await on.get("/metrics", headers={"Authorization": "Basic " + TOKEN})
    ).status_code == 401
    assert (await on.get("/metrics", headers=SCRAPER)).status_code == 200


async def test_http_requests_by_path_and_status(make_client):
    client = await _metrics_client(make_client)
    await client.get("/healthz")
    await client.get("/healthz")
    await client.post("/graphql", json={"query": "{ __typename }"})
    samples = await scraped(client)
    assert value(samples, "atrium_http_requests_total", path="/healthz", status="200") == 2
    assert value(samples, "atrium_http_requests_total", path="/graphql", status="200") == 1
    assert value(samples, "atrium_http_request_seconds_count", path="/graphql") == 1


async def test_operations_by_name_type_status_read_path_and_error_code(make_client, tenant):
    client = await _metrics_client(make_client)
    token = tenant.admin_token
    for _ in range(2):
        (await graphql(client, CUSTOMERS, token=token)).ok()  # the query lane, compiled
    (await graphql(client, "{ viewer { user { id } } }", token=token)).ok()
    gql = functools.partial(graphql, client)
    await ok(gql, "createCustomer", {"name": "Initech"}, token, "customer { id }")
    nobody = to_global_id("Customer", uuid.uuid4())
    missing = "query One($id: ID!) { node(id: $id) { id } }"
    assert (await gql(missing, {"id": nobody}, token=token)).codes == ["NOT_FOUND"]
    assert (await graphql(client, "{ nope }", token=token)).codes == ["BAD_USER_INPUT"]
    assert (await graphql(client, CUSTOMERS)).status == 401  # no token

    samples = await scraped(client)
    ops = "atrium_graphql_operations_total"
    assert value(samples, ops, operation="Customers", type="query", status="200") == 2
    assert value(samples, ops, operation="(anonymous)", type="query", status="200") == 1
    assert value(samples, ops, operation="(anonymous)", type="mutation", status="200") == 1
    assert value(samples, ops, operation="One", type="query", status="200") == 1
    # a document that does not validate never names an operation
    assert value(samples, ops, operation="(none)", type="(none)", status="200") == 1
    assert value(samples, ops, operation="Customers", type="query", status="401") == 1
    seconds = "atrium_graphql_operation_seconds_count"
    assert value(samples, seconds, operation="Customers", type="query") == 3

    errors = "atrium_graphql_errors_total"
    assert value(samples, errors, operation="One", code="NOT_FOUND") == 1
    assert value(samples, errors, operation="(none)", code="BAD_USER_INPUT") == 1
    assert value(samples, errors, operation="Customers", code="UNAUTHENTICATED") == 1
    assert value(samples, errors, operation="Customers", code="NOT_FOUND") == 0

    paths = "atrium_graphql_read_path_total"
    assert value(samples, paths, operation="Customers", read_path="compiled") == 2
    assert value(samples, paths, operation="(anonymous)", read_path="fallback") == 1


async def test_operation_names_past_the_cap_are_other(make_client, tenant):
    client = await _metrics_client(make_client, metrics_max_operations=2)
    for name in ("A", "B", "C", "D", "A"):
        await graphql(
            client, f"query {name} {{ viewer {{ user {{ id }} }} }}", token=tenant.admin_token
        )
    samples = await scraped(client)
    ops = "atrium_graphql_operations_total"
    counts = {
        dict(labels)["operation"]: count for (name, labels), count in samples.items() if name == ops
    }
    assert counts == {"A": 2, "B": 1, "(other)": 2}


async def test_pool_caches_and_process(make_client, tenant):
    client = await _metrics_client(make_client)
    for _ in range(3):
        (await graphql(client, CUSTOMERS, token=tenant.admin_token)).ok()
    samples = await scraped(client)
    assert value(samples, "atrium_db_pool_connections", state="in_use") == 0  # none held now
    assert value(samples, "atrium_db_pool_connections", state="idle") >= 1
    assert value(samples, "atrium_db_pool_waiting") == 0
    assert value(samples, "atrium_db_pool_size") == 10
    # this app's document cache: one miss, then hits; the plan cache is the process's
    assert value(samples, "atrium_cache_misses_total", cache="documents") == 1
    assert value(samples, "atrium_cache_hits_total", cache="documents") == 2
    assert value(samples, "atrium_cache_hits_total", cache="plans") >= 2
    assert value(samples, "atrium_cache_hits_total", cache="access") >= 2
    assert value(samples, "atrium_cache_entries", cache="access") >= 1
    assert value(samples, "process_cpu_seconds_total") > 0
    assert value(samples, "process_resident_memory_bytes") > 0


async def test_rate_limit_refusals_by_budget(make_client, tenant):
    client = await _metrics_client(make_client, rate_limit="1/minute")
    query = {"query": "{ viewer { user { id } } }"}
    headers = {"Authorization": f"Bearer {tenant.admin_token}"}
    statuses = [
        (await client.post("/graphql", json=query, headers=headers)).status_code for _ in range(3)
    ]
    assert statuses == [200, 429, 429]
    samples = await scraped(client)
    assert value(samples, "atrium_rate_limit_refusals_total", budget="requests") == 2
    assert value(samples, "atrium_rate_limit_refusals_total", budget="token requests") == 0


async def test_webhook_outcomes_and_queue_depth(gql, tenant, engine):
    token = tenant.admin_token
    await create_webhook(gql, token, ["DEAL_WON"])
    customer = await create_customer(gql, token)
    for _ in range(3):
        deal = await create_deal(gql, token, customer["id"])
        await ok(gql, "winDeal", {"id": deal["id"]}, token, "deal { id }")
    answers = iter([httpx.Response(204), httpx.Response(500), httpx.Response(204)])
    stats = DispatchStats()
    dispatcher = Receiver(lambda request: next(answers)).dispatcher(engine, batch=2, stats=stats)

    async def only_this_tenant() -> list[Any]:
        return [tenant.id]  # other tests' tenants may have due deliveries of their own

    dispatcher._due_tenants = only_this_tenant  # type: ignore[method-assign]
    assert await dispatcher.run_pass() == 2
    assert stats.due == 3  # all three were due; a batch of two was sent
    assert stats.outcomes == {"delivered": 1, "retrying": 1}
    assert await dispatcher.run_pass() == 1
    assert stats.due == 1
    assert stats.outcomes == {"delivered": 2, "retrying": 1}


async def test_webhook_figures_on_metrics(make_client):
    client = await _metrics_client(make_client)
    samples = await scraped(client)
    assert ("atrium_webhook_deliveries_total", frozenset({("outcome", "failed")})) in samples
    assert ("atrium_webhook_deliveries_due", frozenset()) in samples


async def test_each_request_logs_one_line_with_operation_tenant_user_duration_status(
    client, tenant, caplog
):
    with caplog.at_level(logging.INFO, logger="atrium.requests"):
        (await graphql(client, CUSTOMERS, token=tenant.admin_token)).ok()
    [line] = [r for r in caplog.records if r.name == "atrium.requests"]
    fields = line.fields  # type: ignore[attr-defined]
    assert fields["operation"] == "Customers" and fields["operation_type"] == "query"
    assert fields["tenant_id"] == str(tenant.id) and fields["user_id"] == str(tenant.admin_id)
    assert fields["status"] == 200 and fields["duration_ms"] > 0
    assert fields["path"] == "/graphql" and fields["read_path"] == "compiled"
    assert line.request_id  # type: ignore[attr-defined]


def test_a_log_line_carries_its_fields_as_json_keys():
    record = logging.LogRecord(
        "atrium.requests", logging.INFO, "x", 1, "POST /graphql 200", (), None
    )
    record.request_id = "r1"
    record.fields = {"operation": "Customers", "status": 200, "tenant_id": "t"}
    line = json.loads(JsonFormatter().format(record))
    assert line["message"] == "POST /graphql 200" and line["request_id"] == "r1"
    assert line["operation"] == "Customers" and line["status"] == 200 and line["tenant_id"] == "t"
