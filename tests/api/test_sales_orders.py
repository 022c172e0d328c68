"""The order flow: a won deal becomes a draft, confirming reserves stock (or refuses
when it runs out), the warehouse ships it; totals are rounded per line, then summed."""

from api.core.relay import to_global_id
from tests.support.backoffice import (
    arrange_customer,
    arrange_deal,
    arrange_stock,
    ledger_matches_levels,
    level_of,
    movement_count,
    order_count,
)

ORDER_FIELDS = """order { id status currency subtotal taxTotal total version
    lines { quantity unitPrice subtotal tax total product { sku available } } }
    userErrors { field code message }"""
FROM_DEAL = f"""mutation($input: CreateOrderFromDealInput!) {{
    createOrderFromDeal(input: $input) {{ {ORDER_FIELDS} }} }}"""
CREATE = (
    f"""mutation($input: CreateOrderInput!) {{ createOrder(input: $input) {{ {ORDER_FIELDS} }} }}"""
)
UPDATE = (
    f"""mutation($input: UpdateOrderInput!) {{ updateOrder(input: $input) {{ {ORDER_FIELDS} }} }}"""
)
CONFIRM = (
    f"""mutation($input: OrderStepInput!) {{ confirmOrder(input: $input) {{ {ORDER_FIELDS} }} }}"""
)
FULFILL = (
    f"""mutation($input: OrderStepInput!) {{ fulfillOrder(input: $input) {{ {ORDER_FIELDS} }} }}"""
)
CANCEL = (
    f"""mutation($input: OrderStepInput!) {{ cancelOrder(input: $input) {{ {ORDER_FIELDS} }} }}"""
)


def gid(kind, uuid):
    return to_global_id(kind, uuid)


async def test_won_deal_to_confirmed_to_shipped(gql, tenant):
    stock = await arrange_stock(
        tenant, {"WID-1": ("10.00", "6.00", 0)}, on_hand={("WID-1", "MAIN"): 5}
    )
    product, main = stock.products["WID-1"], stock.warehouses["MAIN"]
    rep = await tenant.user("sales_rep")
    rep_token = tenant.token(rep)
    customer = await arrange_customer(tenant)
    deal = await arrange_deal(tenant, customer, rep, amount="30")

    created = await gql(
        FROM_DEAL,
        {
            "input": {
                "dealId": gid("Deal", deal),
                "lines": [{"productId": gid("Product", product), "quantity": 3}],
            }
        },
        token=rep_token,
    )
    order = created.ok()["createOrderFromDeal"]["order"]
    assert order["status"] == "DRAFT" and order["currency"] == "EUR" and order["total"] == "30.0000"
    again = await gql(
        FROM_DEAL,
        {
            "input": {
                "dealId": gid("Deal", deal),
                "lines": [{"productId": gid("Product", product), "quantity": 1}],
            }
        },
        token=rep_token,
    )
    assert again.ok()["createOrderFromDeal"]["userErrors"][0]["code"] == "DUPLICATE"

    confirmed = (await gql(CONFIRM, {"input": {"id": order["id"]}}, token=rep_token)).ok()[
        "confirmOrder"
    ]
    assert confirmed["userErrors"] == [] and confirmed["order"]["status"] == "CONFIRMED"
    assert confirmed["order"]["lines"][0]["product"]["available"] == 2
    assert await level_of(tenant, product, main) == (5, 3)

    # a second order for more than remains is refused and reserves nothing
    second = (
        await gql(
            CREATE,
            {
                "input": {
                    "customerId": gid("Customer", customer),
                    "lines": [{"productId": gid("Product", product), "quantity": 3}],
                }
            },
            token=rep_token,
        )
    ).ok()["createOrder"]["order"]
    refused = (await gql(CONFIRM, {"input": {"id": second["id"]}}, token=rep_token)).ok()[
        "confirmOrder"
    ]
    assert refused["order"] is None
    assert [(e["field"], e["code"]) for e in refused["userErrors"]] == [
        ("lines.0.quantity", "INSUFFICIENT_STOCK")
    ]
    assert await level_of(tenant, product, main) == (5, 3)

    # the rep may not ship; the warehouse does
    before = await movement_count(tenant)
    assert (await gql(FULFILL, {"input": {"id": order["id"]}}, token=rep_token)).codes == [
        "FORBIDDEN"
    ]
    assert await movement_count(tenant) == before
    warehouse = await tenant.token_for("warehouse")
    shipped = (await gql(FULFILL, {"input": {"id": order["id"]}}, token=warehouse)).ok()[
        "fulfillOrder"
    ]
    assert shipped["userErrors"] == [] and shipped["order"]["status"] == "FULFILLED"
    assert await level_of(tenant, product, main) == (2, 0)
    async with tenant.session() as conn:
        assert await ledger_matches_levels(conn)
    # the deal shows its order, the order its deal and customer
    query = """query($id: ID!) { node(id: $id) { ... on Deal { title order {
        status customer { name } deal { title } owner { id } } } } }"""
    deal_view = (await gql(query, {"id": gid("Deal", deal)}, token=rep_token)).ok()["node"]
    assert deal_view["order"] == {
        "status": "FULFILLED",
        "customer": {"name": "Initech"},
        "deal": {"title": "Big deal"},
        "owner": {"id": gid("User", rep)},
    }
    kinds = (
        "{ stockMovements(first: 10) { nodes { kind quantity reservedChange order { status } } } }"
    )
    nodes = (await gql(kinds, token=warehouse)).ok()["stockMovements"]["nodes"]
    assert {(n["kind"], n["quantity"], n["reservedChange"]) for n in nodes} == {
        ("RECEIPT", 5, 0),
        ("RESERVATION", 0, 3),
        ("SHIPMENT", -3, -3),
    }


async def test_totals_are_rounded_per_line_then_summed(gql, tenant):
    stock = await arrange_stock(tenant, {"A": ("0.35", "0.10", 0), "B": ("19.99", "12.00", 0)})
    customer = await arrange_customer(tenant)
    token = await tenant.token_for("sales_manager")
    lines = [
        {"productId": gid("Product", stock.products["A"]), "quantity": 3, "taxRate": "10"},
        {
            "productId": gid("Product", stock.products["B"]),
            "quantity": 1,
            "discountPercent": "12.5",
            "taxRate": "20",
        },
        {"productId": gid("Product", stock.products["A"]), "quantity": 1, "unitPrice": "0.125"},
    ]
    query = CREATE.replace("total version", "total version cost margin")
    result = (
        await gql(
            query, {"input": {"customerId": gid("Customer", customer), "lines": lines}}, token=token
        )
    ).ok()
    order = result["createOrder"]["order"]
    # A: 3 x 0.35 = 1.05, tax 0.105 -> 0.10 (half even); B: 19.99 x 0.875 = 17.49125 -> 17.49,
    # tax 3.498 -> 3.50; A at 0.125 -> 0.12 (half even), no tax
    assert [(ln["subtotal"], ln["tax"], ln["total"]) for ln in order["lines"]] == [
        ("1.0500", "0.1000", "1.1500"),
        ("17.4900", "3.5000", "20.9900"),
        ("0.1200", "0.0000", "0.1200"),
    ]
    assert (order["subtotal"], order["taxTotal"], order["total"]) == (
        "18.6600",
        "3.6000",
        "22.2600",
    )
    assert (order["cost"], order["margin"]) == ("12.4000", "6.2600")


async def test_bad_order_input_is_a_user_error_and_writes_nothing(gql, tenant, other_tenant):
    stock = await arrange_stock(tenant, {"EUR-1": ("5", None, 0)}, on_hand={("EUR-1", "MAIN"): 1})
    usd = await arrange_stock(tenant, {"USD-1": ("5", None, 0)}, warehouses=(), currency="USD")
    foreign = await arrange_stock(other_tenant, {"F-1": ("1", None, 0)})
    customer = gid("Customer", await arrange_customer(tenant))
    eur = gid("Product", stock.products["EUR-1"])
    token = await tenant.token_for("sales_manager")
    cases = [
        ([{"productId": eur, "quantity": 0}], "lines.0.quantity", "BAD_USER_INPUT"),
        ([{"productId": eur, "quantity": -2}], "lines.0.quantity", "BAD_USER_INPUT"),
        ([{"productId": "bogus", "quantity": 1}], "lines.0.productId", "BAD_USER_INPUT"),
        (
            [{"productId": gid("Product", foreign.products["F-1"]), "quantity": 1}],
            "lines.0.productId",
            "NOT_FOUND",
        ),
        (
            [
                {"productId": eur, "quantity": 1},
                {"productId": gid("Product", usd.products["USD-1"]), "quantity": 1},
            ],
            "lines.1.productId",
            "CURRENCY_MISMATCH",
        ),
        (
            [{"productId": eur, "quantity": 1, "discountPercent": "101"}],
            "lines.0.discountPercent",
            "BAD_USER_INPUT",
        ),
        ([], "lines", "BAD_USER_INPUT"),
    ]
    for lines, field, code in cases:
        result = (
            await gql(CREATE, {"input": {"customerId": customer, "lines": lines}}, token=token)
        ).ok()
        errors = result["createOrder"]["userErrors"]
        assert [(e["field"], e["code"]) for e in errors] == [(field, code)], (lines, errors)
    assert await order_count(tenant) == 0

    draft = (
        await gql(
            CREATE,
            {"input": {"customerId": customer, "lines": [{"productId": eur, "quantity": 1}]}},
            token=token,
        )
    ).ok()["createOrder"]["order"]
    warehouse = await tenant.token_for("warehouse")
    unconfirmed = (await gql(FULFILL, {"input": {"id": draft["id"]}}, token=warehouse)).ok()[
        "fulfillOrder"
    ]
    assert unconfirmed["userErrors"][0]["code"] == "INVALID_STATE"
    stale = (
        await gql(UPDATE, {"input": {"id": draft["id"], "version": 7, "notes": "x"}}, token=token)
    ).ok()
    assert stale["updateOrder"]["userErrors"][0]["code"] == "CONFLICT"
    cancelled = (await gql(CANCEL, {"input": {"id": draft["id"]}}, token=token)).ok()["cancelOrder"]
    assert cancelled["order"]["status"] == "CANCELLED"
    refused = (await gql(CONFIRM, {"input": {"id": draft["id"]}}, token=token)).ok()["confirmOrder"]
    assert refused["userErrors"][0]["code"] == "INVALID_STATE"
    not_draft = (
        await gql(UPDATE, {"input": {"id": draft["id"], "version": 2, "notes": "x"}}, token=token)
    ).ok()
    assert not_draft["updateOrder"]["userErrors"][0]["code"] == "INVALID_STATE"
    assert await movement_count(tenant) == 1  # the initial receipt only
    assert await level_of(tenant, stock.products["EUR-1"], stock.warehouses["MAIN"]) == (1, 0)


async def test_update_replaces_lines_and_cancel_releases_stock(gql, tenant):
    stock = await arrange_stock(
        tenant,
        {"A": ("2", None, 0), "B": ("3", None, 0)},
        on_hand={("A", "MAIN"): 10, ("B", "MAIN"): 10},
    )
    customer = gid("Customer", await arrange_customer(tenant))
    a, b = gid("Product", stock.products["A"]), gid("Product", stock.products["B"])
    token = await tenant.token_for("sales_manager")
    draft = (
        await gql(
            CREATE,
            {"input": {"customerId": customer, "lines": [{"productId": a, "quantity": 1}]}},
            token=token,
        )
    ).ok()["createOrder"]["order"]
    updated = (
        await gql(
            UPDATE,
            {
                "input": {
                    "id": draft["id"],
                    "version": 1,
                    "lines": [{"productId": b, "quantity": 4}, {"productId": a, "quantity": 2}],
                }
            },
            token=token,
        )
    ).ok()["updateOrder"]
    assert updated["userErrors"] == []
    assert [(ln["product"]["sku"], ln["quantity"]) for ln in updated["order"]["lines"]] == [
        ("B", 4),
        ("A", 2),
    ]
    assert (updated["order"]["total"], updated["order"]["version"]) == ("16.0000", 2)
    (await gql(CONFIRM, {"input": {"id": draft["id"], "version": 2}}, token=token)).ok()
    assert await level_of(tenant, stock.products["B"], stock.warehouses["MAIN"]) == (10, 4)
    cancelled = (await gql(CANCEL, {"input": {"id": draft["id"]}}, token=token)).ok()["cancelOrder"]
    assert cancelled["order"]["status"] == "CANCELLED"
    assert await level_of(tenant, stock.products["B"], stock.warehouses["MAIN"]) == (10, 0)
    assert await level_of(tenant, stock.products["A"], stock.warehouses["MAIN"]) == (10, 0)
    async with tenant.session() as conn:
        assert await ledger_matches_levels(conn)


async def test_only_a_won_deal_of_this_tenant_becomes_an_order(gql, tenant, other_tenant):
    stock = await arrange_stock(tenant)
    manager = await tenant.user("sales_manager")
    customer = await arrange_customer(tenant)
    open_deal = await arrange_deal(tenant, customer, manager, status="open")
    foreign_customer = await arrange_customer(other_tenant)
    foreign_deal = await arrange_deal(other_tenant, foreign_customer, other_tenant.admin_id)
    line = {"productId": gid("Product", stock.products["WID-1"]), "quantity": 1}
    for deal, code in ((open_deal, "DEAL_NOT_WON"), (foreign_deal, "NOT_FOUND")):
        variables = {"input": {"dealId": gid("Deal", deal), "lines": [line]}}
        result = (await gql(FROM_DEAL, variables, token=tenant.token(manager))).ok()
        assert result["createOrderFromDeal"]["userErrors"][0]["code"] == code
        assert result["createOrderFromDeal"]["userErrors"][0]["field"] == "dealId"
    assert await order_count(tenant) == 0


async def test_a_rep_orders_only_from_own_deals(gql, tenant):
    stock = await arrange_stock(tenant)
    rep, other_rep = await tenant.user("sales_rep"), await tenant.user("sales_rep")
    deal = await arrange_deal(tenant, await arrange_customer(tenant), other_rep, amount="10")
    line = {"productId": gid("Product", stock.products["WID-1"]), "quantity": 1}
    variables = {"input": {"dealId": gid("Deal", deal), "lines": [line]}}
    refused = (await gql(FROM_DEAL, variables, token=tenant.token(rep))).ok()
    assert refused["createOrderFromDeal"]["userErrors"][0]["code"] == "NOT_FOUND"
    assert await order_count(tenant) == 0
    made = (await gql(FROM_DEAL, variables, token=tenant.token(other_rep))).ok()
    assert made["createOrderFromDeal"]["order"]["status"] == "DRAFT"


async def test_reserved_units_cannot_be_adjusted_or_transferred_away(gql, tenant):
    stock = await arrange_stock(tenant, warehouses=("MAIN", "EAST"), on_hand={("WID-1", "MAIN"): 5})
    product, main = (
        gid("Product", stock.products["WID-1"]),
        gid("Warehouse", stock.warehouses["MAIN"]),
    )
    manager = await tenant.token_for("sales_manager")
    line = {"productId": product, "quantity": 4}
    customer = gid("Customer", await arrange_customer(tenant))
    variables = {"input": {"customerId": customer, "lines": [line]}}
    which = (await gql(CREATE, variables, token=manager)).ok()["createOrder"]["userErrors"]
    assert [(e["field"], e["code"]) for e in which] == [("warehouseId", "BAD_USER_INPUT")]
    variables["input"]["warehouseId"] = main
    order = (await gql(CREATE, variables, token=manager)).ok()["createOrder"]["order"]
    confirmed = (await gql(CONFIRM, {"input": {"id": order["id"]}}, token=manager)).ok()
    assert confirmed["confirmOrder"]["order"]["status"] == "CONFIRMED"
    warehouse = await tenant.token_for("warehouse")
    adjust = """mutation($input: AdjustStockInput!) { adjustStock(input: $input) { userErrors { code } } }"""
    transfer = """mutation($input: TransferStockInput!) { transferStock(input: $input) { userErrors { code } } }"""
    adjusted = await gql(
        adjust,
        {"input": {"productId": product, "warehouseId": main, "quantity": -2, "reason": "lost"}},
        token=warehouse,
    )
    assert adjusted.ok()["adjustStock"]["userErrors"] == [{"code": "INSUFFICIENT_STOCK"}]
    moved = await gql(
        transfer,
        {
            "input": {
                "productId": product,
                "fromWarehouseId": main,
                "toWarehouseId": gid("Warehouse", stock.warehouses["EAST"]),
                "quantity": 2,
            }
        },
        token=warehouse,
    )
    assert moved.ok()["transferStock"]["userErrors"] == [{"code": "INSUFFICIENT_STOCK"}]
    assert await level_of(tenant, stock.products["WID-1"], stock.warehouses["MAIN"]) == (5, 4)
    assert await level_of(tenant, stock.products["WID-1"], stock.warehouses["EAST"]) == (0, 0)


async def test_an_order_from_a_deal_carries_its_amount_or_says_what_is_missing(gql, tenant):
    """A deal records its customer, currency and amount, no products: without lines
    the order is refused, and lines that do not come to the deal's amount (before tax)
    are refused unless the difference is accepted. Nothing is written on a refusal."""
    stock = await arrange_stock(tenant, {"W": ("9.99", None, 0)}, on_hand={("W", "MAIN"): 9})
    manager = await tenant.token_for("sales_manager")
    deal = gid(
        "Deal",
        await arrange_deal(tenant, await arrange_customer(tenant), tenant.admin_id, amount="1000"),
    )
    line = {"productId": gid("Product", stock.products["W"]), "quantity": 3, "taxRate": "20"}

    async def from_deal(**input):
        result = await gql(FROM_DEAL, {"input": {"dealId": deal, **input}}, token=manager)
        return result.ok()["createOrderFromDeal"]

    for missing in ({}, {"lines": []}):
        refused = await from_deal(**missing)
        assert [(e["field"], e["code"]) for e in refused["userErrors"]] == [
            ("lines", "LINES_REQUIRED")
        ]
        assert "1000.0000 EUR" in refused["userErrors"][0]["message"]
    short = await from_deal(lines=[line])
    assert short["order"] is None
    assert [(e["field"], e["code"]) for e in short["userErrors"]] == [
        ("lines", "DEAL_AMOUNT_MISMATCH")
    ]
    assert "29.9700 EUR" in short["userErrors"][0]["message"]
    assert await order_count(tenant) == 0

    priced = {**line, "quantity": 4, "unitPrice": "250"}
    made = (await from_deal(lines=[priced]))["order"]
    assert (made["currency"], made["subtotal"], made["total"]) == ("EUR", "1000.0000", "1200.0000")
    await gql(CANCEL, {"input": {"id": made["id"]}}, token=manager)
    accepted = await from_deal(lines=[line], acceptAmountDifference=True)
    assert accepted["userErrors"] == [] and accepted["order"]["subtotal"] == "29.9700"


async def test_an_order_from_a_deal_is_in_the_deal_currency(gql, tenant):
    eur = await arrange_stock(tenant, {"EU": ("10", None, 0)}, on_hand={("EU", "MAIN"): 5})
    usd = await arrange_stock(
        tenant,
        {"US": ("10", None, 0)},
        warehouses=("EAST",),
        on_hand={("US", "EAST"): 5},
        currency="USD",
    )
    rep_id = await tenant.user("sales_rep")
    deal = await arrange_deal(
        tenant, await arrange_customer(tenant), rep_id, currency="USD", amount="20"
    )
    token = tenant.token(rep_id)

    async def from_deal(product, warehouse):
        line = {"productId": gid("Product", product), "quantity": 2}
        input = {
            "dealId": gid("Deal", deal),
            "warehouseId": gid("Warehouse", warehouse),
            "lines": [line],
        }
        return (await gql(FROM_DEAL, {"input": input}, token=token)).ok()["createOrderFromDeal"]

    mixed = await from_deal(eur.products["EU"], eur.warehouses["MAIN"])
    assert [(e["field"], e["code"]) for e in mixed["userErrors"]] == [
        ("lines.0.productId", "CURRENCY_MISMATCH")
    ]
    made = await from_deal(usd.products["US"], usd.warehouses["EAST"])
    assert made["userErrors"] == []
    assert (made["order"]["currency"], made["order"]["total"]) == ("USD", "20.0000")
