"""What billing writes cost in SQL statements, beyond every request's fixed ones
(tests/support/statements.py): each use case locks, checks in as few reads as it
can, then writes each table once, with no savepoint and no statement of its own for
a webhook event."""

from api.core.relay import to_global_id
from tests.support.billing import INVOICE, PAY
from tests.support.orders import arrange_order
from tests.support.statements import own_statements

CREATE = """mutation($input: CreateInvoiceFromOrderInput!) {
  createInvoiceFromOrder(input: $input) { invoice { id } userErrors { field code } } }"""
ISSUE = f"""mutation($input: IssueInvoiceInput!) {{
  issueInvoice(input: $input) {{ invoice {{ {INVOICE} }} userErrors {{ field code }} }} }}"""

LINES = [(2, "50.00", "20", "30.00"), (1, "10.00", "20", "4.00"), (3, "5.00", "0", "1.00")]


async def test_invoice_create_issue_and_pay_send_few_statements(gql, tenant, count_statements):
    token = await tenant.token_for("accountant")
    async with tenant.session(tenant.admin_id) as conn:
        order = await arrange_order(conn, tenant.id, tenant.admin_id, lines=LINES)
    order_id = {"input": {"orderId": to_global_id("SalesOrder", order.order_id)}}

    created, create_count, sent = await own_statements(
        gql, token, count_statements, CREATE, order_id
    )
    invoice_id = created["createInvoiceFromOrder"]["invoice"]["id"]
    assert create_count <= 3, sent  # the order locked, the checks, invoice with lines

    issued, issue_count, sent = await own_statements(
        gql, token, count_statements, ISSUE, {"input": {"id": invoice_id}}
    )
    assert issued["issueInvoice"]["userErrors"] == []
    assert issue_count <= 4, sent  # locked, lines and terms, number, issued with its event

    pay = {"invoiceId": invoice_id, "amount": "20.00", "currency": "EUR"}
    paid, pay_count, sent = await own_statements(gql, token, count_statements, PAY, {"input": pay})
    assert paid["recordPayment"]["invoice"]["status"] == "PARTIALLY_PAID"
    assert pay_count <= 4, sent  # locked, counted, the payment, settled with its event
