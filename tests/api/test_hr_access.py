"""Who may read and write employees: every built-in role, anonymous and another tenant.
Refused writes are checked against the rows: nothing changed."""

from __future__ import annotations

import pytest

from tenants.access.areas.hr import DIRECTORY
from tests.support.hr import (
    SALARY,
    add_department,
    add_employee,
    add_role,
    count_rows,
    eid,
    employee_row,
)

READERS = ("sales_rep", "sales_manager", "accountant", "warehouse")
HR = ("hr_manager", "tenant_admin")

LIST = """{ employees { edges { node { id name title workEmail active
  department { name } manager { name } salary bankAccount nationalId birthDate homeAddress } } } }"""
UPDATE = """mutation($input: UpdateEmployeeInput!) { updateEmployee(input: $input) {
  employee { name salary version } userErrors { field code } } }"""
CREATE = """mutation($input: CreateEmployeeInput!) { createEmployee(input: $input) {
  employee { id name } userErrors { field code } } }"""
TERMINATE = """mutation($input: TerminateEmployeeInput!) { terminateEmployee(input: $input) {
  employee { active terminatedOn } userErrors { field code } } }"""
PERSONAL = ("salary", "bankAccount", "nationalId", "birthDate", "homeAddress")


async def _org(tenant):
    dept = await add_department(tenant, "Engineering")
    boss = await add_employee(
        tenant, "Ada Boss", department_id=dept, salary=SALARY, bank_account="IBAN-1"
    )
    worker = await add_employee(tenant, "Bo Worker", department_id=dept, manager_id=boss)
    return boss, worker


async def _token(tenant, role):
    return tenant.admin_token if role == "tenant_admin" else await tenant.token_for(role)


async def test_anonymous_gets_nothing(gql, tenant):
    await _org(tenant)
    result = await gql(LIST)
    assert result.codes == ["UNAUTHENTICATED"] and result.data is None


async def test_anonymous_cannot_write(gql, tenant):
    boss, _ = await _org(tenant)
    result = await gql(UPDATE, {"input": {"id": eid(boss), "version": 1, "salary": "1"}})
    assert result.codes == ["UNAUTHENTICATED"]
    assert (await employee_row(tenant, boss)).salary == SALARY


async def test_other_tenant_sees_nothing_and_changes_nothing(gql, tenant, other_tenant):
    boss, _ = await _org(tenant)
    token = other_tenant.admin_token
    assert (await gql(LIST, token=token)).ok()["employees"]["edges"] == []
    node = await gql("query($id: ID!) { node(id: $id) { id } }", {"id": eid(boss)}, token=token)
    assert node.codes == ["NOT_FOUND"]
    update = await gql(UPDATE, {"input": {"id": eid(boss), "version": 1, "name": "X"}}, token=token)
    assert update.ok()["updateEmployee"] == {
        "employee": None,
        "userErrors": [{"field": "id", "code": "NOT_FOUND"}],
    }
    terminate = await gql(TERMINATE, {"input": {"id": eid(boss), "version": 1}}, token=token)
    assert terminate.ok()["terminateEmployee"]["userErrors"][0]["code"] == "NOT_FOUND"
    row = await employee_row(tenant, boss)
    assert (row.name, row.active, row.version) == ("Ada Boss", True, 1)


@pytest.mark.parametrize("role", READERS)
async def test_directory_roles_cannot_write(gql, tenant, role):
    boss, _ = await _org(tenant)
    token = await _token(tenant, role)
    update = await gql(
        UPDATE, {"input": {"id": eid(boss), "version": 1, "title": "CEO"}}, token=token
    )
    create = await gql(CREATE, {"input": {"name": "New Person"}}, token=token)
    terminate = await gql(TERMINATE, {"input": {"id": eid(boss), "version": 1}}, token=token)
    department = await gql(
        'mutation { createDepartment(input: {name: "Sales"}) { department { id } } }', token=token
    )
    for result in (update, create, terminate, department):
        assert result.codes == ["FORBIDDEN"]
    row = await employee_row(tenant, boss)
    assert (row.title, row.active, row.version) == ("Engineer", True, 1)
    assert await count_rows(tenant) == 2


@pytest.mark.parametrize("role", HR)
async def test_hr_reads_and_writes_everything(gql, tenant, role):
    boss, worker = await _org(tenant)
    token = await _token(tenant, role)
    nodes = [e["node"] for e in (await gql(LIST, token=token)).ok()["employees"]["edges"]]
    assert (nodes[0]["salary"], nodes[0]["bankAccount"]) == ("5200.0000", "IBAN-1")
    update = await gql(
        UPDATE,
        {"input": {"id": eid(boss), "version": 1, "salary": "6100.50", "salaryCurrency": "usd"}},
        token=token,
    )
    assert update.ok()["updateEmployee"] == {
        "employee": {"name": "Ada Boss", "salary": "6100.5000", "version": 2},
        "userErrors": [],
    }
    assert (await employee_row(tenant, boss)).salary_currency == "USD"
    created = await gql(
        CREATE, {"input": {"name": "Cy New", "managerId": eid(boss), "salary": "10"}}, token=token
    )
    assert created.ok()["createEmployee"]["userErrors"] == [
        {"field": "salaryCurrency", "code": "BAD_USER_INPUT"}
    ]
    terminate = await gql(
        TERMINATE,
        {"input": {"id": eid(worker), "version": 1, "terminatedOn": "2030-01-31"}},
        token=token,
    )
    assert terminate.ok()["terminateEmployee"]["employee"] == {
        "active": False,
        "terminatedOn": "2030-01-31",
    }
    assert await count_rows(tenant) == 2


async def test_custom_role_writes_only_its_granted_fields(gql, tenant):
    # a role that may update titles cannot slip a salary into an otherwise allowed input
    boss, _ = await _org(tenant)
    permissions = {
        "Employee": {"actions": ["read", "update"], "read": list(DIRECTORY), "write": ["title"]}
    }
    await add_role(tenant, "titles", permissions)
    token = await tenant.token_for("titles")
    result = await gql(
        UPDATE,
        {"input": {"id": eid(boss), "version": 1, "title": "CEO", "salary": "1"}},
        token=token,
    )
    assert result.codes == ["FORBIDDEN"] and result.nothing
    row = await employee_row(tenant, boss)
    assert (row.title, row.salary, row.version) == ("Engineer", SALARY, 1)
    ok = await gql(UPDATE, {"input": {"id": eid(boss), "version": 1, "title": "CEO"}}, token=token)
    assert ok.codes == ["FORBIDDEN"]  # the payload's salary: the write stands, the read is refused
    assert ok.data["updateEmployee"]["employee"] == {
        "name": "Ada Boss",
        "salary": None,
        "version": 2,
    }
    assert (await employee_row(tenant, boss)).title == "CEO"


async def test_terminated_on_is_written_by_terminate_only(gql, tenant):
    boss, _ = await _org(tenant)
    result = await gql(
        "mutation($input: UpdateEmployeeInput!) { updateEmployee(input: $input) { userErrors { code } } }",
        {"input": {"id": eid(boss), "version": 1, "hiredOn": "2020-01-01"}},
        token=tenant.admin_token,
    )
    assert result.ok()["updateEmployee"]["userErrors"] == []
    # terminatedOn is not an input of updateEmployee at all
    bad = await gql(
        'mutation { updateEmployee(input: {id: "x", version: 1, terminatedOn: "2020-01-01"}) { userErrors { code } } }',
        token=tenant.admin_token,
    )
    assert bad.codes == ["BAD_USER_INPUT"]


async def test_team_scope_is_own_record_and_direct_reports(gql, tenant):
    team = {"Employee": {"actions": ["read"], "scope": "team", "read": list(DIRECTORY)}}
    await add_role(tenant, "lead", team)
    user = await tenant.user("lead")
    boss = await add_employee(tenant, "Ada Boss")
    lead = await add_employee(tenant, "Bo Lead", manager_id=boss, user_id=user)
    report = await add_employee(tenant, "Cy Report", manager_id=lead)
    await add_employee(tenant, "Di Elsewhere")
    token = tenant.token(user)
    listed = await gql("{ employees { edges { node { id name manager { name } } } } }", token=token)
    nodes = [e["node"] for e in listed.data["employees"]["edges"]]
    # the manager of the lead is out of scope: the relation is null, not an error
    assert nodes == [
        {"id": eid(lead), "name": "Bo Lead", "manager": None},
        {"id": eid(report), "name": "Cy Report", "manager": {"name": "Bo Lead"}},
    ]
    hidden = await gql("query($id: ID!) { node(id: $id) { id } }", {"id": eid(boss)}, token=token)
    assert hidden.codes == ["NOT_FOUND"]
