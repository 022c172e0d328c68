"""A page of invoices loads what its client selected for all rows at once: each
invoice's order, and the products of its lines and the invoice of its payments and
credit notes; an order's or a customer's invoices and orders load their relations
the same way (api.core.loaders.prefetch, relay.with_relations)."""

from __future__ import annotations

from decimal import Decimal

from domain.billing import services
from tenants.session import tenant_transaction
from tests.support.admin import grant
from tests.support.orders import actor_for, arrange_invoice
from tests.support.prefetch import nodes

INVOICES = """query($n: Int) { invoices(first: $n) { nodes { number order { status }
  lines { quantity product { sku } } payments { amount invoice { number } }
  creditNotes { number invoice { number } } } } }"""
INVOICES_BY_FRAGMENT = """query($n: Int) { invoices(first: $n) { edges { node { ...I } } } }
fragment I on Invoice { number ... on Invoice { order { status } } lines { quantity p: product { sku } }
  payments { ...P } creditNotes { number invoice { number } } }
fragment P on Payment { amount invoice { number } }"""
ORDERS = """query($n: Int) { orders(first: $n) { nodes {
  invoices { number customer { name } order { status } } } } }"""
CUSTOMERS = """query($n: Int) { customers(first: $n) { nodes {
  invoices { order { status } } orders { warehouse { code } } } } }"""


async def _invoices(tenant, n=20):
    """n issued invoices of one line, each partly paid and partly credited."""
    actor = actor_for(tenant, "tenant_admin")
    for _ in range(n):
        invoice = await arrange_invoice(tenant)
        async with tenant_transaction(tenant.engine, tenant.id, tenant.admin_id) as conn:
            money = {"amount": Decimal("1.00"), "currency_code": invoice.currency}
            await services.record_payment(conn, actor, invoice.id, **money)
            await services.create_credit_note(conn, actor, invoice.id, **money, reason="Late")


async def test_an_invoices_page_prefetches_its_relations_and_its_lists_relations(
    gql, tenant, probe_with
):
    await _invoices(tenant)
    probe = probe_with(await tenant.token_for("accountant"))
    plain, _, by_fragment, _ = await probe.prefetched(
        [INVOICES, INVOICES_BY_FRAGMENT], (3, 20), nodes("invoices")
    )
    edges = by_fragment["invoices"]["edges"]
    for invoice, edge in zip(plain["invoices"]["nodes"], edges, strict=True):
        number = invoice["number"]
        assert invoice["order"] == {"status": "CONFIRMED"} and invoice["lines"][0]["product"]
        assert [p["invoice"]["number"] for p in invoice["payments"]] == [number]
        assert [c["invoice"]["number"] for c in invoice["creditNotes"]] == [number]
        assert edge["node"]["lines"][0]["p"] == invoice["lines"][0]["product"]
    orders, _ = await probe.prefetched([ORDERS], (3, 20), nodes("orders"))
    for order in orders["orders"]["nodes"]:
        [invoice] = order["invoices"]
        assert invoice["customer"]["name"] and invoice["order"] == {"status": "CONFIRMED"}
    customers, _ = await probe.prefetched([CUSTOMERS], (3, 20), nodes("customers"))
    for customer in customers["customers"]["nodes"]:
        assert [i["order"] for i in customer["invoices"]] == [{"status": "CONFIRMED"}]
        assert [o["warehouse"]["code"] for o in customer["orders"]]


async def test_a_relation_the_role_may_not_read_is_forbidden_and_not_loaded(
    gql, tenant, custom_probe
):
    await _invoices(tenant, 3)
    probe = await custom_probe(
        "invoice_clerk",  # no SalesOrder, no Product; Payment.invoice not granted
        grant("Invoice", ["read"], ["number", "order", "lines", "payments"]),
        grant("InvoiceLine", ["read"], ["quantity", "product"]),
        grant("Payment", ["read"], ["amount"]),
    )
    data = await probe.forbidden_and_not_loaded(
        "{ invoices(first: 3) { nodes { number lines { quantity } payments { amount } } } }",
        """{ invoices(first: 3) { nodes { number order { status }
          lines { quantity product { sku } } payments { amount invoice { number } } } } }""",
        3 * 3,
    )
    assert all(i["number"] and i["payments"][0]["amount"] for i in data["invoices"]["nodes"])
