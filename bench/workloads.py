"""The workloads of BENCH.md. Each is a GraphQL document, the variables of the
requests wrk rotates through, and the role of the (real, seeded) user who sends them.

A workload whose document does not validate against the server's schema is skipped
("API not present"): the areas land one by one, and the harness runs what it can.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any
from uuid import UUID

from api.core.relay import to_global_id
from bench.data import Dataset, Tenant
from bench.gen_crm import OPEN_CREDIT

Variables = Callable[[Tenant], list[dict[str, Any]]]


def _none(tenant: Tenant) -> list[dict[str, Any]]:
    return [{}]


@dataclass(frozen=True)
class Workload:
    id: str
    title: str
    role: str  # the role key of the (real) user whose token sends every request
    query: str
    variables: Variables = _none
    target: str = "atrium"  # or "floor" (bench/floor.py)
    path: str = "/graphql"
    tenant: str = "big"
    # what a correct answer looks like: returns a short description (e.g. "50 rows")
    # or raises AssertionError
    check: Callable[[dict[str, Any]], str] | None = None
    # M1: the document sent with the id of what the previous request created
    then: str | None = None
    same_as: str | None = None  # the floor: must answer exactly what this workload answers
    tags: tuple[str, ...] = field(default=())

    def of(self, ds: Dataset) -> Tenant:
        return next(t for t in ds.tenants if t.slug == self.tenant)

    def user(self, ds: Dataset) -> UUID:
        tenant = self.of(ds)
        return tenant.refs["m1_user"] if "m1" in self.tags else tenant.user(self.role)

    def bodies(self, ds: Dataset) -> list[dict[str, Any]]:
        return [{"query": self.query, "variables": v} for v in self.variables(self.of(ds))]


def data(body: dict[str, Any]) -> Any:
    assert not body.get("errors"), body.get("errors")
    assert body.get("data") is not None, body
    return body["data"]


def _rows(root: str, minimum: int = 1) -> Callable[[dict[str, Any]], str]:
    def check(body: dict[str, Any]) -> str:
        edges = data(body)[root]["edges"]
        assert len(edges) >= minimum, f"{root}: {len(edges)} rows"
        return f"{len(edges)} rows"

    return check


def _present(root: str) -> Callable[[dict[str, Any]], str]:
    def check(body: dict[str, Any]) -> str:
        assert data(body)[root] is not None, f"{root} is null"
        return "found"

    return check


def _salary(visible: bool) -> Callable[[dict[str, Any]], str]:
    def check(body: dict[str, Any]) -> str:
        edges = body["data"]["employees"]["edges"]
        assert len(edges) == 50 if visible else edges, len(edges)
        codes = {e.get("extensions", {}).get("code") for e in body.get("errors") or ()}
        if visible:
            assert not codes and all(e["node"]["salary"] is not None for e in edges), codes
            return "50 rows, salaries"
        assert codes == {"FORBIDDEN"}, codes
        assert all(e["node"]["salary"] is None for e in edges)
        return f"{len(edges)} rows, salary FORBIDDEN"

    return check


def _customer(body: dict[str, Any]) -> str:
    got = data(body)
    assert got["customer"] and got["customer"]["deals"], got["customer"]
    counts = [len(got["customer"]["deals"]), len(got["orders"]["edges"])]
    counts.append(len(got["invoices"]["edges"]))
    return "{} deals, {} orders, {} invoices".format(*counts)


def _viewer(body: dict[str, Any]) -> str:
    return f"role {data(body)['viewer']['user']['roleKey']}"


def _page(first: int) -> Variables:
    return lambda tenant: [{"first": first}]


def _ids(kind: str, ref: str, count: int = 100) -> Variables:
    return lambda tenant: [{"id": to_global_id(kind, i)} for i in tenant.refs[ref][:count]]


def _busy_customers(tenant: Tenant) -> list[dict[str, Any]]:
    by_customer = tenant.refs["deals_by_customer"]
    busiest = sorted(by_customer, key=lambda c: (-len(by_customer[c]), str(c)))[:100]
    return [{"id": to_global_id("Customer", c)} for c in busiest]


def m1_orders(kind: str) -> Variables:
    def variables(tenant: Tenant) -> list[dict[str, Any]]:
        m1 = tenant.refs["m1"]
        customers = tenant.refs["customers"]
        lines = [{"productId": to_global_id("Product", p), "quantity": 1} for p in m1[kind]]
        return [
            {
                "input": {
                    "customerId": to_global_id("Customer", c),
                    "warehouseId": to_global_id("Warehouse", m1["warehouse"]),
                    "lines": lines,
                }
            }
            for c in customers[:OPEN_CREDIT]
        ]

    return variables


VIEWER = "query V0 { viewer { user { id name roleKey } tenant { name } } }"

Q1 = """query Q1($first: Int!) {
  deals(first: $first) {
    edges { node { id title stage { name } amount currency customer { name } owner { name } } }
    pageInfo { hasNextPage endCursor }
  }
}"""

Q2 = """query Q2($id: ID!) {
  order(id: $id) {
    id status total currency
    lines { quantity unitPrice total product { id sku name available } }
  }
}"""

# One request, as a client would send it: the customer, its deals and 10 latest
# activities through node(id:), its first 10 orders and invoices through the lists'
# customer filter (Customer has no orders/invoices fields). The busiest customers of
# the big tenant have about ten deals each.
Q3 = """query Q3($id: ID!) {
  customer: node(id: $id) {
    id
    ... on Customer {
      name
      deals { id title amount stage { name } }
      timeline(first: 10) { at kind activity { id kind subject } }
    }
  }
  orders(first: 10, filter: { customerId: $id }) { edges { node { id status total } } }
  invoices(first: 10, filter: { customerId: $id }) {
    edges { node { id number status amountDue } }
  }
}"""

Q4 = """query Q4 {
  pipelineReport {
    stages { stage { name } count amounts { currency count amount weightedAmount } }
    totals { currency count amount weightedAmount }
  }
}"""

Q5 = """query Q5 {
  employees(first: 50) { edges { node { id name title salary } } }
}"""

Q6 = """query Q6($id: ID!) {
  node(id: $id) { id ... on Deal { title amount currency stage { name } } }
}"""

M1_CREATE = """mutation M1($input: CreateOrderInput!) {
  createOrder(input: $input) { order { id } userErrors { field message code } }
}"""

M1_CONFIRM = """mutation M1c($input: OrderStepInput!) {
  confirmOrder(input: $input) { order { id status } userErrors { field message code } }
}"""

WORKLOADS: tuple[Workload, ...] = (
    Workload(
        "V0",
        "viewer: token, transaction, role, one lookup (the fixed cost of a request)",
        "sales_rep",
        VIEWER,
        check=_viewer,
    ),
    *(
        Workload(
            f"Q1-{n}",
            f"deals(first: {n}) with customer, owner, stage, amount",
            "sales_manager",
            Q1,
            _page(n),
            check=_rows("deals", n),
        )
        for n in (10, 50, 200)
    ),
    *(
        Workload(
            f"F1-{n}",
            f"the floor: Q1-{n} as hand-written SQL on raw asyncpg",
            "sales_manager",
            Q1,
            _page(n),
            target="floor",
            path="/q1",
            check=_rows("deals", n),
            same_as=f"Q1-{n}",
        )
        for n in (10, 50, 200)
    ),
    Workload(
        "Q2",
        "one order by id: lines, their product and its available stock",
        "sales_manager",
        Q2,
        _ids("SalesOrder", "orders"),
        check=_present("order"),
    ),
    Workload(
        "Q3",
        "one customer: its deals, 10 latest activities, first 10 orders and invoices",
        "sales_manager",
        Q3,
        _busy_customers,
        check=_customer,
    ),
    Workload(
        "Q4",
        "pipelineReport: count, amount, weighted amount per stage",
        "sales_manager",
        Q4,
        check=_present("pipelineReport"),
    ),
    Workload(
        "Q5-hr",
        "employees(first: 50) as hr_manager (salary visible)",
        "hr_manager",
        Q5,
        check=_salary(True),
    ),
    Workload(
        "Q5-rep",
        "employees(first: 50) as sales_rep (salary FORBIDDEN)",
        "sales_rep",
        Q5,
        check=_salary(False),
    ),
    Workload(
        "Q6",
        "node(id:) of a deal",
        "sales_manager",
        Q6,
        _ids("Deal", "deals", 200),
        check=_present("node"),
    ),
    Workload(
        "M1",
        "create an order with 3 lines, then confirm it (2 requests; stock never runs out)",
        "sales_rep",
        M1_CREATE,
        m1_orders("plenty"),
        then=M1_CONFIRM,
        tags=("m1",),
    ),
)
