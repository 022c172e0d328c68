"""The back office's fields on a CRM customer: orders, invoices, paymentStatus and
overdueAmount, each under its own policy (ACCESS.md), for a whole page at once."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest

from api.core.relay import to_global_id
from domain.billing import services
from domain.billing.repository import today_utc
from tests.support.orders import actor_for, arrange_invoice

FIELDS = "name paymentStatus overdueAmount { amount currency } invoices { number amountDue } orders { id }"
PAGE = f"query($n: Int) {{ customers(first: $n) {{ nodes {{ {FIELDS} }} }} }}"
ONE = f"query($id: ID!) {{ node(id: $id) {{ ... on Customer {{ {FIELDS} }} }} }}"


async def arrange(tenant):
    late = await arrange_invoice(tenant, today=today_utc() - timedelta(days=60))
    settled = await arrange_invoice(tenant)
    async with tenant.session(tenant.admin_id) as conn:
        await services.record_payment(
            conn, actor_for(tenant), late.id, amount=Decimal("20"), currency_code="EUR"
        )
        await services.record_payment(
            conn, actor_for(tenant), settled.id, amount=settled.total, currency_code="EUR"
        )
    return late, settled


@pytest.mark.parametrize("role", ["sales_rep", "sales_manager", "accountant", "tenant_admin"])
async def test_payment_status_is_readable_by_sales_and_accounting(gql, tenant, role):
    late, settled = await arrange(tenant)
    token = tenant.admin_token if role == "tenant_admin" else await tenant.token_for(role)
    found = (await gql(ONE, {"id": to_global_id("Customer", late.customer_id)}, token=token)).ok()[
        "node"
    ]
    assert found["paymentStatus"] == "OVERDUE"
    assert found["overdueAmount"] == [{"amount": "100.0000", "currency": "EUR"}]
    assert found["invoices"] == [{"number": late.number, "amountDue": "100.0000"}]
    paid = (
        await gql(ONE, {"id": to_global_id("Customer", settled.customer_id)}, token=token)
    ).ok()["node"]
    assert paid["paymentStatus"] == "PAID" and paid["overdueAmount"] == []
    expected_orders = (
        [] if role == "sales_rep" else [{"id": to_global_id("SalesOrder", late.order_id)}]
    )
    assert found["orders"] == expected_orders  # a rep sees its own orders only


async def test_sales_cannot_reach_invoice_detail_through_a_customer(gql, tenant):
    late, _ = await arrange(tenant)
    token = await tenant.token_for("sales_rep")
    query = "query($id: ID!) { node(id: $id) { ... on Customer { invoices { total payments { amount } } } } }"
    result = await gql(query, {"id": to_global_id("Customer", late.customer_id)}, token=token)
    assert result.codes == ["FORBIDDEN"] and result.error_paths()[0][-1] == "payments"
    assert result.data["node"]["invoices"] == [{"total": "120.0000", "payments": None}]


async def test_the_warehouse_sees_no_receivables(gql, tenant):
    late, _ = await arrange(tenant)
    token = await tenant.token_for("warehouse")
    for field in (
        "paymentStatus",
        "overdueAmount { amount }",
        "invoices { number }",
        "orders { id }",
    ):
        query = f"query($id: ID!) {{ node(id: $id) {{ ... on Customer {{ name {field} }} }} }}"
        result = await gql(query, {"id": to_global_id("Customer", late.customer_id)}, token=token)
        assert result.codes == ["FORBIDDEN"], field
        assert result.data["node"]["name"] and len(result.data["node"]) == 2


async def test_customer_page_costs_the_same_statements_for_any_size(gql, tenant, count_statements):
    token = await tenant.token_for("accountant")
    for _ in range(3):
        await arrange(tenant)
    counts = []
    for n in (1, 6):
        with count_statements() as counter:
            nodes = (await gql(PAGE, {"n": n}, token=token)).ok()["customers"]["nodes"]
        assert len(nodes) == n and all(node["paymentStatus"] for node in nodes)
        counts.append(counter.count)
    assert counts[0] == counts[1]


async def test_overdue_amounts_of_different_currencies_never_add_up(gql, tenant):
    long_ago = today_utc() - timedelta(days=90)
    eur = await arrange_invoice(tenant, today=long_ago)
    await arrange_invoice(tenant, today=long_ago, currency="USD", customer_id=eur.customer_id)
    await arrange_invoice(tenant, currency="USD", customer_id=eur.customer_id)  # not due yet
    token = await tenant.token_for("sales_rep")
    found = (await gql(ONE, {"id": to_global_id("Customer", eur.customer_id)}, token=token)).ok()
    assert found["node"]["paymentStatus"] == "OVERDUE"
    assert found["node"]["overdueAmount"] == [
        {"amount": "120.0000", "currency": "EUR"},
        {"amount": "120.0000", "currency": "USD"},
    ]
