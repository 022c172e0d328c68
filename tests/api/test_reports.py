"""Back-office reports: their figures, and who may read which (ACCESS.md)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from domain.billing import services
from tests.support.orders import actor_for, arrange_invoice, arrange_order

REVENUE = (
    '{ revenueReport(since: "2026-01-01", until: "2026-03-31") { month currency invoiced paid } }'
)
AGING = '{ arAgingReport(asOf: "2026-03-20") { currency current days1To30 days31To60 days61To90 over90 total } }'
VALUATION = (
    "{ stockValuationReport { product { sku } warehouse { code } onHand unitCost value currency } }"
)
MARGINS = "{ orderMarginReport { order { id status } currency revenue cost margin marginPercent } }"
REPORTS = {"revenue": REVENUE, "aging": AGING, "valuation": VALUATION, "margins": MARGINS}


async def arrange_books(tenant):
    actor = actor_for(tenant)
    a = await arrange_invoice(tenant, today=date(2026, 1, 10))  # due 02-09, 120.00
    b = await arrange_invoice(tenant, today=date(2026, 2, 15))  # due 03-17
    await arrange_invoice(tenant, today=date(2026, 3, 19))  # due 04-18: current
    await arrange_invoice(tenant, today=date(2025, 10, 1), currency="USD")  # 140 days late
    void = await arrange_invoice(tenant, today=date(2026, 1, 12))
    await arrange_invoice(tenant, issue=False)  # drafts count nowhere
    async with tenant.session(tenant.admin_id) as conn:
        await services.record_payment(
            conn, actor, a.id, amount=Decimal("20"), currency_code="EUR", paid_on=date(2026, 2, 5)
        )
        await services.create_credit_note(
            conn,
            actor,
            b.id,
            amount=Decimal("20"),
            currency_code="EUR",
            reason="late",
            today=date(2026, 2, 20),
        )
        await services.void_invoice(conn, actor, void.id, None, "duplicate")
        await arrange_order(conn, tenant.id, tenant.admin_id, on_hand=5)


async def test_report_figures(gql, tenant):
    await arrange_books(tenant)
    token = await tenant.token_for("accountant")
    revenue = (await gql(REVENUE, token=token)).ok()["revenueReport"]
    assert revenue == [
        {"month": "2026-01-01", "currency": "EUR", "invoiced": "120.0000", "paid": "0.0000"},
        {"month": "2026-02-01", "currency": "EUR", "invoiced": "100.0000", "paid": "20.0000"},
        {"month": "2026-03-01", "currency": "EUR", "invoiced": "120.0000", "paid": "0.0000"},
    ]
    aging = (await gql(AGING, token=token)).ok()["arAgingReport"]
    assert aging == [
        {"currency": "EUR", "current": "120.0000", "days1To30": "100.0000", "days31To60": "100.0000",
         "days61To90": "0.0000", "over90": "0.0000", "total": "320.0000"},
        {"currency": "USD", "current": "0.0000", "days1To30": "0.0000", "days31To60": "0.0000",
         "days61To90": "0.0000", "over90": "120.0000", "total": "120.0000"},
    ]  # fmt: skip
    valuation = (await gql(VALUATION, token=token)).ok()["stockValuationReport"]
    assert [(v["onHand"], v["unitCost"], v["value"]) for v in valuation] == [
        (5, "30.0000", "150.0000")
    ]
    assert valuation[0]["product"]["sku"] and valuation[0]["warehouse"]["code"]
    margins = (await gql(MARGINS, token=token)).ok()["orderMarginReport"]
    assert len(margins) == 7
    assert {(m["revenue"], m["cost"], m["margin"], m["marginPercent"]) for m in margins} == {
        ("100.0000", "60.0000", "40.0000", "40.0000")
    }
    assert {m["order"]["status"] for m in margins} == {"CONFIRMED"}


@pytest.mark.parametrize(
    ("role", "readable"),
    [
        ("accountant", {"revenue", "aging", "valuation", "margins"}),
        ("tenant_admin", {"revenue", "aging", "valuation", "margins"}),
        ("sales_manager", {"aging", "margins"}),  # revenue sums payments: accounting's
        ("warehouse", {"valuation"}),
        ("sales_rep", set()),
        ("hr_manager", set()),
    ],
)
async def test_who_reads_which_report(gql, tenant, role, readable):
    async with tenant.session(tenant.admin_id) as conn:
        await arrange_order(conn, tenant.id, tenant.admin_id, on_hand=1)
    token = tenant.admin_token if role == "tenant_admin" else await tenant.token_for(role)
    for name, query in REPORTS.items():
        result = await gql(query, token=token)
        if name in readable:
            result.ok()
        else:
            assert result.codes == ["FORBIDDEN"] and result.nothing, (name, result.body)


BUILT_IN = ("sales_rep", "sales_manager", "accountant", "warehouse", "hr_manager", "tenant_admin")
ORDER_MARGINS = "{ orders(first: 5) { nodes { margin } } }"


def margins_read(result, *path):
    """Whether the answer holds margins: some, and none refused."""
    rows = result.data
    for key in path:
        rows = (rows or {}).get(key)
    return not result.codes and bool(rows) and all(r["margin"] is not None for r in rows)


@pytest.mark.parametrize("role", BUILT_IN)
async def test_the_margin_report_and_the_orders_margin_agree(gql, tenant, role):
    """One fact, one rule: a role reads the margin report exactly when it reads
    SalesOrder.margin on the orders it sees (its own order here, for the record scope)."""
    user_id = tenant.admin_id if role == "tenant_admin" else await tenant.user(role)
    async with tenant.session(tenant.admin_id) as conn:
        await arrange_order(conn, tenant.id, user_id)
    token = tenant.token(user_id)
    through_orders = margins_read(await gql(ORDER_MARGINS, token=token), "orders", "nodes")
    report = await gql("{ orderMarginReport { margin } }", token=token)
    assert margins_read(report, "orderMarginReport") == through_orders, report.body
    expected = role in {"sales_manager", "accountant", "tenant_admin"}  # ACCESS.md: cost, margin
    assert through_orders == expected


async def test_reports_stay_in_their_tenant(gql, tenant, other_tenant):
    await arrange_books(tenant)
    token = other_tenant.admin_token
    for name, query in REPORTS.items():
        assert next(iter((await gql(query, token=token)).ok().values())) == [], name
    assert (await gql(REVENUE)).codes == ["UNAUTHENTICATED"]
