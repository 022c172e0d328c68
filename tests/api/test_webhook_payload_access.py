"""A delivery's payload is a copy of business data: a role reads it only when it may
read every field it carries; the rest of the delivery stays readable."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from domain.billing import services
from tenants.access.catalog import catalog
from tests.support.admin import custom_role, grant, holder_of
from tests.support.crm import create_customer, create_deal, ok
from tests.support.orders import actor_for, arrange_invoice
from tests.support.webhooks import create_webhook, deliveries

EVENTS = ["DEAL_WON", "INVOICE_ISSUED", "PAYMENT_RECORDED"]


def everything(entity: str) -> dict:
    return grant(entity, ["read"], list(catalog()[entity].fields))


async def _one_delivery_per_event(gql, tenant) -> str:
    admin = tenant.admin_token
    hook = (await create_webhook(gql, admin, EVENTS))["webhook"]
    customer = await create_customer(gql, admin)
    deal = await create_deal(gql, admin, customer["id"], amount="10.00", currency="EUR")
    await ok(gql, "winDeal", {"id": deal["id"], "version": deal["version"]}, admin, "deal { id }")
    invoice = await arrange_invoice(tenant, today=date(2026, 1, 10))
    async with tenant.session(tenant.admin_id) as conn:
        await services.record_payment(
            conn,
            actor_for(tenant),
            invoice.id,
            amount=Decimal("20"),
            currency_code="EUR",
            paid_on=date(2026, 2, 5),
        )
    return hook["id"]


async def _payloads_as(gql, tenant, key, *grants) -> dict[str, object]:
    """Event -> its payload as a holder of a role of `grants` reads it (None: refused,
    with FORBIDDEN at the payload's path and every other field of it intact)."""
    hook_id = await _one_delivery_per_event(gql, tenant)
    role = await custom_role(gql, tenant, key, *grants)
    _, token = await holder_of(gql, tenant, role)
    query = """query($id: ID!) { webhookDeliveries(webhookId: $id, first: 10) {
      nodes { event status attempts payload } } }"""
    result = await gql(query, {"id": hook_id}, token=token)
    nodes = result.data["webhookDeliveries"]["nodes"]
    refused = {tuple(p) for p in result.error_paths("FORBIDDEN")}
    assert len(refused) == len(result.errors)
    assert refused == {
        ("webhookDeliveries", "nodes", i, "payload")
        for i, n in enumerate(nodes)
        if n["payload"] is None
    }
    assert all(n["status"] == "PENDING" and n["attempts"] == 0 for n in nodes)
    assert await deliveries(gql, tenant.admin_token, hook_id)  # the admin reads them all
    return {n["event"]: n["payload"] for n in nodes}


async def test_a_payload_needs_read_of_every_entity_it_carries(gql, tenant):
    seen = await _payloads_as(
        gql, tenant, "deal_hooks", everything("Webhook"), everything("WebhookDelivery"),
        everything("Deal"),
    )  # fmt: skip
    assert seen["DEAL_WON"]["deal"]["amount"]["amount"] == "10.0000"
    assert seen["INVOICE_ISSUED"] is None and seen["PAYMENT_RECORDED"] is None


async def test_a_payload_needs_read_of_every_field_it_carries(gql, tenant):
    summary = ["number", "status", "total", "amountDue", "dueDate", "currency", "customer", "order"]
    seen = await _payloads_as(
        gql, tenant, "invoice_hooks", everything("Webhook"), everything("WebhookDelivery"),
        grant("Invoice", ["read"], summary), everything("Payment"),
    )  # fmt: skip
    assert seen["INVOICE_ISSUED"]["invoice"]["total"]["amount"] == "120.0000"
    assert seen["DEAL_WON"] is None  # no Deal read
    assert seen["PAYMENT_RECORDED"]["payment"]["amount"]["amount"] == "20.0000"

    hidden_total = [f for f in summary if f != "total"]
    seen = await _payloads_as(
        gql, tenant, "no_totals", everything("Webhook"), everything("WebhookDelivery"),
        grant("Invoice", ["read"], hidden_total), everything("Payment"), everything("Deal"),
    )  # fmt: skip
    assert seen["INVOICE_ISSUED"] is None and seen["PAYMENT_RECORDED"] is None
    assert seen["DEAL_WON"] is not None
