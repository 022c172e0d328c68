"""Lists without `first` answer at most their declared bound (api/cost.py counts it):
reads rank per parent in SQL, one statement at any size; writes refuse one item more."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import sqlalchemy as sa

from domain.crm.models import contacts, deal_stage_changes, deals
from domain.crm.pipelines import MAX_STAGES
from domain.crm.repository import CONTACTS_PER_CUSTOMER, DEALS_PER_CUSTOMER, HISTORY_PER_DEAL
from domain.inventory.models import warehouses
from domain.inventory.services import MAX_WAREHOUSES
from tests.support.crm import mutate, seed_deals

CUSTOMERS = """{ customers(first: 10) { nodes { name contacts { name } deals { title
  history { event } } } } }"""
START = datetime.now(UTC) - timedelta(days=1)  # before the seeded deal


async def _grow_first_customer(tenant, extra: int) -> None:
    """Give the first customer's deal `extra` more deals, contacts and stage changes
    than their bounds, each a minute apart."""
    async with tenant.session() as conn:
        deal = (await conn.execute(sa.select(deals).order_by(deals.c.title).limit(1))).one()
        at = [START + timedelta(minutes=i) for i in range(extra)]
        await conn.execute(
            sa.insert(deals),
            [
                {
                    **{c: getattr(deal, c) for c in ("tenant_id", "owner_id", "pipeline_id")},
                    **{c: getattr(deal, c) for c in ("stage_id", "amount", "currency")},
                    "customer_id": deal.customer_id,
                    "probability": deal.probability,
                    "title": f"More {i:03}",
                    "created_at": t,
                }
                for i, t in enumerate(at[: DEALS_PER_CUSTOMER + 5])
            ],
        )
        await conn.execute(
            sa.insert(contacts),
            [
                {"tenant_id": tenant.id, "customer_id": deal.customer_id, "name": f"C {i:03}"}
                for i in range(CONTACTS_PER_CUSTOMER + 5)
            ],
        )
        await conn.execute(
            sa.insert(deal_stage_changes),
            [
                {
                    "tenant_id": tenant.id,
                    "deal_id": deal.id,
                    "to_stage_id": deal.stage_id,
                    "event": "moved",
                    "changed_at": t,
                }
                for t in at[: HISTORY_PER_DEAL + 5]
            ],
        )


async def test_customer_and_deal_lists_stop_at_their_bound_in_the_same_statements(
    gql, tenant, count_statements
):
    manager = await tenant.user("sales_manager")
    await seed_deals(tenant, manager, 3)
    token = tenant.token(manager)
    (await gql(CUSTOMERS, token=token)).ok()  # the role's policy is now cached
    with count_statements() as small:
        (await gql(CUSTOMERS, token=token)).ok()
    await _grow_first_customer(tenant, 40)
    with count_statements() as large:
        nodes = (await gql(CUSTOMERS, token=token)).ok()["customers"]["nodes"]
    assert large.count == small.count, large.statements
    grown = next(c for c in nodes if len(c["deals"]) > 1)
    assert len(grown["contacts"]) == CONTACTS_PER_CUSTOMER
    assert [c["name"] for c in grown["contacts"]][:2] == ["C 000", "C 001"]  # first by name
    titles = [d["title"] for d in grown["deals"]]
    more = [f"More {i:03}" for i in range(DEALS_PER_CUSTOMER + 5)]
    assert titles == [*more, "Deal 0"][-DEALS_PER_CUSTOMER:]  # the latest, oldest first
    history = [len(d["history"]) for d in grown["deals"]]
    assert max(history, default=0) <= HISTORY_PER_DEAL


async def test_a_deal_shows_its_latest_changes_oldest_first(gql, tenant):
    manager = await tenant.user("sales_manager")
    await seed_deals(tenant, manager, 1)
    await _grow_first_customer(tenant, 40)
    query = (
        "{ deals(first: 1, orderBy: {field: TITLE, direction: ASC}) { nodes { history { at } } } }"
    )
    [deal] = (await gql(query, token=tenant.token(manager))).ok()["deals"]["nodes"]
    at = [h["at"] for h in deal["history"]]
    assert len(at) == HISTORY_PER_DEAL and at == sorted(at)
    assert datetime.fromisoformat(at[-1]) == START + timedelta(minutes=HISTORY_PER_DEAL + 4)


async def test_a_pipeline_refuses_more_stages_than_its_bound(gql, tenant):
    stages = [{"name": f"S{i}", "probability": "10"} for i in range(MAX_STAGES + 1)]
    payload = await mutate(
        gql,
        "createPipeline",
        {"name": "Long", "stages": stages},
        tenant.admin_token,
        "pipeline { id }",
    )
    assert payload["pipeline"] is None
    assert [e["code"] for e in payload["userErrors"]] == ["TOO_MANY_STAGES"]


async def test_a_tenant_refuses_more_warehouses_than_its_bound(gql, tenant):
    async with tenant.session() as conn:
        held = await conn.scalar(sa.select(sa.func.count()).select_from(warehouses))
        await conn.execute(
            sa.insert(warehouses),
            [
                {"tenant_id": tenant.id, "code": f"W{i}", "name": f"W{i}"}
                for i in range(MAX_WAREHOUSES - held)
            ],
        )
    input = {"code": "ONE-MORE", "name": "One more"}
    payload = await mutate(gql, "createWarehouse", input, tenant.admin_token, "warehouse { id }")
    assert payload["warehouse"] is None
    assert [e["code"] for e in payload["userErrors"]] == ["TOO_MANY_WAREHOUSES"]
