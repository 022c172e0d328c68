"""Receiving, adjusting and transferring stock: the ledger always sums to the levels,
and bad input is a userError that writes nothing."""

from api.core.relay import to_global_id
from tests.support.backoffice import (
    arrange_customer,
    arrange_stock,
    ledger_matches_levels,
    level_of,
    movement_count,
)

ADJUST = """mutation($input: AdjustStockInput!) { adjustStock(input: $input) {
    stockLevel { onHand reserved available } userErrors { field code } } }"""
TRANSFER = """mutation($input: TransferStockInput!) { transferStock(input: $input) {
    fromLevel { onHand warehouse { code } } toLevel { onHand warehouse { code } }
    userErrors { field code } } }"""
RECEIVE = """mutation($input: ReceiveStockInput!) { receiveStock(input: $input) {
    stockLevel { onHand } userErrors { field code } } }"""
UPDATE = """mutation($input: UpdateProductInput!) { updateProduct(input: $input) {
    product { name version } userErrors { field code } } }"""


async def test_receive_adjust_transfer_keep_the_ledger_in_step(gql, tenant):
    stock = await arrange_stock(tenant, warehouses=("MAIN", "EAST"), on_hand={("WID-1", "MAIN"): 4})
    token = await tenant.token_for("warehouse")
    pid = to_global_id("Product", stock.products["WID-1"])
    main = to_global_id("Warehouse", stock.warehouses["MAIN"])
    east = to_global_id("Warehouse", stock.warehouses["EAST"])

    received = await gql(
        RECEIVE, {"input": {"productId": pid, "warehouseId": main, "quantity": 6}}, token=token
    )
    assert received.ok()["receiveStock"] == {"stockLevel": {"onHand": 10}, "userErrors": []}
    adjusted = await gql(
        ADJUST,
        {"input": {"productId": pid, "warehouseId": main, "quantity": -2, "reason": "damaged"}},
        token=token,
    )
    assert adjusted.ok()["adjustStock"]["stockLevel"] == {
        "onHand": 8,
        "reserved": 0,
        "available": 8,
    }
    moved = await gql(
        TRANSFER,
        {
            "input": {
                "productId": pid,
                "fromWarehouseId": main,
                "toWarehouseId": east,
                "quantity": 3,
            }
        },
        token=token,
    )
    assert moved.ok()["transferStock"] == {
        "fromLevel": {"onHand": 5, "warehouse": {"code": "MAIN"}},
        "toLevel": {"onHand": 3, "warehouse": {"code": "EAST"}},
        "userErrors": [],
    }
    async with tenant.session() as conn:
        assert await ledger_matches_levels(conn)
    assert await movement_count(tenant) == 5  # initial, receipt, adjustment, out, in


async def test_bad_stock_input_is_a_user_error_and_writes_nothing(gql, tenant, other_tenant):
    stock = await arrange_stock(tenant, warehouses=("MAIN", "EAST"), on_hand={("WID-1", "MAIN"): 4})
    foreign = await arrange_stock(other_tenant, {"F-1": ("1", None, 0)})
    token = await tenant.token_for("warehouse")
    pid = to_global_id("Product", stock.products["WID-1"])
    main = to_global_id("Warehouse", stock.warehouses["MAIN"])
    east = to_global_id("Warehouse", stock.warehouses["EAST"])
    cases = [
        (
            RECEIVE,
            {"productId": pid, "warehouseId": main, "quantity": 0},
            "quantity",
            "BAD_USER_INPUT",
        ),
        (
            RECEIVE,
            {"productId": pid, "warehouseId": main, "quantity": -3},
            "quantity",
            "BAD_USER_INPUT",
        ),
        (
            RECEIVE,
            {"productId": "nonsense", "warehouseId": main, "quantity": 1},
            "productId",
            "BAD_USER_INPUT",
        ),
        (
            RECEIVE,
            {
                "productId": to_global_id("Product", foreign.products["F-1"]),
                "warehouseId": main,
                "quantity": 1,
            },
            "productId",
            "NOT_FOUND",
        ),
        (
            ADJUST,
            {"productId": pid, "warehouseId": main, "quantity": -5, "reason": "x"},
            "quantity",
            "INSUFFICIENT_STOCK",
        ),
        (
            ADJUST,
            {"productId": pid, "warehouseId": main, "quantity": 1, "reason": " "},
            "reason",
            "BAD_USER_INPUT",
        ),
        (
            TRANSFER,
            {"productId": pid, "fromWarehouseId": main, "toWarehouseId": east, "quantity": 5},
            "quantity",
            "INSUFFICIENT_STOCK",
        ),
        (
            TRANSFER,
            {"productId": pid, "fromWarehouseId": main, "toWarehouseId": main, "quantity": 1},
            "toWarehouseId",
            "BAD_USER_INPUT",
        ),
    ]
    for mutation, payload, field, code in cases:
        result = (await gql(mutation, {"input": payload}, token=token)).ok()
        errors = next(iter(result.values()))["userErrors"]
        assert errors == [{"field": field, "code": code}], (payload, errors)
    assert await movement_count(tenant) == 1
    assert await level_of(tenant, stock.products["WID-1"], stock.warehouses["MAIN"]) == (4, 0)
    assert await level_of(tenant, stock.products["WID-1"], stock.warehouses["EAST"]) == (0, 0)


async def test_update_product_needs_the_current_version(gql, tenant):
    stock = await arrange_stock(tenant)
    token = await tenant.token_for("warehouse")
    pid = to_global_id("Product", stock.products["WID-1"])
    first = await gql(UPDATE, {"input": {"id": pid, "version": 1, "name": "Widget"}}, token=token)
    assert first.ok()["updateProduct"] == {
        "product": {"name": "Widget", "version": 2},
        "userErrors": [],
    }
    stale = await gql(UPDATE, {"input": {"id": pid, "version": 1, "name": "Gadget"}}, token=token)
    assert stale.ok()["updateProduct"] == {
        "product": None,
        "userErrors": [{"field": "version", "code": "CONFLICT"}],
    }
    query = "query($id: ID!) { node(id: $id) { ... on Product { name version } } }"
    assert (await gql(query, {"id": pid}, token=token)).ok()["node"] == {
        "name": "Widget",
        "version": 2,
    }


async def test_low_stock_filter(gql, tenant):
    await arrange_stock(
        tenant,
        {"LOW": ("1", None, 5), "EDGE": ("1", None, 3), "OK": ("1", None, 2)},
        on_hand={("LOW", "MAIN"): 1, ("EDGE", "MAIN"): 3, ("OK", "MAIN"): 9},
    )
    token = await tenant.token_for("sales_rep")
    query = "{ products(filter: {lowStock: true}, orderBy: {field: SKU}) { nodes { sku } } }"
    nodes = (await gql(query, token=token)).ok()["products"]["nodes"]
    assert [n["sku"] for n in nodes] == ["EDGE", "LOW"]


CREATE_ORDER = """mutation($input: CreateOrderInput!) { createOrder(input: $input) {
    order { id } userErrors { code } } }"""
CONFIRM_ORDER = """mutation($input: OrderStepInput!) { confirmOrder(input: $input) {
    userErrors { code } } }"""


async def test_low_stock_counts_what_is_reserved(gql, tenant):
    """5 on hand with all 5 reserved leaves nothing to promise: low, though on hand is
    over the reorder point; unreserved stock over the point is not low."""
    stock = await arrange_stock(
        tenant,
        {"BOOKED": ("1", None, 2), "FREE": ("1", None, 2)},
        on_hand={("BOOKED", "MAIN"): 5, ("FREE", "MAIN"): 5},
    )
    token = await tenant.token_for("sales_manager")
    line = {"productId": to_global_id("Product", stock.products["BOOKED"]), "quantity": 5}
    order = {"customerId": to_global_id("Customer", await arrange_customer(tenant))}
    created = await gql(CREATE_ORDER, {"input": {**order, "lines": [line]}}, token=token)
    order_id = created.ok()["createOrder"]["order"]["id"]
    confirmed = await gql(CONFIRM_ORDER, {"input": {"id": order_id}}, token=token)
    assert confirmed.ok()["confirmOrder"]["userErrors"] == []
    query = """query($low: Boolean) { products(filter: {lowStock: $low}, orderBy: {field: SKU}) {
        nodes { sku onHand available reorderPoint } } }"""
    low = (await gql(query, {"low": True}, token=token)).ok()["products"]["nodes"]
    assert low == [{"sku": "BOOKED", "onHand": 5, "available": 0, "reorderPoint": 2}]
    rest = (await gql(query, {"low": False}, token=token)).ok()["products"]["nodes"]
    assert [n["sku"] for n in rest] == ["FREE"]
