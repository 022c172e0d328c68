"""Inventory lists load the relations their client selected for all rows at once: a
level's or a movement's product, warehouse and order, and the same relations on the
stock levels of every product of a page (api.core.loaders.prefetch, relay.with_relations)."""

from __future__ import annotations

from api.core.relay import to_global_id
from tests.support.admin import grant
from tests.support.backoffice import arrange_customer, arrange_stock
from tests.support.prefetch import nodes

LEVELS = """query($n: Int) { stockLevels(first: $n) {
  nodes { onHand product { sku available } warehouse { code } } } }"""
LEVELS_BY_FRAGMENT = """query($n: Int) { stockLevels(first: $n) { edges { node { ...L } } } }
fragment L on StockLevel { onHand item: product { sku available } ... on StockLevel { warehouse { code } } }"""
MOVEMENTS = """query($n: Int) { stockMovements(first: $n) {
  nodes { kind product { sku } warehouse { code } order { status } } } }"""
MOVEMENTS_BY_FRAGMENT = """query($n: Int) { stockMovements(first: $n) { nodes { ...M } } }
fragment M on StockMovement { kind ... { product { sku } warehouse { code } } order { status } }"""
PRODUCTS = """query($n: Int) { products(first: $n) {
  nodes { sku stockLevels { onHand warehouse { code } product { sku } } } } }"""
PRODUCTS_BY_FRAGMENT = """query($n: Int) { products(first: $n) { nodes { sku ...P } } }
fragment P on Product { stockLevels { ...S } } fragment S on StockLevel { onHand warehouse { code } product { sku } }"""
ORDER = """mutation($input: CreateOrderInput!) { createOrder(input: $input) { order { id } userErrors { field message } } }"""
CONFIRM = """mutation($input: OrderStepInput!) { confirmOrder(input: $input) { order { id } } }"""
SKUS = {f"P-{i:02d}": ("2.00", "1.00", 0) for i in range(12)}


async def _stock(gql, tenant):
    """12 products in two warehouses (24 levels, 24 receipts) and 3 confirmed orders."""
    on_hand = {(sku, code): 9 for sku in SKUS for code in ("MAIN", "EAST")}
    stock = await arrange_stock(tenant, SKUS, warehouses=("MAIN", "EAST"), on_hand=on_hand)
    customer = to_global_id("Customer", await arrange_customer(tenant))
    for sku in list(SKUS)[:3]:
        line = {"productId": to_global_id("Product", stock.products[sku]), "quantity": 1}
        main = to_global_id("Warehouse", stock.warehouses["MAIN"])
        input = {"customerId": customer, "warehouseId": main, "lines": [line]}
        made = (await gql(ORDER, {"input": input}, token=tenant.admin_token)).ok()
        assert made["createOrder"]["userErrors"] == [], made
        id = made["createOrder"]["order"]["id"]
        (await gql(CONFIRM, {"input": {"id": id}}, token=tenant.admin_token)).ok()


async def test_levels_movements_and_products_prefetch_their_relations(gql, tenant, probe_with):
    await _stock(gql, tenant)
    probe = probe_with(await tenant.token_for("warehouse"))
    levels, _, by_fragment, _ = await probe.prefetched(
        [LEVELS, LEVELS_BY_FRAGMENT], (3, 20), nodes("stockLevels")
    )
    assert all(
        n["product"]["sku"] in SKUS and n["warehouse"]["code"] in ("MAIN", "EAST")
        for n in levels["stockLevels"]["nodes"]
    )
    assert [e["node"]["item"] for e in by_fragment["stockLevels"]["edges"]] == [
        n["product"] for n in levels["stockLevels"]["nodes"]
    ]
    _, movements, *_ = await probe.prefetched(
        [MOVEMENTS, MOVEMENTS_BY_FRAGMENT], (3, 20), nodes("stockMovements")
    )
    reserved = [n for n in movements["stockMovements"]["nodes"] if n["kind"] == "RESERVATION"]
    assert len(reserved) == 3 and all(n["order"] == {"status": "CONFIRMED"} for n in reserved)
    assert all(n["product"]["sku"] in SKUS for n in movements["stockMovements"]["nodes"])
    _, products, *_ = await probe.prefetched(
        [PRODUCTS, PRODUCTS_BY_FRAGMENT], (3, 12), nodes("products")
    )
    for product in products["products"]["nodes"]:
        levels = product["stockLevels"]
        assert sorted(lv["warehouse"]["code"] for lv in levels) == ["EAST", "MAIN"]
        assert all(lv["product"]["sku"] == product["sku"] for lv in levels)


async def test_a_relation_the_role_may_not_read_is_forbidden_and_not_loaded(
    gql, tenant, custom_probe
):
    await _stock(gql, tenant)
    probe = await custom_probe(
        "ledger_clerk",  # no Product, no SalesOrder; StockLevel.warehouse not granted
        grant("StockLevel", ["read"], ["onHand", "product"]),
        grant("Warehouse", ["read"], ["code"]),
        grant("StockMovement", ["read"], ["kind", "order", "warehouse"]),
    )
    await probe.forbidden_and_not_loaded(
        "{ stockLevels(first: 10) { nodes { onHand } } }",
        "{ stockLevels(first: 10) { nodes { onHand product { sku } warehouse { code } } } }",
        20,
    )
    data = await probe.forbidden_and_not_loaded(
        "{ stockMovements(first: 10) { nodes { kind warehouse { code } } } }",
        "{ stockMovements(first: 10) { nodes { kind warehouse { code } order { status } } } }",
        10,
    )
    assert all(n["warehouse"]["code"] for n in data["stockMovements"]["nodes"])
