"""SalesOrder.invoices: the invoices made from an order, newest first; sales roles read
their summary only (as on Customer.invoices), and a page costs the same statements."""

from __future__ import annotations

import pytest

from api.core.relay import to_global_id
from domain.billing import services
from tests.support.orders import actor_for, arrange_order

ONE = "query($id: ID!) { order(id: $id) { status invoices { FIELDS } } }"
SUMMARY = "number status amountDue"


def one(fields: str) -> str:
    return ONE.replace("FIELDS", fields)


async def arrange(tenant, owner_id):
    """An order owned by `owner_id` with a void invoice and a newer issued one."""
    admin = actor_for(tenant, "tenant_admin")
    async with tenant.session(tenant.admin_id) as conn:
        order = await arrange_order(conn, tenant.id, owner_id)
        made = []
        for _ in range(2):
            draft = await services.create_invoice_from_order(conn, admin, order.order_id)
            made.append(await services.issue_invoice(conn, admin, draft.id, None))
            if len(made) == 1:
                await services.void_invoice(conn, admin, draft.id, None, "wrong address")
    return to_global_id("SalesOrder", order.order_id), made


@pytest.mark.parametrize("role", ["sales_rep", "sales_manager", "accountant", "tenant_admin"])
async def test_an_order_lists_its_invoices_newest_first(gql, tenant, role):
    user = tenant.admin_id if role == "tenant_admin" else await tenant.user(role)
    order, (voided, issued) = await arrange(tenant, user)
    token = tenant.token(user)
    found = (await gql(one(SUMMARY), {"id": order}, token=token)).ok()["order"]
    assert found["invoices"] == [
        {"number": issued.number, "status": "ISSUED", "amountDue": "120.0000"},
        {"number": voided.number, "status": "VOID", "amountDue": "0.0000"},
    ]


async def test_sales_rep_reads_the_summary_only(gql, tenant):
    rep = await tenant.user("sales_rep")
    order, _ = await arrange(tenant, rep)
    token = tenant.token(rep)
    result = await gql(
        one(f"{SUMMARY} lines {{ total }} payments {{ amount }}"), {"id": order}, token=token
    )
    assert set(result.codes) == {"FORBIDDEN"}
    assert sorted(p[-1] for p in result.error_paths()) == ["lines", "lines", "payments", "payments"]
    first = result.data["order"]["invoices"][0]
    assert first["number"] and first["lines"] is None and first["payments"] is None


async def test_anonymous_other_tenant_and_warehouse(gql, tenant, other_tenant):
    order, _ = await arrange(tenant, tenant.admin_id)
    assert (await gql(one(SUMMARY), {"id": order})).codes == ["UNAUTHENTICATED"]
    stranger = await gql(one(SUMMARY), {"id": order}, token=other_tenant.admin_token)
    assert stranger.codes == ["NOT_FOUND"]
    warehouse = await gql(one(SUMMARY), {"id": order}, token=await tenant.token_for("warehouse"))
    assert warehouse.codes == ["FORBIDDEN"]  # the warehouse reads orders, not invoices
    assert warehouse.data is None or warehouse.data["order"]["invoices"] is None


async def test_statement_count_does_not_grow_with_the_page(gql, tenant, count_statements):
    for _ in range(5):
        await arrange(tenant, tenant.admin_id)
    token = await tenant.token_for("accountant")
    query = (
        f"query($n: Int) {{ orders(first: $n) {{ nodes {{ status invoices {{ {SUMMARY} }} }} }} }}"
    )
    counts = []
    for n in (1, 5):
        with count_statements() as counter:
            nodes = (await gql(query, {"n": n}, token=token)).ok()["orders"]["nodes"]
        assert len(nodes) == n and all(len(node["invoices"]) == 2 for node in nodes)
        counts.append(counter.count)
    assert counts[0] == counts[1]
