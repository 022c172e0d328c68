"""Who reads and writes products and stock (ACCESS.md): sales sees price and stock
available to promise, never cost or the ledger; the warehouse and accounting run it."""

from api.core.relay import to_global_id
from tests.support.backoffice import arrange_stock, custom_role_token, level_of, movement_count

PRODUCTS = """{ products(first: 10) { nodes { sku unitPrice available onHand reserved
    stockLevels { onHand available warehouse { code } } } } }"""
RECEIVE = """mutation($input: ReceiveStockInput!) { receiveStock(input: $input) {
    stockLevel { onHand reserved available } userErrors { field code message } } }"""
CREATE = """mutation($input: CreateProductInput!) { createProduct(input: $input) {
    product { sku unitPrice unitCost currency available } userErrors { field code } } }"""


async def _stock(tenant):
    return await arrange_stock(
        tenant,
        {"WID-1": ("10.00", "6.00", 5)},
        ("MAIN", "EAST"),
        {("WID-1", "MAIN"): 7, ("WID-1", "EAST"): 3},
    )


async def test_sales_rep_reads_stock_available_to_promise(gql, tenant):
    await _stock(tenant)
    token = await tenant.token_for("sales_rep")
    data = (await gql(PRODUCTS, token=token)).ok()
    [product] = data["products"]["nodes"]
    assert product["sku"] == "WID-1" and product["unitPrice"] == "10.0000"
    assert (product["available"], product["onHand"], product["reserved"]) == (10, 10, 0)
    assert sorted(lv["warehouse"]["code"] for lv in product["stockLevels"]) == ["EAST", "MAIN"]


async def test_sales_rep_may_not_filter_or_sort_by_what_it_cannot_read(gql, tenant):
    token = await tenant.token_for("sales_rep")
    ok = await gql("{ products(filter: {lowStock: true}) { nodes { sku } } }", token=token)
    assert ok.ok() == {"products": {"nodes": []}}
    hr = await tenant.token_for("hr_manager")
    refused = await gql("{ products(filter: {lowStock: true}) { nodes { sku } } }", token=hr)
    assert refused.codes == ["FORBIDDEN"]


async def test_hr_manager_and_anonymous_see_nothing(gql, tenant):
    await _stock(tenant)
    hr = await tenant.token_for("hr_manager")
    result = await gql(PRODUCTS, token=hr)
    assert result.codes == ["FORBIDDEN"] and result.nothing
    assert (await gql("{ warehouses { code } }", token=hr)).codes == ["FORBIDDEN"]
    anonymous = await gql(PRODUCTS)
    assert anonymous.codes == ["UNAUTHENTICATED"] and anonymous.data is None


async def test_other_tenant_sees_none_of_it(gql, tenant, other_tenant):
    stock = await _stock(tenant)
    token = await other_tenant.token_for("warehouse")
    assert (await gql(PRODUCTS, token=token)).ok() == {"products": {"nodes": []}}
    pid = to_global_id("Product", stock.products["WID-1"])
    found = await gql("query($id: ID!) { product(id: $id) { sku } }", {"id": pid}, token=token)
    assert found.codes == ["NOT_FOUND"]
    wid = to_global_id("Warehouse", stock.warehouses["MAIN"])
    result = await gql(
        RECEIVE, {"input": {"productId": pid, "warehouseId": wid, "quantity": 5}}, token=token
    )
    assert result.ok()["receiveStock"]["userErrors"][0]["code"] == "NOT_FOUND"
    assert await level_of(tenant, stock.products["WID-1"], stock.warehouses["MAIN"]) == (7, 0)


async def test_sales_rep_cannot_receive_stock_nor_create_products(gql, tenant):
    stock = await _stock(tenant)
    token = await tenant.token_for("sales_rep")
    before = await movement_count(tenant)
    variables = {
        "input": {
            "productId": to_global_id("Product", stock.products["WID-1"]),
            "warehouseId": to_global_id("Warehouse", stock.warehouses["MAIN"]),
            "quantity": 5,
        }
    }
    result = await gql(RECEIVE, variables, token=token)
    assert result.codes == ["FORBIDDEN"]
    created = await gql(
        CREATE,
        {"input": {"sku": "X", "name": "X", "unitPrice": "1", "currency": "EUR"}},
        token=token,
    )
    assert created.codes == ["FORBIDDEN"]
    assert await movement_count(tenant) == before
    assert await level_of(tenant, stock.products["WID-1"], stock.warehouses["MAIN"]) == (7, 0)
    skus = [
        n["sku"] for n in (await gql(PRODUCTS, token=tenant.admin_token)).ok()["products"]["nodes"]
    ]
    assert skus == ["WID-1"]


async def test_warehouse_may_not_set_unit_cost_but_accountant_and_admin_may(gql, tenant):
    product = {
        "sku": "C-1",
        "name": "Cable",
        "unitPrice": "2.50",
        "currency": "eur",
        "unitCost": "1",
    }
    warehouse = await tenant.token_for("warehouse")
    refused = await gql(CREATE, {"input": product}, token=warehouse)
    assert refused.codes == ["FORBIDDEN"]
    assert (await gql(PRODUCTS, token=tenant.admin_token)).ok()["products"]["nodes"] == []
    accountant = await tenant.token_for("accountant")
    created = (await gql(CREATE, {"input": product}, token=accountant)).ok()["createProduct"]
    assert created["userErrors"] == []
    assert created["product"] == {
        "sku": "C-1",
        "unitPrice": "2.5000",
        "unitCost": "1.0000",
        "currency": "EUR",
        "available": 0,
    }
    duplicate = await gql(CREATE, {"input": {**product, "sku": "c-1"}}, token=tenant.admin_token)
    assert duplicate.ok()["createProduct"]["userErrors"] == [{"field": "sku", "code": "DUPLICATE"}]


async def test_low_stock_filter_reveals_on_hand_and_reorder_point(gql, tenant):
    """A role that reads the catalogue but not stock may not filter by lowStock."""
    await _stock(tenant)
    catalogue = {"Product": {"actions": ["read"], "read": ["sku", "name", "reorderPoint"]}}
    token = await custom_role_token(tenant, "catalogue_reader", catalogue)
    assert (await gql("{ products { nodes { sku } } }", token=token)).ok()["products"]["nodes"]
    refused = await gql("{ products(filter: {lowStock: false}) { nodes { sku } } }", token=token)
    assert refused.codes == ["FORBIDDEN"] and refused.nothing
    available = await gql("{ products { nodes { sku available } } }", token=token)
    assert available.codes == ["FORBIDDEN"]
    assert available.data["products"]["nodes"] == [{"sku": "WID-1", "available": None}]
