"""Invoices through HTTP: the life cycle, and bad input as userErrors with nothing written."""

from __future__ import annotations

from datetime import date, timedelta

import sqlalchemy as sa

from api.core.relay import to_global_id
from domain.billing.models import invoices
from tests.support.billing import INVOICE, PAY, VOID, snapshot
from tests.support.orders import arrange_invoice, arrange_order

CREATE = f"""mutation($input: CreateInvoiceFromOrderInput!) {{
  createInvoiceFromOrder(input: $input) {{ invoice {{ {INVOICE} lines {{ quantity total }} }}
  userErrors {{ field code message }} }} }}"""
UPDATE = f"""mutation($input: UpdateInvoiceInput!) {{
  updateInvoice(input: $input) {{ invoice {{ {INVOICE} notes }} userErrors {{ field code message }} }} }}"""
ISSUE = f"""mutation($input: IssueInvoiceInput!) {{
  issueInvoice(input: $input) {{ invoice {{ {INVOICE} }} userErrors {{ field code message }} }} }}"""
CREDIT = f"""mutation($input: CreateCreditNoteInput!) {{
  createCreditNote(input: $input) {{ creditNote {{ number amount }} invoice {{ {INVOICE} }}
  userErrors {{ field code message }} }} }}"""


def gid(row):
    return to_global_id("Invoice", row.id)


async def test_invoice_life_cycle(gql, tenant):
    token = await tenant.token_for("accountant")
    async with tenant.session(tenant.admin_id) as conn:
        order = await arrange_order(conn, tenant.id, tenant.admin_id, terms_days=14)
    created = await gql(
        CREATE, {"input": {"orderId": to_global_id("SalesOrder", order.order_id)}}, token=token
    )
    invoice = created.ok()["createInvoiceFromOrder"]["invoice"]
    assert invoice["status"] == "DRAFT" and invoice["number"] is None
    assert invoice["total"] == "120.0000" and invoice["lines"] == [
        {"quantity": 2, "total": "120.0000"}
    ]

    edited = (
        await gql(
            UPDATE, {"input": {"id": invoice["id"], "version": 1, "notes": "PO 7"}}, token=token
        )
    ).ok()
    assert edited["updateInvoice"]["invoice"]["notes"] == "PO 7"

    issued = (await gql(ISSUE, {"input": {"id": invoice["id"], "version": 2}}, token=token)).ok()
    issued = issued["issueInvoice"]["invoice"]
    today = date.fromisoformat(issued["issueDate"])
    assert issued["status"] == "ISSUED"
    assert issued["number"] == f"INV-{today.year}-000001"
    assert issued["dueDate"] == str(today + timedelta(days=14)) and issued["overdue"] is False

    pay = {"invoiceId": invoice["id"], "amount": "20.00", "currency": "EUR", "method": "wire"}
    part = (await gql(PAY, {"input": pay}, token=token)).ok()["recordPayment"]
    assert (
        part["invoice"]["status"] == "PARTIALLY_PAID" and part["invoice"]["amountDue"] == "100.0000"
    )

    credit = {"invoiceId": invoice["id"], "amount": "30", "currency": "EUR", "reason": "damaged"}
    noted = (await gql(CREDIT, {"input": credit}, token=token)).ok()["createCreditNote"]
    assert noted["creditNote"]["number"] == f"CN-{today.year}-000001"
    assert noted["invoice"]["amountDue"] == "70.0000"

    rest = (await gql(PAY, {"input": {**pay, "amount": "70"}}, token=token)).ok()["recordPayment"]
    assert rest["invoice"]["status"] == "PAID" and rest["invoice"]["amountDue"] == "0.0000"


async def test_bad_input_is_a_user_error_and_writes_nothing(gql, tenant, other_tenant):
    token = await tenant.token_for("accountant")
    issued = await arrange_invoice(tenant)
    void = await arrange_invoice(tenant)
    await gql(VOID, {"input": {"id": gid(void), "reason": "duplicate"}}, token=token)
    foreign = await arrange_invoice(other_tenant)
    before = await snapshot(tenant)
    pay = {"invoiceId": gid(issued), "amount": "10", "currency": "EUR"}
    cases = [
        (PAY, {**pay, "invoiceId": gid(void)}, "invoiceId", "INVALID_STATE"),
        (PAY, {**pay, "amount": "120.01"}, "amount", "EXCEEDS_AMOUNT_DUE"),
        (PAY, {**pay, "amount": "0"}, "amount", "BAD_USER_INPUT"),
        (PAY, {**pay, "amount": "-5"}, "amount", "BAD_USER_INPUT"),
        (PAY, {**pay, "amount": "1.001"}, "amount", "BAD_USER_INPUT"),
        (PAY, {**pay, "amount": "NaN"}, "amount", "BAD_USER_INPUT"),
        (PAY, {**pay, "amount": "1e400"}, "amount", "BAD_USER_INPUT"),
        (PAY, {**pay, "currency": "USD"}, "currency", "BAD_USER_INPUT"),
        (PAY, {**pay, "currency": "XXX"}, "currency", "BAD_USER_INPUT"),
        (PAY, {**pay, "invoiceId": gid(foreign)}, "invoiceId", "NOT_FOUND"),
        (PAY, {**pay, "invoiceId": "bogus"}, "invoiceId", "BAD_USER_INPUT"),
        (
            UPDATE,
            {"id": gid(issued), "version": issued.version, "notes": "x"},
            "id",
            "INVALID_STATE",
        ),
        (UPDATE, {"id": gid(foreign), "version": 1, "notes": "x"}, "id", "NOT_FOUND"),
        (ISSUE, {"id": gid(issued)}, "id", "INVALID_STATE"),
        (
            VOID,
            {"id": gid(issued), "version": issued.version - 1, "reason": "x"},
            "version",
            "CONFLICT",
        ),
        (VOID, {"id": gid(issued), "reason": "  "}, "reason", "BAD_USER_INPUT"),
        (VOID, {"id": gid(void), "reason": "again"}, "id", "INVALID_STATE"),
        (CREDIT, {**pay, "amount": "500", "reason": "x"}, "amount", "EXCEEDS_AMOUNT_DUE"),
        (CREDIT, {**pay, "invoiceId": gid(void), "reason": "x"}, "invoiceId", "INVALID_STATE"),
    ]
    for query, value, field, code in cases:
        result = await gql(query, {"input": value}, token=token)
        payload = next(iter(result.ok().values()))
        assert [(e["field"], e["code"]) for e in payload["userErrors"]] == [(field, code)], value
        assert payload["invoice"] is None
    assert await snapshot(tenant) == before


async def test_stale_version_on_a_draft_is_a_conflict(gql, tenant):
    token = await tenant.token_for("accountant")
    draft = await arrange_invoice(tenant, issue=False)
    ok = await gql(UPDATE, {"input": {"id": gid(draft), "version": 1, "notes": "a"}}, token=token)
    assert ok.ok()["updateInvoice"]["userErrors"] == []
    stale = (await gql(ISSUE, {"input": {"id": gid(draft), "version": 1}}, token=token)).ok()
    assert [e["code"] for e in stale["issueInvoice"]["userErrors"]] == ["CONFLICT"]
    async with tenant.session() as conn:
        status = await conn.scalar(sa.select(invoices.c.status).where(invoices.c.id == draft.id))
    assert status == "draft"


async def test_an_order_is_invoiced_once_and_only_when_confirmed(gql, tenant, other_tenant):
    token = await tenant.token_for("accountant")
    async with other_tenant.session(other_tenant.admin_id) as conn:
        other = await arrange_order(conn, other_tenant.id, other_tenant.admin_id)
    async with tenant.session(tenant.admin_id) as conn:
        draft = await arrange_order(conn, tenant.id, tenant.admin_id, status="draft")
        confirmed = await arrange_order(conn, tenant.id, tenant.admin_id)
    refused = await gql(
        CREATE, {"input": {"orderId": to_global_id("SalesOrder", draft.order_id)}}, token=token
    )
    assert refused.ok()["createInvoiceFromOrder"]["userErrors"][0]["code"] == "INVALID_STATE"
    order = {"orderId": to_global_id("SalesOrder", confirmed.order_id)}
    assert (await gql(CREATE, {"input": order}, token=token)).ok()["createInvoiceFromOrder"][
        "invoice"
    ]
    again = (await gql(CREATE, {"input": order}, token=token)).ok()["createInvoiceFromOrder"]
    assert again["userErrors"][0]["code"] == "DUPLICATE"
    for foreign, code in (
        (to_global_id("SalesOrder", other.order_id), "NOT_FOUND"),
        ("bogus", "BAD_USER_INPUT"),  # no id at all: says nothing about any row
    ):
        missing = await gql(CREATE, {"input": {"orderId": foreign}}, token=token)
        errors = missing.ok()["createInvoiceFromOrder"]["userErrors"]
        assert [(e["field"], e["code"]) for e in errors] == [("orderId", code)]
    async with tenant.session() as conn:
        assert await conn.scalar(sa.select(sa.func.count()).select_from(invoices)) == 1
