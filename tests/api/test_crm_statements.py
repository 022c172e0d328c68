"""What deal writes cost in SQL statements beyond every request's fixed ones
(tests/support/statements.py): no savepoint, and a new deal's first history entry
goes with its INSERT."""

from tests.support.crm import create_customer, create_deal
from tests.support.statements import own_statements

CREATE = """mutation($input: CreateDealInput!) {
  createDeal(input: $input) { deal { id history { event } } userErrors { field code } } }"""
WIN = """mutation($input: WinDealInput!) {
  winDeal(input: $input) { deal { id status } userErrors { field code } } }"""


async def test_create_and_win_a_deal_send_few_statements(gql, tenant, count_statements):
    token = await tenant.token_for("sales_rep")
    customer = (await create_customer(gql, token))["id"]
    await create_deal(gql, token, customer)  # warm the caches
    input = {"title": "Big one", "customer": customer, "amount": "1000", "currency": "EUR"}

    created, create_count, sent = await own_statements(
        gql, token, count_statements, CREATE, {"input": input}
    )
    deal = created["createDeal"]["deal"]
    assert deal["history"] == [{"event": "CREATED"}]
    # the customer, the pipeline, its first open stage, the deal with its history, the
    # history read back for the answer
    assert create_count <= 5, sent

    won, win_count, sent = await own_statements(
        gql, token, count_statements, WIN, {"input": {"id": deal["id"]}}
    )
    assert won["winDeal"]["deal"]["status"] == "WON"
    # locked, the won stage, the update, its history entry, its event
    assert win_count <= 5, sent
