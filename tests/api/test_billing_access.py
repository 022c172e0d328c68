"""Who sees what of invoices (ACCESS.md), and reads that cost a fixed number of statements."""

from __future__ import annotations

from decimal import Decimal

import pytest

from api.core.relay import to_global_id
from domain.billing import services
from tests.support.billing import PAY, VOID, snapshot
from tests.support.orders import actor_for, arrange_invoice
from tests.support.prefetch import with_page

SUMMARY = "number status total amountDue dueDate"
DETAIL = "lines { total product { sku } } payments { amount } creditNotes { number }"
LIST = f"{{ invoices {{ nodes {{ id {SUMMARY} {{detail}} }} }} }}"


def listing(detail: str = "") -> str:
    return LIST.replace("{detail}", detail)


async def paid_invoice(tenant):
    invoice = await arrange_invoice(tenant)
    async with tenant.session(tenant.admin_id) as conn:
        await services.record_payment(
            conn, actor_for(tenant), invoice.id, amount=Decimal("20"), currency_code="EUR"
        )
    return invoice


@pytest.mark.parametrize("role", ["sales_rep", "sales_manager"])
async def test_sales_reads_the_summary_only(gql, tenant, role):
    invoice = await paid_invoice(tenant)
    token = await tenant.token_for(role)
    (node,) = (await gql(listing(), token=token)).ok()["invoices"]["nodes"]
    assert node == {
        "id": to_global_id("Invoice", invoice.id),
        "number": invoice.number,
        "status": "PARTIALLY_PAID",
        "total": "120.0000",
        "amountDue": "100.0000",
        "dueDate": str(invoice.due_date),
    }
    # (the detail a list refuses them: tests/api/test_access_matrix.py; node(id:) too)
    by_id = await gql(
        "query($id: ID!) { node(id: $id) { ... on Invoice { total lines { total } } } }",
        {"id": to_global_id("Invoice", invoice.id)},
        token=token,
    )
    assert by_id.codes == ["FORBIDDEN"] and by_id.data["node"] == {
        "total": "120.0000",
        "lines": None,
    }


@pytest.mark.parametrize("role", ["sales_rep", "warehouse", "hr_manager"])
async def test_refused_writes_change_nothing(gql, tenant, role):
    invoice = await paid_invoice(tenant)
    token = await tenant.token_for(role)
    before = await snapshot(tenant)
    gid = to_global_id("Invoice", invoice.id)
    for query, value in (
        (PAY, {"invoiceId": gid, "amount": "1", "currency": "EUR"}),
        (VOID, {"id": gid, "reason": "no"}),
    ):
        result = await gql(query, {"input": value}, token=token)
        assert result.codes == ["FORBIDDEN"] and result.nothing
    assert await snapshot(tenant) == before


@pytest.mark.parametrize("role", ["warehouse", "hr_manager"])
async def test_roles_without_invoices_see_none_through_node(gql, tenant, role):
    invoice = await arrange_invoice(tenant)
    token = await tenant.token_for(role)
    by_id = await gql(
        "query($id: ID!) { node(id: $id) { id } }",
        {"id": to_global_id("Invoice", invoice.id)},
        token=token,
    )
    assert by_id.codes == ["FORBIDDEN"] and by_id.data == {"node": None}


async def test_anonymous_and_other_tenants_see_nothing(gql, tenant, other_tenant):
    invoice = await arrange_invoice(tenant)
    anonymous = await gql(listing())
    assert anonymous.codes == ["UNAUTHENTICATED"] and anonymous.data is None
    other = other_tenant.admin_token
    assert (await gql(listing(), token=other)).ok()["invoices"]["nodes"] == []
    by_id = await gql(
        "query($id: ID!) { node(id: $id) { id } }",
        {"id": to_global_id("Invoice", invoice.id)},
        token=other,
    )
    assert by_id.codes == ["NOT_FOUND"]
    before = await snapshot(tenant)
    pay = {"invoiceId": to_global_id("Invoice", invoice.id), "amount": "1", "currency": "EUR"}
    refused = (await gql(PAY, {"input": pay}, token=other)).ok()["recordPayment"]
    assert refused["userErrors"][0]["code"] == "NOT_FOUND"
    assert await snapshot(tenant) == before


async def test_filters_and_sort_keys(gql, tenant):
    from datetime import date

    old = await arrange_invoice(tenant, today=date(2025, 1, 10))  # due 2025-02-09: overdue
    fresh = await arrange_invoice(tenant)
    draft = await arrange_invoice(tenant, issue=False)
    token = await tenant.token_for("sales_rep")
    query = """query($f: InvoiceFilter, $o: InvoiceOrder) {
      invoices(filter: $f, orderBy: $o) { nodes { id overdue } } }"""

    async def ids(f=None, o=None):
        nodes = (await gql(query, {"f": f, "o": o}, token=token)).ok()["invoices"]["nodes"]
        return [n["id"] for n in nodes]

    g = [to_global_id("Invoice", r.id) for r in (old, fresh, draft)]
    assert await ids({"overdue": True}) == [g[0]]
    assert await ids({"status": ["DRAFT"]}) == [g[2]]
    assert await ids({"customerId": to_global_id("Customer", fresh.customer_id)}) == [g[1]]
    assert await ids(o={"field": "NUMBER", "direction": "DESC"}) == [g[1], g[0], g[2]]
    assert await ids(o={"field": "DUE_DATE"}) == [g[2], g[0], g[1]]


async def test_statement_count_does_not_grow_with_the_page(gql, tenant, count_statements):
    token = await tenant.token_for("accountant")
    query = f"query($n: Int) {{ invoices(first: $n) {{ nodes {{ {SUMMARY} {DETAIL} order {{ status }} }} }} }}"
    for _ in range(6):
        await paid_invoice(tenant)
    counts = []
    for n in (1, 6):
        with count_statements() as counter:
            nodes = (await gql(with_page(query, n), token=token)).ok()["invoices"]["nodes"]
        assert len(nodes) == n and all(node["payments"] for node in nodes)
        assert all(node["order"]["status"] == "CONFIRMED" for node in nodes)
        counts.append(counter.count)
    assert counts[0] == counts[1]


async def test_keyset_paging_over_a_nullable_sort_key(gql, tenant):
    made = [await arrange_invoice(tenant, issue=i > 0) for i in range(3)]
    token = await tenant.token_for("accountant")
    query = """query($after: String) { invoices(first: 1, after: $after, orderBy: {field: NUMBER}) {
      nodes { number } pageInfo { endCursor hasNextPage } } }"""
    seen, after = [], None
    for _ in range(3):
        page = (await gql(query, {"after": after}, token=token)).ok()["invoices"]
        seen += [n["number"] for n in page["nodes"]]
        after = page["pageInfo"]["endCursor"]
    assert seen == [None, made[1].number, made[2].number]
    assert page["pageInfo"]["hasNextPage"] is False


async def test_a_sales_rep_sees_the_order_of_an_invoice_only_when_it_owns_it(gql, tenant):
    from tests.support.orders import arrange_order

    rep = await tenant.user("sales_rep")
    async with tenant.session(tenant.admin_id) as conn:
        own = await arrange_order(conn, tenant.id, rep)
        actor = actor_for(tenant)
        invoice = await services.create_invoice_from_order(conn, actor, own.order_id)
    theirs = await arrange_invoice(tenant)
    query = "{ invoices { nodes { id order { id } } } }"
    nodes = (await gql(query, token=tenant.token(rep))).ok()["invoices"]["nodes"]
    by_id = {n["id"]: n["order"] for n in nodes}
    assert by_id[to_global_id("Invoice", invoice.id)] == {
        "id": to_global_id("SalesOrder", own.order_id)
    }
    assert by_id[to_global_id("Invoice", theirs.id)] is None


@pytest.mark.parametrize("role", ["accountant", "tenant_admin"])
async def test_back_office_writes(gql, tenant, role):
    invoice = await arrange_invoice(tenant)
    token = tenant.admin_token if role == "tenant_admin" else await tenant.token_for(role)
    pay = {"invoiceId": to_global_id("Invoice", invoice.id), "amount": "120", "currency": "EUR"}
    paid = (await gql(PAY, {"input": pay}, token=token)).ok()["recordPayment"]
    assert paid["userErrors"] == [] and paid["invoice"]["status"] == "PAID"


async def test_relations_lead_back_to_the_customer_and_the_invoice(gql, tenant):
    invoice = await paid_invoice(tenant)
    token = await tenant.token_for("accountant")
    query = "{ invoices { nodes { customer { id } payments { invoice { number } } } } }"
    (node,) = (await gql(query, token=token)).ok()["invoices"]["nodes"]
    assert node["customer"] == {"id": to_global_id("Customer", invoice.customer_id)}
    assert node["payments"] == [{"invoice": {"number": invoice.number}}]
