"""Salary (and the other personal fields) reach nobody but HR and the employee
themselves, whatever route the query takes."""

from __future__ import annotations

from api.core.relay import from_global_id
from domain.hr.models import departments
from tenants.access.areas.hr import PERSONAL
from tests.support.admin import custom_role, grant, holder_of
from tests.support.hr import SALARY, add_department, add_employee, did, eid

NODE = "query($id: ID!) { node(id: $id) { ... on Employee { name salary } } }"


async def _org(tenant, rep_user=None):
    dept = await add_department(tenant, "Sales")
    boss = await add_employee(tenant, "Ada Boss", department_id=dept, salary=9000)
    rep = await add_employee(
        tenant,
        "Bo Rep",
        department_id=dept,
        manager_id=boss,
        salary=SALARY,
        user_id=rep_user,
        national_id="NI-42",
    )
    async with tenant.session() as conn:
        await conn.execute(departments.update().values(manager_id=boss))
    return dept, boss, rep


async def test_salary_filter_is_forbidden_without_salary_read(gql, tenant):
    await _org(tenant)
    query = '{ employees(filter: {salary: {gt: "5000"}}) { edges { node { name } } } }'
    result = await gql(query, token=await tenant.token_for("sales_rep"))
    assert result.codes == ["FORBIDDEN"] and result.nothing
    allowed = await gql(query, token=await tenant.token_for("hr_manager"))
    assert [e["node"]["name"] for e in allowed.ok()["employees"]["edges"]] == ["Ada Boss", "Bo Rep"]
    narrow = query.replace("gt", "lt")
    assert (await gql(narrow, token=tenant.admin_token)).ok()["employees"]["edges"] == []


async def test_salary_sort_is_forbidden_without_salary_read(gql, tenant):
    await _org(tenant)
    query = "{ employees(orderBy: {field: SALARY, direction: DESC}) { edges { node { name } } } }"
    result = await gql(query, token=await tenant.token_for("accountant"))
    assert result.codes == ["FORBIDDEN"] and result.nothing
    names = [
        e["node"]["name"]
        for e in (await gql(query, token=tenant.admin_token)).ok()["employees"]["edges"]
    ]
    assert names == ["Ada Boss", "Bo Rep"]


async def test_no_alias_fragment_or_inline_fragment_reaches_salary(gql, tenant):
    _, boss, _ = await _org(tenant)
    token = await tenant.token_for("sales_rep")
    query = """query($id: ID!) {
      employees { edges { node { pay: salary ...F ... on Employee { s2: salary } } } }
      node(id: $id) { ...F ... on Employee { s3: salary name } }
    }
    fragment F on Employee { s1: salary }"""
    result = await gql(query, {"id": eid(boss)}, token=token)
    assert set(result.codes) == {"FORBIDDEN"}
    for edge in result.data["employees"]["edges"]:
        assert edge["node"] == {"pay": None, "s1": None, "s2": None}
    assert result.data["node"] == {"s1": None, "s3": None, "name": "Ada Boss"}
    assert len(result.errors) == 2 * 3 + 2


async def test_node_and_nested_relations_do_not_reveal_salary(gql, tenant):
    dept, boss, rep = await _org(tenant)
    token = await tenant.token_for("warehouse")
    result = await gql(NODE, {"id": eid(boss)}, token=token)
    assert result.data["node"] == {"name": "Ada Boss", "salary": None}
    assert result.error_paths("FORBIDDEN") == [["node", "salary"]]
    nested = await gql(
        """query($d: ID!, $e: ID!) {
          a: node(id: $d) { ... on Department { manager { salary } } }
          b: node(id: $e) { ... on Employee { manager { salary } department { manager { salary } } } }
        }""",
        {"d": did(dept), "e": eid(rep)},
        token=token,
    )
    assert nested.data == {
        "a": {"manager": {"salary": None}},
        "b": {"manager": {"salary": None}, "department": {"manager": {"salary": None}}},
    }
    assert len(nested.errors) == 3 and set(nested.codes) == {"FORBIDDEN"}


async def test_an_employee_reads_their_own_record_in_full(gql, tenant):
    user = await tenant.user("sales_rep")
    _, _, rep = await _org(tenant, rep_user=user)
    token = tenant.token(user)
    listed = await gql("{ employees { edges { node { name salary nationalId } } } }", token=token)
    nodes = [e["node"] for e in listed.data["employees"]["edges"]]
    assert nodes == [
        {"name": "Ada Boss", "salary": None, "nationalId": None},
        {"name": "Bo Rep", "salary": "5200.0000", "nationalId": "NI-42"},
    ]
    assert {tuple(p[2:]) for p in listed.error_paths()} == {
        (0, "node", "salary"),
        (0, "node", "nationalId"),
    }
    own = await gql(NODE, {"id": eid(rep)}, token=token)
    assert own.ok()["node"] == {"name": "Bo Rep", "salary": "5200.0000"}


async def test_viewer_employee_is_own_record_only(gql, tenant):
    user = await tenant.user("sales_rep")
    await _org(tenant, rep_user=user)
    result = await gql(
        "{ viewer { employee { name salary nationalId manager { name salary } } } }",
        token=tenant.token(user),
    )
    assert result.data["viewer"]["employee"] == {
        "name": "Bo Rep",
        "salary": "5200.0000",
        "nationalId": "NI-42",
        "manager": {"name": "Ada Boss", "salary": None},
    }
    assert result.error_paths() == [["viewer", "employee", "manager", "salary"]]
    # and what the frontend is told matches
    permissions = await gql(
        "{ viewer { permissions { entity readableFields ownRecordFields } } }",
        token=tenant.token(user),
    )
    employee = next(
        p for p in permissions.ok()["viewer"]["permissions"] if p["entity"] == "Employee"
    )
    assert set(employee["ownRecordFields"]) == set(PERSONAL)
    assert not set(employee["readableFields"]) & set(PERSONAL)
    # a user without an employee record has none
    none = await gql("{ viewer { employee { name } } }", token=await tenant.token_for("sales_rep"))
    assert none.ok()["viewer"]["employee"] is None


async def test_a_manager_reads_directory_fields_of_reports_not_their_salary(gql, tenant):
    user = await tenant.user("sales_manager")
    dept = await add_department(tenant, "Sales")
    boss = await add_employee(tenant, "Ada Boss", department_id=dept, salary=9000, user_id=user)
    report = await add_employee(tenant, "Bo Rep", manager_id=boss, salary=SALARY, title="AE")
    result = await gql(
        "query($m: ID!) { employees(filter: {manager: $m}) { edges { node { id name title workEmail salary } } } }",
        {"m": eid(boss)},
        token=tenant.token(user),
    )
    node = result.data["employees"]["edges"][0]["node"]
    assert node == {
        "id": eid(report),
        "name": "Bo Rep",
        "title": "AE",
        "workEmail": node["workEmail"],
        "salary": None,
    }
    assert node["workEmail"].startswith("bo@")
    assert result.error_paths() == [["employees", "edges", 0, "node", "salary"]]


async def test_a_role_without_any_employee_grant_still_reads_its_own_record(gql, tenant):
    """ACCESS.md: an employee always reads their own record in full, whatever the role."""
    role = await custom_role(gql, tenant, "crm_only", grant("Customer", ["read"], ["name"]))
    user, token = await holder_of(gql, tenant, role)
    _, boss, rep = await _org(tenant, rep_user=from_global_id(user["id"])[1])
    own = await gql(
        "{ viewer { employee { id name title salary nationalId department { name } "
        "manager { name } } } }",
        token=token,
    )
    assert own.data["viewer"]["employee"] == {
        "id": eid(rep),
        "name": "Bo Rep",
        "title": "Engineer",
        "salary": "5200.0000",
        "nationalId": "NI-42",
        "department": None,
        "manager": None,
    }
    assert sorted(own.error_paths()) == [
        ["viewer", "employee", "department"],
        ["viewer", "employee", "manager"],
    ]
    assert set(own.codes) == {"FORBIDDEN"}
    # every other route to an employee stays closed, the own record's included
    listed = await gql("{ employees { nodes { name } } }", token=token)
    assert listed.codes == ["FORBIDDEN"] and listed.nothing
    for id in (eid(rep), eid(boss)):
        node = await gql(NODE, {"id": id}, token=token)
        assert node.data == {"node": None} and node.codes in (["NOT_FOUND"], ["FORBIDDEN"])
    permissions = await gql(
        "{ viewer { permissions { entity readableFields ownRecordFields } } }", token=token
    )
    employee = next(
        p for p in permissions.ok()["viewer"]["permissions"] if p["entity"] == "Employee"
    )
    assert employee["readableFields"] == [] and {"name", "salary"} <= set(
        employee["ownRecordFields"]
    )
