"""The compiled read path answers as the ordinary one, and says it did."""

from __future__ import annotations

from typing import Any

import pytest

from tests.conftest import graphql
from tests.support.demo import seed_every_area

Q1 = """query Q1($first: Int!) {
  deals(first: $first) {
    edges { node { id title stage { name } amount currency customer { name } owner { name } } }
    pageInfo { hasNextPage endCursor }
  }
}"""

DOCUMENTS = [
    (Q1, {"first": 5}),
    ("{ leads(last: 3) { nodes { __typename id name email owner { id name email } } } }", {}),
    (
        "{ customers { edges { cursor node { name kind } } pageInfo { hasPreviousPage startCursor } } }",
        {},
    ),
    (
        "{ activities(first: 2) { edges { node { subject dueAt assignedTo { name } deal { title customer { name } } } } } }",
        {},
    ),
    (
        "{ employees(first: 20) { edges { node { id name title salary manager { name salary } department { name } } } } }",
        {},
    ),
    ("{ departments { nodes { id name manager { name } parent { name } } } }", {}),
    (
        "{ orders(first: 5) { edges { node { id status total currency customer { name } owner { name } } } pageInfo { hasNextPage } } }",
        {},
    ),
    (
        "{ invoices(last: 5) { edges { cursor node { id number status } } pageInfo { startCursor } } }",
        {},
    ),
    (
        '{ deals(filter: {search: "a"}, orderBy: {field: AMOUNT, direction: ASC}, first: 3) { edges { cursor node { title amount } } } }',
        {},
    ),
    (
        "query($s: [OrderStatus!]) { orders(filter: {status: $s}, first: 3) { nodes { id status } } }",
        {"s": ["DRAFT"]},
    ),
    ('{ employees(filter: {name: "a"}, first: 3) { nodes { name salary } } }', {}),
    (
        "{ customers(first: 5) { nodes { name deals { id title createdAt amount stage { name } owner { name email } } contacts { name email createdAt } } } }",
        {},
    ),
    (
        "{ pipelines { nodes { name stages { __typename id name position probability isWon } } } }",
        {},
    ),
    (
        "{ orders(first: 3) { nodes { id lines { quantity unitPrice subtotal tax total unitCost product { sku name } } } } }",
        {},
    ),
    (
        "query Q2($id: ID!) { order(id: $id) { id status total currency lines { quantity unitPrice total product { id sku name available } } } }",
        "order",
    ),
    (
        "{ products(first: 4) { nodes { id sku name unitPrice unitCost active onHand reserved available } } stockLevels(first: 3) { nodes { onHand reserved available product { name available } warehouse { code } } } stockMovements(first: 3) { nodes { kind quantity createdAt product { sku } } } }",
        {},
    ),
    (
        "{ invoices(first: 5) { nodes { id number status amountDue overdue total dueDate lines { description quantity total product { sku } } payments { id amount paidOn } creditNotes { number amount } customer { name } order { status } } } }",
        {},
    ),
]


def same(body: dict[str, Any]) -> tuple[Any, list[Any]]:
    """What must be equal: the data, and the errors in any order (GraphQL fixes none)."""
    return body.get("data"), sorted(body.get("errors") or [], key=repr)


@pytest.fixture
async def paths(make_client: Any) -> tuple[Any, Any]:
    return await make_client(compiled_reads=True), await make_client(compiled_reads=False)


@pytest.mark.parametrize("role", ["sales_rep", "sales_manager", "accountant", "hr_manager"])
async def test_both_paths_answer_alike(tenant: Any, paths: Any, role: str) -> None:
    users = await seed_every_area(tenant)
    token = tenant.token(users[role])
    compiled, ordinary = paths
    order = (
        await graphql(ordinary, "{ orders(first: 1) { nodes { id } } }", token=tenant.admin_token)
    ).data
    for query, variables in DOCUMENTS:
        if variables == "order":
            variables = {"id": order["orders"]["nodes"][0]["id"]}
        fast = await graphql(compiled, query, variables, token=token)
        slow = await graphql(ordinary, query, variables, token=token)
        assert same(fast.body) == same(slow.body), (query, fast.body, slow.body)
        assert fast.headers["atrium-read-path"] == "compiled", (query, fast.body)


async def test_a_root_field_is_one_statement_at_any_page_size(
    tenant: Any, make_client: Any, count_statements: Any
) -> None:
    """The page, its to-one and to-many relations: one statement (plus the request's
    tenant binding and actor), for 1 row as for 30."""
    users = await seed_every_area(tenant)
    token = tenant.token(users["sales_manager"])
    compiled = await make_client(compiled_reads=True)
    query = """query($n: Int!) { customers(first: $n) { edges { node {
      name owner { name } deals { title stage { name } } contacts { name } } } } }"""
    counts = []
    for n in (1, 30):
        with count_statements() as counter:
            result = await graphql(compiled, query, {"n": n}, token=token)
        assert result.ok() and result.headers["atrium-read-path"] == "compiled"
        counts.append(counter.count)
    ordinary = await make_client(compiled_reads=False)
    with count_statements() as counter:
        (await graphql(ordinary, query, {"n": 30}, token=token)).ok()
    assert counts[0] == counts[1] < counter.count
