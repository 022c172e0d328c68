"""Credit limits hold when an order is confirmed: open invoices' amount due, confirmed
orders not yet billed and the order itself, in the limit's currency, may not pass the
limit (CREDIT_LIMIT_EXCEEDED, nothing reserved) unless the role may override it."""

from decimal import Decimal

import sqlalchemy as sa

from api.core.relay import to_global_id
from domain.crm.models import customers
from tests.support.backoffice import arrange_stock, level_of
from tests.support.orders import arrange_invoice, arrange_order

CREATE = """mutation($input: CreateOrderInput!) { createOrder(input: $input) {
    order { id } userErrors { code } } }"""
CONFIRM = """mutation($input: OrderStepInput!) { confirmOrder(input: $input) {
    order { status } userErrors { field code message } } }"""


async def arrange_credit_customer(tenant, limit="100", currency="EUR"):
    async with tenant.session(tenant.admin_id) as conn:
        return await conn.scalar(
            sa.insert(customers)
            .values(
                tenant_id=tenant.id,
                name="Careful Ltd",
                kind="company",
                credit_limit=Decimal(limit),
                credit_currency=currency,
            )
            .returning(customers.c.id)
        )


async def draft(gql, token, customer, product, warehouse, quantity):
    line = {"productId": to_global_id("Product", product), "quantity": quantity}
    input = {
        "customerId": to_global_id("Customer", customer),
        "warehouseId": to_global_id("Warehouse", warehouse),
        "lines": [line],
    }
    return (await gql(CREATE, {"input": input}, token=token)).ok()["createOrder"]["order"]["id"]


async def confirm(gql, token, order_id):
    return (await gql(CONFIRM, {"input": {"id": order_id}}, token=token)).ok()["confirmOrder"]


async def test_confirming_over_the_credit_limit_is_refused_unless_overridden(gql, tenant):
    customer = await arrange_credit_customer(tenant)
    await arrange_invoice(tenant, customer_id=customer, lines=[(1, "30.00", "0", "1.00")])
    async with tenant.session(tenant.admin_id) as conn:  # confirmed, not billed yet
        await arrange_order(conn, tenant.id, tenant.admin_id, customer_id=customer,
                            lines=[(1, "40.00", "0", "1.00")])  # fmt: skip
    eur = await arrange_stock(tenant, {"E": ("10", None, 0)}, on_hand={("E", "MAIN"): 9})
    usd = await arrange_stock(
        tenant, {"U": ("10", None, 0)}, ("EAST",), {("U", "EAST"): 9}, currency="USD"
    )
    manager = await tenant.token_for("sales_manager")
    product, main = eur.products["E"], eur.warehouses["MAIN"]

    # 30 due + 40 unbilled + 30 = 100: at the limit is within it
    upto = await draft(gql, manager, customer, product, main, 3)
    assert (await confirm(gql, manager, upto))["order"] == {"status": "CONFIRMED"}
    over = await draft(gql, manager, customer, product, main, 1)
    refused = await confirm(gql, manager, over)
    assert refused["order"] is None
    assert [(e["field"], e["code"]) for e in refused["userErrors"]] == [
        ("id", "CREDIT_LIMIT_EXCEEDED")
    ]
    assert "100.0000 to 110.0000 EUR" in refused["userErrors"][0]["message"]
    assert await level_of(tenant, product, main) == (9, 3)  # nothing reserved for it

    # another currency's order is not held by a limit in EUR
    other = await draft(gql, manager, customer, usd.products["U"], usd.warehouses["EAST"], 5)
    assert (await confirm(gql, manager, other))["userErrors"] == []
    # the tenant admin may override the limit (SalesOrder.override_credit_limit)
    assert (await confirm(gql, tenant.admin_token, over))["order"] == {"status": "CONFIRMED"}
