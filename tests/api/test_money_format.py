"""One decimal format wherever a number leaves Atrium: stored, summed or derived, in a
GraphQL answer, a webhook payload or the audit log, it is a string with four places
(domain.money.decimal_string), never "0", "10.00000000" or a JSON float."""

import re

from api.core.relay import to_global_id
from tests.support.backoffice import arrange_customer, arrange_deal, arrange_stock
from tests.support.orders import arrange_invoice
from tests.support.webhooks import create_webhook, delivery_rows

FOUR_PLACES = re.compile(r"-?\d+\.\d{4}")
DECIMAL_KEYS = {
    "amount", "weightedAmount", "unitPrice", "unitCost", "subtotal", "taxTotal", "tax",
    "total", "cost", "margin", "marginPercent", "amountPaid", "amountCredited", "amountDue",
    "discountPercent", "taxRate", "current", "days1To30", "days31To60", "days61To90",
    "over90", "revenue", "value", "probability",
}  # fmt: skip

CREATE = """mutation($input: CreateOrderInput!) { createOrder(input: $input) {
    order { id } userErrors { code } } }"""
CONFIRM = """mutation($input: OrderStepInput!) { confirmOrder(input: $input) {
    userErrors { code } } }"""
UPDATE_PRODUCT = """mutation($input: UpdateProductInput!) { updateProduct(input: $input) {
    userErrors { code } } }"""
VOID = """mutation($input: VoidInvoiceInput!) { voidInvoice(input: $input) {
    userErrors { code } } }"""
# orders(first: 5): each order's lines count at MAX_LINES in the cost limit (api/cost.py)
READ = """{
  products { nodes { unitPrice unitCost } }
  orders(first: 5) { nodes { subtotal taxTotal total cost margin
    lines { unitPrice discountPercent taxRate subtotal tax total unitCost cost margin } } }
  invoices { nodes { status subtotal taxTotal total amountPaid amountCredited amountDue } }
  arAgingReport { current days1To30 days31To60 days61To90 over90 total }
  orderMarginReport { revenue cost margin marginPercent }
  stockValuationReport { unitCost value }
  pipelineReport { totals { amount weightedAmount } stages { amounts { amount weightedAmount } } }
  deals { nodes { amount probability } }
  auditEvents(first: 200) { nodes { entity changes { field old new } } }
}"""


def decimals(value, key=None):
    """Every value under a money or percentage key, at any depth."""
    if isinstance(value, dict):
        return [d for k, v in value.items() for d in decimals(v, k)]
    if isinstance(value, list):
        return [d for v in value for d in decimals(v, key)]
    return [value] if key in DECIMAL_KEYS and value is not None else []


async def test_every_decimal_has_four_places(gql, tenant):
    admin = tenant.admin_token
    await create_webhook(gql, admin, ["ORDER_CONFIRMED", "INVOICE_ISSUED"])
    stock = await arrange_stock(tenant, {"W": ("10", "6", 0)}, on_hand={("W", "MAIN"): 9})
    await arrange_deal(tenant, await arrange_customer(tenant), tenant.admin_id, status="open")
    customer = to_global_id("Customer", await arrange_customer(tenant))
    product = to_global_id("Product", stock.products["W"])
    line = {"productId": product, "quantity": 3, "taxRate": "8.25", "discountPercent": "5"}
    made = await gql(CREATE, {"input": {"customerId": customer, "lines": [line]}}, token=admin)
    order = made.ok()["createOrder"]["order"]["id"]
    assert (await gql(CONFIRM, {"input": {"id": order}}, token=admin)).ok()["confirmOrder"] == {
        "userErrors": []
    }
    update = {"id": product, "version": 1, "unitPrice": "12.5"}
    assert (await gql(UPDATE_PRODUCT, {"input": update}, token=admin)).ok()["updateProduct"] == {
        "userErrors": []
    }
    voided = await arrange_invoice(tenant)
    void = {"id": to_global_id("Invoice", voided.id), "reason": "sent twice"}
    assert (await gql(VOID, {"input": void}, token=admin)).ok()["voidInvoice"]["userErrors"] == []

    found = (await gql(READ, token=admin)).ok()
    void_row = next(i for i in found["invoices"]["nodes"] if i["status"] == "VOID")
    assert void_row["amountDue"] == "0.0000"  # derived in Python: once printed "0"
    assert found["deals"]["nodes"] == [{"amount": "100.0000", "probability": "10.0000"}]
    assert found["pipelineReport"]["totals"] == [
        {"amount": "100.0000", "weightedAmount": "10.0000"}  # once "10.000000000000000000"
    ]
    price = next(
        c
        for e in found["auditEvents"]["nodes"]
        if e["entity"] == "Product"
        for c in e["changes"]
        if c["field"] == "unitPrice" and c["old"] is not None
    )
    assert (price["old"], price["new"]) == ("10.0000", "12.5000")  # once JSON floats
    payloads = [row.payload for row in await delivery_rows(tenant)]
    assert {p["order"]["total"]["amount"] for p in payloads if "order" in p} == {"30.8500"}
    printed = decimals(found) + decimals(payloads)
    assert len(printed) > 50
    assert [v for v in printed if not FOUR_PLACES.fullmatch(str(v))] == []
