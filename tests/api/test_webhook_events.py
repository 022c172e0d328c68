"""Emitting: a business change that commits queues one pending delivery per subscribed
webhook, in its own transaction; a change that fails queues nothing."""

from __future__ import annotations

from typing import Any

from api.core.relay import to_global_id
from tests.support.crm import create_customer, create_deal, mutate, ok
from tests.support.orders import arrange_order
from tests.support.webhooks import create_webhook, deliveries, delivery_rows

DEAL = "deal { id status version }"
ORDER = "order { id status version }"
INVOICE = "invoice { id number status version }"


async def _run(
    gql: Any, name: str, input_type: str, input: dict[str, Any], select: str, token: str
) -> Any:
    query = f"""mutation($input: {input_type}!) {{ {name}(input: $input) {{
      {select} userErrors {{ field code message }} }} }}"""
    payload = (await gql(query, {"input": input}, token=token)).ok()[name]
    assert payload["userErrors"] == [], payload
    return payload


async def _deal(gql: Any, token: str) -> dict[str, Any]:
    customer = await create_customer(gql, token)
    return await create_deal(gql, token, customer["id"], amount="1234.50", currency="EUR")


async def test_winning_a_deal_queues_one_delivery_for_subscribers_only(gql, tenant):
    admin = tenant.admin_token
    won = (await create_webhook(gql, admin, ["DEAL_WON", "DEAL_LOST"]))["webhook"]
    orders = (await create_webhook(gql, admin, ["ORDER_CONFIRMED"]))["webhook"]
    deal = await _deal(gql, admin)
    await ok(gql, "winDeal", {"id": deal["id"], "version": deal["version"]}, admin, DEAL)

    [queued] = await deliveries(gql, admin, won["id"])
    assert (queued["event"], queued["status"], queued["attempts"]) == ("DEAL_WON", "PENDING", 0)
    assert queued["payload"]["deal"]["id"] == deal["id"]
    assert queued["payload"]["deal"]["status"] == "won"
    assert queued["payload"]["deal"]["amount"] == {"amount": "1234.5000", "currency": "EUR"}
    assert queued["deliveredAt"] is None and queued["nextAttemptAt"] is not None
    assert await deliveries(gql, admin, orders["id"]) == []


async def test_a_mutation_that_fails_queues_nothing(gql, tenant):
    admin = tenant.admin_token
    hook = (await create_webhook(gql, admin, ["DEAL_WON", "DEAL_LOST"]))["webhook"]
    deal = await _deal(gql, admin)
    stale = await mutate(gql, "winDeal", {"id": deal["id"], "version": 99}, admin, DEAL)
    assert stale["userErrors"][0]["code"] == "CONFLICT"
    blank = await mutate(gql, "loseDeal", {"id": deal["id"], "reason": " "}, admin, DEAL)
    assert blank["userErrors"][0]["field"] == "reason"
    assert await delivery_rows(tenant, hook["id"]) == []
    # and the same deal, closed for real, does queue
    await ok(gql, "loseDeal", {"id": deal["id"], "reason": "Budget"}, admin, DEAL)
    assert [r.event for r in await delivery_rows(tenant, hook["id"])] == ["deal.lost"]


async def test_inactive_webhooks_get_nothing(gql, tenant):
    from tests.support.webhooks import UPDATE_WEBHOOK

    admin = tenant.admin_token
    hook = (await create_webhook(gql, admin, ["DEAL_WON"]))["webhook"]
    await gql(UPDATE_WEBHOOK, {"input": {"id": hook["id"], "active": False}}, token=admin)
    deal = await _deal(gql, admin)
    await ok(gql, "winDeal", {"id": deal["id"]}, admin, DEAL)
    assert await delivery_rows(tenant, hook["id"]) == []


async def test_orders_invoices_and_payments_emit_without_costs(gql, tenant):
    admin = tenant.admin_token
    events = [
        "ORDER_CONFIRMED",
        "ORDER_FULFILLED",
        "ORDER_CANCELLED",
        "INVOICE_ISSUED",
        "PAYMENT_RECORDED",
    ]
    hook = (await create_webhook(gql, admin, events))["webhook"]
    async with tenant.session(tenant.admin_id) as conn:
        shipped = await arrange_order(conn, tenant.id, tenant.admin_id, status="draft", on_hand=10)
        dropped = await arrange_order(conn, tenant.id, tenant.admin_id, status="draft", on_hand=10)
    shipped_id = to_global_id("SalesOrder", shipped.order_id)
    dropped_id = to_global_id("SalesOrder", dropped.order_id)
    for name, order_id in (
        ("confirmOrder", shipped_id),
        ("fulfillOrder", shipped_id),
        ("cancelOrder", dropped_id),
    ):
        await _run(gql, name, "OrderStepInput", {"id": order_id}, ORDER, admin)
    invoice = (await ok(gql, "createInvoiceFromOrder", {"orderId": shipped_id}, admin, INVOICE))[
        "invoice"
    ]
    issued = (await ok(gql, "issueInvoice", {"id": invoice["id"]}, admin, INVOICE))["invoice"]
    payment = {"invoiceId": invoice["id"], "amount": "50.00", "currency": "EUR"}
    await ok(gql, "recordPayment", payment, admin, "payment { id }")

    rows = await delivery_rows(tenant, hook["id"])
    assert [r.event for r in rows] == [
        "order.confirmed",
        "order.fulfilled",
        "order.cancelled",
        "invoice.issued",
        "payment.recorded",
    ]
    by_event = {r.event: r.payload for r in rows}
    assert by_event["order.fulfilled"]["order"]["id"] == shipped_id
    assert by_event["order.fulfilled"]["order"]["total"] == {
        "amount": "120.0000",
        "currency": "EUR",
    }
    assert by_event["order.cancelled"]["order"]["status"] == "cancelled"
    assert by_event["invoice.issued"]["invoice"]["number"] == issued["number"]
    assert by_event["invoice.issued"]["invoice"]["order"] == shipped_id
    paid = by_event["payment.recorded"]
    assert paid["payment"]["amount"] == {"amount": "50.0000", "currency": "EUR"}
    assert paid["invoice"]["amountDue"] == {"amount": "70.0000", "currency": "EUR"}
    assert paid["invoice"]["status"] == "partially_paid"
    text = str([r.payload for r in rows]).lower()
    assert "cost" not in text and "margin" not in text
