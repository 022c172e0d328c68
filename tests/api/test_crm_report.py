"""The pipeline report: totals equal the deals it covers, within record scope and filters."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
import sqlalchemy as sa

from domain.crm.models import deals
from tests.support.admin import custom_role, grant, holder_of
from tests.support.crm import create_customer, create_deal, ok, stages

REPORT = """query($filter: PipelineReportFilter) { pipelineReport(filter: $filter) {
    pipeline { name }
    stages { stage { name } count amounts { currency count amount weightedAmount } }
    totals { currency count amount weightedAmount } } }"""


async def report(gql, token, **filter):
    return (await gql(REPORT, {"filter": filter or None}, token=token)).ok()["pipelineReport"]


async def expected_totals(tenant, *where):
    """What the report should say, computed from the deal rows themselves."""
    async with tenant.session() as conn:
        rows = (await conn.execute(sa.select(deals).where(*where))).all()
    out = {}
    for d in rows:
        n, amount, weighted = out.get(d.currency, (0, Decimal(0), Decimal(0)))
        out[d.currency] = (n + 1, amount + d.amount, weighted + d.amount * d.probability / 100)
    return {
        code: (n, f"{amount:.4f}", f"{weighted.quantize(Decimal('0.01')):.4f}")
        for code, (n, amount, weighted) in out.items()
    }


def totals(found):
    return {t["currency"]: (t["count"], t["amount"], t["weightedAmount"]) for t in found["totals"]}


async def arrange(gql, tenant):
    rep_id = await tenant.user("sales_rep")
    rep = tenant.token(rep_id)
    manager = await tenant.token_for("sales_manager")
    names = await stages(gql, rep)
    customer = (await create_customer(gql, rep))["id"]
    mine = [
        await create_deal(gql, rep, customer, amount="1000.00", expectedCloseOn="2030-01-15"),
        await create_deal(
            gql,
            rep,
            customer,
            amount="333.33",
            stage=names["Proposal"],
            expectedCloseOn="2030-02-10",
        ),
        await create_deal(
            gql, rep, customer, amount="50", currency="USD", stage=names["Negotiation"]
        ),
    ]
    await create_deal(
        gql, manager, customer, amount="7777", stage=names["Proposal"], expectedCloseOn="2030-01-20"
    )
    return rep_id, rep, manager, mine


async def test_totals_equal_the_sum_of_the_deals(gql, tenant):
    _, _, manager, _ = await arrange(gql, tenant)
    found = await report(gql, manager)
    assert found["pipeline"]["name"] == "Sales"
    assert totals(found) == await expected_totals(tenant)
    assert sum(s["count"] for s in found["stages"]) == 4
    proposal = next(s for s in found["stages"] if s["stage"]["name"] == "Proposal")
    assert proposal["count"] == 2
    assert proposal["amounts"] == [
        {
            "currency": "EUR",
            "count": 2,
            "amount": "8110.3300",
            "weightedAmount": "4055.1600",
        }  # 4055.165, to even
    ]


async def test_sales_rep_report_covers_own_deals_only(gql, tenant):
    rep_id, rep, manager, _ = await arrange(gql, tenant)
    assert totals(await report(gql, rep)) == await expected_totals(
        tenant, deals.c.owner_id == rep_id
    )
    rep_gid = (await gql("{ viewer { user { id } } }", token=rep)).ok()["viewer"]["user"]["id"]
    by_owner = await report(gql, manager, owner=[rep_gid])
    assert totals(by_owner) == totals(await report(gql, rep))


async def test_expected_close_period_filter(gql, tenant):
    _, _, manager, _ = await arrange(gql, tenant)
    found = await report(gql, manager, expectedCloseOn={"from": "2030-01-01", "to": "2030-01-31"})
    period = (
        deals.c.expected_close_on >= date(2030, 1, 1),
        deals.c.expected_close_on <= date(2030, 1, 31),
    )
    assert totals(found) == await expected_totals(tenant, *period)
    assert totals(found)["EUR"][0] == 2


async def test_report_follows_the_pipeline(gql, tenant):
    _, rep, manager, mine = await arrange(gql, tenant)
    await ok(gql, "winDeal", {"id": mine[0]["id"]}, rep, "deal { id }")
    found = await report(gql, manager)
    won = next(s for s in found["stages"] if s["stage"]["name"] == "Won")
    assert won["amounts"] == [
        {"currency": "EUR", "count": 1, "amount": "1000.0000", "weightedAmount": "1000.0000"}
    ]
    assert totals(found) == await expected_totals(tenant)


@pytest.mark.parametrize(
    ("role", "code"),
    [("warehouse", "FORBIDDEN"), ("hr_manager", "FORBIDDEN"), (None, "UNAUTHENTICATED")],
)
async def test_report_refused_without_access(gql, tenant, role, code):
    token = await tenant.token_for(role) if role else None
    result = await gql(REPORT, token=token)
    assert result.codes == [code] and result.nothing


async def test_accountant_reads_the_report(gql, tenant):
    await arrange(gql, tenant)
    found = await report(gql, await tenant.token_for("accountant"))
    assert totals(found) == await expected_totals(tenant)


FORECAST = """query($filter: PipelineReportFilter) { forecastReport(filter: $filter) {
    months { month amounts { currency count amount weightedAmount } }
    undated { currency count amount }
    totals { currency count amount weightedAmount } } }"""


async def forecast(gql, token, **filter):
    return (await gql(FORECAST, {"filter": filter or None}, token=token)).ok()["forecastReport"]


async def test_forecast_groups_open_deals_by_expected_close_month(gql, tenant):
    _, rep, manager, mine = await arrange(gql, tenant)
    await ok(gql, "winDeal", {"id": mine[1]["id"]}, rep, "deal { id }")  # Feb: now won
    found = await forecast(gql, manager)
    january = (
        deals.c.status == "open",
        deals.c.expected_close_on >= date(2030, 1, 1),
        deals.c.expected_close_on < date(2030, 2, 1),
    )
    assert [m["month"] for m in found["months"]] == ["2030-01-01"]
    assert totals({"totals": found["months"][0]["amounts"]}) == await expected_totals(
        tenant, *january
    )
    assert found["undated"] == [{"currency": "USD", "count": 1, "amount": "50.0000"}]
    assert totals(found) == await expected_totals(tenant, deals.c.status == "open")
    won = await forecast(gql, manager, status=["WON"])
    assert [(m["month"], m["amounts"][0]["amount"]) for m in won["months"]] == [
        ("2030-02-01", "333.3300")
    ]


async def test_forecast_of_a_sales_rep_covers_own_deals_only(gql, tenant):
    rep_id, rep, _, _ = await arrange(gql, tenant)
    found = await forecast(gql, rep)
    own_open = (deals.c.owner_id == rep_id, deals.c.status == "open")
    assert totals(found) == await expected_totals(tenant, *own_open)
    assert sum(a["count"] for m in found["months"] for a in m["amounts"]) == 2


@pytest.mark.parametrize("role", ["warehouse", "hr_manager"])
async def test_forecast_refused_without_access(gql, tenant, role):
    result = await gql(FORECAST, token=await tenant.token_for(role))
    assert result.codes == ["FORBIDDEN"] and result.nothing


async def test_forecast_refused_to_a_role_that_may_not_read_close_dates(gql, tenant):
    role = await custom_role(
        gql,
        tenant,
        "no_dates",
        grant("Deal", ["read"], ["amount", "currency", "probability", "stage"]),
        grant("ForecastReport", ["read"], ["months", "undated", "totals"]),
        grant("PipelineReport", ["read"], ["pipeline", "stages", "totals"]),
    )
    _, token = await holder_of(gql, tenant, role)
    refused = await gql(FORECAST, token=token)
    assert refused.codes == ["FORBIDDEN"] and "expectedCloseOn" in refused.errors[0]["message"]
    # the pipeline report sums no close dates: the same role reads it
    sums = await gql("{ pipelineReport { totals { count } } }", token=token)
    assert sums.ok()["pipelineReport"]["totals"] == []
