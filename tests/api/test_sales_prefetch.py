"""A page of orders loads what its client selected for all rows at once, down to the
products of every order's lines; so do the reports that point at orders and stock
(api.core.loaders.prefetch, relay.with_relations)."""

from __future__ import annotations

from tests.support.admin import grant
from tests.support.orders import arrange_order
from tests.support.prefetch import nodes

ORDERS = """query($n: Int) { orders(first: $n) { nodes {
  total warehouse { code } lines { quantity product { sku available } } } } }"""
ORDERS_BY_FRAGMENT = """query($n: Int) { orders(first: $n) { edges { node { ...O } } } }
fragment O on SalesOrder { total ... on SalesOrder { warehouse { code } } lines { ...L } }
fragment L on SalesOrderLine { quantity item: product { sku available } }"""
MARGINS = "query($n: Int!) { orderMarginReport(first: $n) { margin order { total } } }"
VALUATION = "{ stockValuationReport { value product { sku } warehouse { code } } }"
LINES = [(1, "10.00", "20", "4.00"), (2, "5.00", "20", "1.00")]


async def _orders(tenant, n=20):
    async with tenant.session(tenant.admin_id) as conn:
        for _ in range(n):
            await arrange_order(conn, tenant.id, tenant.admin_id, lines=LINES, on_hand=7)


async def test_an_orders_page_prefetches_its_warehouses_and_its_lines_products(
    gql, tenant, probe_with
):
    await _orders(tenant)
    probe = probe_with(tenant.admin_token)
    plain, _, by_fragment, _ = await probe.prefetched(
        [ORDERS, ORDERS_BY_FRAGMENT], (3, 20), nodes("orders")
    )
    for order, edge in zip(plain["orders"]["nodes"], by_fragment["orders"]["edges"], strict=True):
        assert order["warehouse"]["code"] and len(order["lines"]) == 2
        assert all(line["product"]["available"] == 7 for line in order["lines"])
        assert [line["item"] for line in edge["node"]["lines"]] == [
            line["product"] for line in order["lines"]
        ]


async def test_reports_prefetch_their_orders_products_and_warehouses(
    gql, tenant, probe_with, late_relations
):
    await _orders(tenant)
    probe = probe_with(await tenant.token_for("accountant"))
    margins, _ = await probe.prefetched([MARGINS], (3, 20), lambda d: d["orderMarginReport"])
    assert all(m["order"]["total"] for m in margins["orderMarginReport"])
    valuation = (await gql(VALUATION, token=probe.token)).ok()["stockValuationReport"]
    assert len(valuation) == 40 and all(v["product"] and v["warehouse"] for v in valuation)
    assert late_relations == []


async def test_a_relation_the_role_may_not_read_is_forbidden_and_not_loaded(
    gql, tenant, custom_probe
):
    await _orders(tenant, 4)
    probe = await custom_probe(
        "order_desk",  # no Product, no Warehouse
        grant("SalesOrder", ["read"], ["total", "lines", "warehouse"]),
        grant("SalesOrderLine", ["read"], ["quantity", "product"]),
    )
    data = await probe.forbidden_and_not_loaded(
        "{ orders(first: 4) { nodes { total lines { quantity } } } }",
        "{ orders(first: 4) { nodes { total warehouse { code } lines { quantity product { sku } } } } }",
        4 + 8,
    )
    assert all(len(o["lines"]) == 2 for o in data["orders"]["nodes"])
