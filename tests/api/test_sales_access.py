"""Who sees and does what with sales orders (ACCESS.md): reps their own orders without
cost or margin, managers and accounting every order with them, the warehouse ships,
HR nothing. Refused writes change nothing. Reads cost a fixed number of statements."""

from api.core.relay import to_global_id
from tests.support.backoffice import (
    CREATE_ORDER,
    arrange_customer,
    arrange_stock,
    level_of,
    movement_count,
    order_count,
    order_widgets,
    widgets_and_customer,
)

ORDERS = "{ orders(first: 50) { nodes { id status total owner { name } customer { name } lines { quantity product { sku available } } } } }"
COST = "query($id: ID!) { order(id: $id) { total cost margin lines { unitCost cost margin } } }"
ONE = "query($id: ID!) { order(id: $id) { status total } }"
STEP = """mutation($input: OrderStepInput!) {{ {name}(input: $input) {{
    order {{ status }} userErrors {{ field code }} }} }}"""


async def test_sales_rep_sees_own_orders(gql, tenant):
    stock, customer = await widgets_and_customer(tenant)
    rep, other_rep = await tenant.token_for("sales_rep"), await tenant.token_for("sales_rep")
    mine = await order_widgets(gql, rep, stock, customer)
    theirs = await order_widgets(gql, other_rep, stock, customer)

    nodes = (await gql(ORDERS, token=rep)).ok()["orders"]["nodes"]
    assert [n["id"] for n in nodes] == [mine]
    assert nodes[0]["lines"] == [{"quantity": 2, "product": {"sku": "WID-1", "available": 10}}]
    hidden = await gql(ONE, {"id": theirs}, token=rep)
    assert hidden.codes == ["NOT_FOUND"] and hidden.nothing
    node = await gql("query($id: ID!) { node(id: $id) { id } }", {"id": theirs}, token=rep)
    assert node.codes == ["NOT_FOUND"]

    # confirming another rep's order is not found, and changes nothing
    other = (await gql(STEP.format(name="confirmOrder"), {"input": {"id": theirs}}, token=rep)).ok()
    assert other["confirmOrder"]["userErrors"] == [{"field": "id", "code": "NOT_FOUND"}]
    assert await level_of(tenant, stock.products["WID-1"], stock.warehouses["MAIN"]) == (10, 0)
    # sorting by a field the rep reads works, and stays within its scope
    refused = await gql("{ orders(orderBy: {field: TOTAL}) { nodes { id } } }", token=rep)
    assert refused.ok()["orders"]["nodes"] == [{"id": mine}]


async def test_back_office_roles(gql, tenant):
    stock, customer = await widgets_and_customer(tenant)
    rep = await tenant.token_for("sales_rep")
    order = await order_widgets(gql, rep, stock, customer)
    confirm = STEP.format(name="confirmOrder")
    fulfil = STEP.format(name="fulfillOrder")
    cancel = STEP.format(name="cancelOrder")

    for role in ("sales_manager", "accountant"):
        token = await tenant.token_for(role)
        data = (await gql(COST, {"id": order}, token=token)).ok()["order"]
        assert (data["cost"], data["margin"]) == ("12.0000", "8.0000")
    warehouse = await tenant.token_for("warehouse")
    assert (await gql(ONE, {"id": order}, token=warehouse)).ok()["order"]["status"] == "DRAFT"

    accountant = await tenant.token_for("accountant")
    before = (await order_count(tenant), await movement_count(tenant))
    for token, mutation in ((accountant, confirm), (warehouse, confirm), (rep, cancel)):
        result = await gql(mutation, {"input": {"id": order}}, token=token)
        assert result.codes == ["FORBIDDEN"]
    line = {"productId": to_global_id("Product", stock.products["WID-1"]), "quantity": 1}
    create = {"input": {"customerId": to_global_id("Customer", customer), "lines": [line]}}
    assert (await gql(CREATE_ORDER, create, token=accountant)).codes == ["FORBIDDEN"]
    assert (await gql(CREATE_ORDER, create, token=warehouse)).codes == ["FORBIDDEN"]
    assert (await order_count(tenant), await movement_count(tenant)) == before
    assert (await gql(ONE, {"id": order}, token=rep)).ok()["order"]["status"] == "DRAFT"

    assert (await gql(confirm, {"input": {"id": order}}, token=rep)).ok()["confirmOrder"][
        "order"
    ] == {"status": "CONFIRMED"}
    assert (await gql(fulfil, {"input": {"id": order}}, token=tenant.admin_token)).ok()[
        "fulfillOrder"
    ]["order"] == {"status": "FULFILLED"}
    late = (await gql(cancel, {"input": {"id": order}}, token=accountant)).ok()["cancelOrder"]
    assert late["userErrors"][0]["code"] == "INVALID_STATE"


async def test_hr_anonymous_and_other_tenant_see_nothing(gql, tenant, other_tenant):
    stock, customer = await widgets_and_customer(tenant)
    order = await order_widgets(gql, tenant.admin_token, stock, customer)
    hr = await tenant.token_for("hr_manager")
    result = await gql(ORDERS, token=hr)
    assert result.codes == ["FORBIDDEN"] and result.nothing
    assert (await gql(ONE, {"id": order})).codes == ["UNAUTHENTICATED"]
    stranger = other_tenant.admin_token
    assert (await gql(ONE, {"id": order}, token=stranger)).codes == ["NOT_FOUND"]
    assert (await gql(ORDERS, token=stranger)).ok() == {"orders": {"nodes": []}}
    cancel = STEP.format(name="cancelOrder")
    refused = (await gql(cancel, {"input": {"id": order}}, token=stranger)).ok()["cancelOrder"]
    assert refused["userErrors"] == [{"field": "id", "code": "NOT_FOUND"}]
    assert (await gql(ONE, {"id": order}, token=tenant.admin_token)).ok()["order"][
        "status"
    ] == "DRAFT"


async def test_orders_filter_by_status_and_customer(gql, tenant):
    stock, customer = await widgets_and_customer(tenant)
    other_customer = await arrange_customer(tenant, "Globex")
    token = await tenant.token_for("sales_manager")
    first = await order_widgets(gql, token, stock, customer)
    await order_widgets(gql, token, stock, other_customer)
    (await gql(STEP.format(name="confirmOrder"), {"input": {"id": first}}, token=token)).ok()
    query = """query($f: OrderFilter) { orders(filter: $f, orderBy: {field: CREATED_AT, direction: ASC}) {
        nodes { id status } } }"""
    confirmed = (await gql(query, {"f": {"status": ["CONFIRMED"]}}, token=token)).ok()
    assert confirmed["orders"]["nodes"] == [{"id": first, "status": "CONFIRMED"}]
    by_customer = (
        await gql(query, {"f": {"customerId": to_global_id("Customer", customer)}}, token=token)
    ).ok()
    assert [n["id"] for n in by_customer["orders"]["nodes"]] == [first]


async def test_statements_do_not_grow_with_lines(gql, tenant, count_statements):
    skus = {f"P-{i:02d}": ("1.00", "0.50", 0) for i in range(30)}
    stock = await arrange_stock(tenant, skus, on_hand={(sku, "MAIN"): 5 for sku in skus})
    customer = to_global_id("Customer", await arrange_customer(tenant))
    token = tenant.admin_token
    query = """query($id: ID!) { order(id: $id) { total warehouse { code }
        lines { quantity product { sku available unitPrice } } } }"""

    async def statements_for(n):
        lines = [
            {"productId": to_global_id("Product", stock.products[sku]), "quantity": 1}
            for sku in list(skus)[:n]
        ]
        created = (
            await gql(
                CREATE_ORDER, {"input": {"customerId": customer, "lines": lines}}, token=token
            )
        ).ok()
        order = created["createOrder"]["order"]["id"]
        with count_statements() as counter:
            data = (await gql(query, {"id": order}, token=token)).ok()
        assert (
            len(data["order"]["lines"]) == n
            and data["order"]["lines"][0]["product"]["available"] == 5
        )
        return counter.count

    assert await statements_for(3) == await statements_for(30)
    listing = (
        "{ orders(first: 50) { nodes { lines { product { available } } warehouse { code } } } }"
    )
    with count_statements() as few:
        (await gql(listing, token=token)).ok()
    await statements_for(30)
    with count_statements() as more:
        (await gql(listing, token=token)).ok()
    assert few.count == more.count
