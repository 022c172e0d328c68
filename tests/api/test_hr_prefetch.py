"""HR pages load the relations their client selected for all rows at once: employees'
department and manager, departments' parent and manager (api.core.loaders.prefetch)."""

from __future__ import annotations

from tests.support.admin import grant
from tests.support.hr import add_department, add_employee
from tests.support.prefetch import nodes

EMPLOYEES = """query($n: Int) { employees(first: $n) {
  nodes { name department { name } manager { name } } } }"""
EMPLOYEES_BY_FRAGMENT = """query($n: Int) { employees(first: $n) { edges { node { ...E } } } }
fragment E on Employee { name ... on Employee { department { name } } boss: manager { name } }"""
DEPARTMENTS = """query($n: Int) { departments(first: $n) {
  nodes { name parent { name } manager { name } } } }"""
DEPARTMENTS_BY_FRAGMENT = """query($n: Int) { departments(first: $n) { edges { node { ...D } } } }
fragment D on Department { name up: parent { name } ... on Department { manager { name } } }"""


async def _org(tenant, size=20):
    top = await add_department(tenant, "Top")
    boss = await add_employee(tenant, "Boss", department_id=top)
    for i in range(size):
        unit = await add_department(tenant, f"Unit {i:02d}", parent_id=top, manager_id=boss)
        await add_employee(tenant, f"Staff {i:02d}", department_id=unit, manager_id=boss)


async def test_employee_and_department_pages_prefetch_their_relations(gql, tenant, probe_with):
    await _org(tenant)
    probe = probe_with(await tenant.token_for("sales_rep"))
    queries = [EMPLOYEES, EMPLOYEES_BY_FRAGMENT]
    plain, _, by_fragment, _ = await probe.prefetched(queries, (3, 20), nodes("employees"))
    staff = [e for e in plain["employees"]["nodes"] if e["name"].startswith("Staff")]
    assert staff and all(e["manager"] == {"name": "Boss"} for e in staff)
    assert all(e["department"]["name"].startswith("Unit") for e in staff)
    assert [e["node"]["boss"] for e in by_fragment["employees"]["edges"]] == [
        e["manager"] for e in plain["employees"]["nodes"]
    ]
    queries = [DEPARTMENTS, DEPARTMENTS_BY_FRAGMENT]
    plain, *_ = await probe.prefetched(queries, (3, 20), nodes("departments"))
    units = [d for d in plain["departments"]["nodes"] if d["name"].startswith("Unit")]
    assert units and all(
        d["parent"] == {"name": "Top"} and d["manager"] == {"name": "Boss"} for d in units
    )


async def test_a_relation_the_role_may_not_read_is_forbidden_and_not_loaded(
    gql, tenant, custom_probe
):
    await _org(tenant, 5)
    # Department is not readable at all; Employee.manager is not readable on employees
    probe = await custom_probe(
        "directory",
        grant("Employee", ["read"], ["name", "department"]),
    )
    data = await probe.forbidden_and_not_loaded(
        "{ employees(first: 6) { nodes { name } } }",
        "{ employees(first: 6) { nodes { name department { name } manager { name } } } }",
        12,
    )
    assert all(e["department"] is None and e["manager"] is None for e in data["employees"]["nodes"])
