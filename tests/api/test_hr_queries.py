"""Reading the directory: filters, ordering, keyset paging, departments, and a fixed
number of SQL statements whatever the page size."""

from __future__ import annotations

from datetime import date

from tests.support.hr import add_department, add_employee, did, eid

EDGES = "edges { cursor node { name } } pageInfo { hasNextPage hasPreviousPage endCursor }"


def names(data, field="employees"):
    return [e["node"]["name"] for e in data[field]["edges"]]


async def _staff(tenant):
    sales = await add_department(tenant, "Sales")
    ops = await add_department(tenant, "Operations")
    boss = await add_employee(tenant, "Ada Boss", department_id=sales, hired_on=date(2019, 1, 1))
    await add_employee(tenant, "bob 100% sure", department_id=sales, manager_id=boss, salary=10)
    await add_employee(tenant, "Cy Ops", department_id=ops, hired_on=date(2018, 1, 1), salary=30)
    await add_employee(
        tenant, "Di Gone", department_id=ops, active=False, terminated_on=date(2024, 1, 1)
    )
    return sales, ops, boss


async def test_filters(gql, tenant):
    sales, ops, boss = await _staff(tenant)
    token = await tenant.token_for("sales_rep")
    query = "query($f: EmployeeFilter) { employees(filter: $f) { edges { node { name } } } }"

    async def listed(**f):
        return names((await gql(query, {"f": f}, token=token)).ok())

    assert await listed() == ["Ada Boss", "bob 100% sure", "Cy Ops", "Di Gone"]
    assert await listed(name="BOB") == ["bob 100% sure"]
    assert await listed(name="0%") == ["bob 100% sure"]  # % is a character, not a wildcard
    assert await listed(name="%") == ["bob 100% sure"]
    assert await listed(department=did(ops)) == ["Cy Ops", "Di Gone"]
    assert await listed(manager=eid(boss)) == ["bob 100% sure"]
    assert await listed(active=False) == ["Di Gone"]
    assert await listed(department=did(sales), active=True) == ["Ada Boss", "bob 100% sure"]
    bad = await gql(query, {"f": {"department": "nonsense"}}, token=token)
    assert bad.codes == ["BAD_USER_INPUT"]


async def test_order_and_keyset_paging(gql, tenant):
    await _staff(tenant)
    token = tenant.admin_token
    query = """query($o: EmployeeOrder, $first: Int, $after: String, $last: Int, $before: String) {
      employees(orderBy: $o, first: $first, after: $after, last: $last, before: $before) { %s } }"""
    query = query % EDGES

    async def walk(order, step=2):
        seen, after = [], None
        for _ in range(8):
            data = (await gql(query, {"o": order, "first": step, "after": after}, token=token)).ok()
            seen += names(data)
            info = data["employees"]["pageInfo"]
            if not info["hasNextPage"]:
                return seen
            after = info["endCursor"]
        raise AssertionError(f"paging does not end: {seen}")

    assert await walk({"field": "NAME", "direction": "DESC"}) == [
        "Di Gone",
        "Cy Ops",
        "bob 100% sure",
        "Ada Boss",
    ]
    # missing values sort last, and paging across them loses nobody
    by_hire = await walk({"field": "HIRED_ON"}, step=1)
    assert by_hire[:2] == ["Cy Ops", "Ada Boss"] and len(by_hire) == 4
    by_salary = await walk({"field": "SALARY", "direction": "ASC"}, step=1)
    assert by_salary[:2] == ["bob 100% sure", "Cy Ops"] and len(set(by_salary)) == 4
    tail = (await gql(query, {"last": 2}, token=token)).ok()
    assert names(tail) == ["Cy Ops", "Di Gone"]
    assert tail["employees"]["pageInfo"]["hasPreviousPage"] is True
    too_many = await gql(query, {"first": 201}, token=token)
    assert too_many.codes == ["BAD_USER_INPUT"]


async def test_departments_list_and_node(gql, tenant, other_tenant):
    sales, _, boss = await _staff(tenant)
    child = await add_department(tenant, "Inside Sales", parent_id=sales, manager_id=boss)
    await add_department(other_tenant, "Elsewhere")
    token = await tenant.token_for("warehouse")
    data = (
        await gql(
            "{ departments { edges { node { id name parent { name } manager { name } } } } }",
            token=token,
        )
    ).ok()
    nodes = [e["node"] for e in data["departments"]["edges"]]
    assert [n["name"] for n in nodes] == ["Inside Sales", "Operations", "Sales"]
    assert nodes[0] == {
        "id": did(child),
        "name": "Inside Sales",
        "parent": {"name": "Sales"},
        "manager": {"name": "Ada Boss"},
    }
    node = await gql(
        "query($id: ID!) { node(id: $id) { id ... on Department { name } } }",
        {"id": did(child)},
        token=token,
    )
    assert node.ok()["node"] == {"id": did(child), "name": "Inside Sales"}
    foreign = await gql(
        "query($id: ID!) { node(id: $id) { id } }",
        {"id": did(sales)},
        token=other_tenant.admin_token,
    )
    assert foreign.codes == ["NOT_FOUND"]


async def test_statements_do_not_grow_with_the_page(gql, tenant, count_statements):
    departments = [await add_department(tenant, f"Dept {i}") for i in range(4)]
    boss = await add_employee(tenant, "Boss", department_id=departments[0])
    managers = [
        await add_employee(tenant, f"Manager {i}", department_id=d, manager_id=boss)
        for i, d in enumerate(departments)
    ]
    for i in range(16):
        await add_employee(
            tenant, f"Staff {i:02d}", department_id=departments[i % 4], manager_id=managers[i % 4]
        )
    token = await tenant.token_for("sales_rep")
    query = """query($n: Int) { employees(first: $n) { edges { node {
      name department { name parent { name } } manager { name department { name } } } } } }"""
    counts = {}
    for n in (2, 20):
        with count_statements() as counter:
            data = (await gql(query, {"n": n}, token=token)).ok()
        assert len(data["employees"]["edges"]) == n
        counts[n] = counter.count
    assert counts[2] == counts[20] <= 6, counts
