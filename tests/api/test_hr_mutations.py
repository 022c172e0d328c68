"""HR writes: what they change, and that bad input changes nothing."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from uuid import uuid4

import pytest
import sqlalchemy as sa

from api.core.relay import to_global_id
from domain.hr.models import departments
from tenants.models import audit_events
from tests.support.hr import add_department, add_employee, count_rows, did, eid, employee_row

EMPLOYEE = "employee { id name title salary salaryCurrency userId version department { name } manager { name } }"
ERRORS = "userErrors { field code }"
CREATE = f"mutation($input: CreateEmployeeInput!) {{ createEmployee(input: $input) {{ {EMPLOYEE} {ERRORS} }} }}"
UPDATE = f"mutation($input: UpdateEmployeeInput!) {{ updateEmployee(input: $input) {{ {EMPLOYEE} {ERRORS} }} }}"
TERMINATE = f"mutation($input: TerminateEmployeeInput!) {{ terminateEmployee(input: $input) {{ employee {{ active }} {ERRORS} }} }}"
DEPARTMENT = "department { id name version parent { name } manager { name } }"
CREATE_DEPT = f"mutation($input: CreateDepartmentInput!) {{ createDepartment(input: $input) {{ {DEPARTMENT} {ERRORS} }} }}"
UPDATE_DEPT = f"mutation($input: UpdateDepartmentInput!) {{ updateDepartment(input: $input) {{ {DEPARTMENT} {ERRORS} }} }}"


async def _errors(gql, query, name, input, token):
    payload = (await gql(query, {"input": input}, token=token)).ok()[name]
    return payload["userErrors"]


async def test_create_links_department_manager_and_user(gql, tenant):
    dept = await add_department(tenant, "Engineering")
    boss = await add_employee(tenant, "Ada Boss")
    user = await tenant.user("sales_rep")
    result = await gql(
        CREATE,
        {
            "input": {
                "name": "  Cy New ",
                "departmentId": did(dept),
                "managerId": eid(boss),
                "userId": to_global_id("User", user),
                "salary": "4100.5",
                "salaryCurrency": "eur",
            }
        },
        token=await tenant.token_for("hr_manager"),
    )
    employee = result.ok()["createEmployee"]["employee"]
    assert employee | {"id": None} == {
        "id": None,
        "name": "Cy New",
        "title": None,
        "salary": "4100.5000",
        "salaryCurrency": "EUR",
        "userId": to_global_id("User", user),
        "version": 1,
        "department": {"name": "Engineering"},
        "manager": {"name": "Ada Boss"},
    }
    own = await gql("{ viewer { employee { id salary } } }", token=tenant.token(user))
    assert own.ok()["viewer"]["employee"] == {"id": employee["id"], "salary": "4100.5000"}


async def test_stale_version_is_a_conflict_and_changes_nothing(gql, tenant):
    emp = await add_employee(tenant, "Ada Boss")
    token = tenant.admin_token
    first = await gql(
        UPDATE, {"input": {"id": eid(emp), "version": 1, "title": "CTO"}}, token=token
    )
    assert first.ok()["updateEmployee"]["employee"]["version"] == 2
    stale = await _errors(
        gql, UPDATE, "updateEmployee", {"id": eid(emp), "version": 1, "title": "X"}, token
    )
    assert stale == [{"field": "version", "code": "CONFLICT"}]
    row = await employee_row(tenant, emp)
    assert (row.title, row.version) == ("CTO", 2)
    async with tenant.session() as conn:
        changes = await conn.scalars(
            sa.select(audit_events.c.changes).where(
                audit_events.c.entity_id == emp, audit_events.c.action == "update"
            )
        )
        assert list(changes) == [{"title": {"old": "Engineer", "new": "CTO"}}]


async def test_manager_cycle_is_refused(gql, tenant):
    top = await add_employee(tenant, "Ada Top")
    middle = await add_employee(tenant, "Bo Middle", manager_id=top)
    bottom = await add_employee(tenant, "Cy Bottom", manager_id=middle)
    token = await tenant.token_for("hr_manager")

    async def set_manager(employee, manager):
        input = {"id": eid(employee), "version": 1, "managerId": eid(manager)}
        return await _errors(gql, UPDATE, "updateEmployee", input, token)

    for manager in (bottom, middle, top):
        assert await set_manager(top, manager) == [{"field": "managerId", "code": "MANAGER_CYCLE"}]
    row = await employee_row(tenant, top)
    assert (row.manager_id, row.version) == (None, 1)
    # moving a subtree elsewhere is fine
    assert await set_manager(bottom, top) == []


async def test_references_into_another_tenant_are_not_found(gql, tenant, other_tenant):
    foreign_dept = await add_department(other_tenant, "Theirs")
    foreign_emp = await add_employee(other_tenant, "Their Boss")
    foreign_user = await other_tenant.user("sales_rep")
    mine = await add_employee(tenant, "Ada Mine")
    token = tenant.admin_token
    cases = {
        "departmentId": did(foreign_dept),
        "managerId": eid(foreign_emp),
        "userId": to_global_id("User", foreign_user),
    }
    for field, value in cases.items():
        created = await _errors(gql, CREATE, "createEmployee", {"name": "X", field: value}, token)
        assert created == [{"field": field, "code": "NOT_FOUND"}]
        updated = await _errors(
            gql, UPDATE, "updateEmployee", {"id": eid(mine), "version": 1, field: value}, token
        )
        assert updated == [{"field": field, "code": "NOT_FOUND"}]
    assert await count_rows(tenant) == 1
    row = await employee_row(tenant, mine)
    assert (row.department_id, row.manager_id, row.user_id, row.version) == (None, None, None, 1)


@pytest.mark.parametrize(
    ("input", "field", "code"),
    [
        ({"managerId": "not-an-id"}, "managerId", "BAD_USER_INPUT"),
        ({"managerId": to_global_id("Department", uuid4())}, "managerId", "NOT_FOUND"),
        ({"departmentId": to_global_id("Department", uuid4())}, "departmentId", "NOT_FOUND"),
        ({"salary": "100", "salaryCurrency": "EURO"}, "salaryCurrency", "BAD_USER_INPUT"),
        ({"salary": "-1", "salaryCurrency": "EUR"}, "salary", "BAD_USER_INPUT"),
        ({"salary": "100.5", "salaryCurrency": "JPY"}, "salary", "BAD_USER_INPUT"),
        ({"salary": "1e15", "salaryCurrency": "EUR"}, "salary", "BAD_USER_INPUT"),
        ({"salary": "NaN", "salaryCurrency": "EUR"}, "salary", "BAD_USER_INPUT"),
        ({"salary": "100"}, "salaryCurrency", "BAD_USER_INPUT"),
        ({"name": "   "}, "name", "BAD_USER_INPUT"),
        ({"workEmail": "nobody"}, "workEmail", "BAD_USER_INPUT"),
        ({"birthDate": "2999-01-01"}, "birthDate", "BAD_USER_INPUT"),
    ],
)
async def test_bad_input_is_a_user_error_and_writes_nothing(gql, tenant, input, field, code):
    errors = await _errors(
        gql, CREATE, "createEmployee", {"name": "Cy", **input}, tenant.admin_token
    )
    assert errors == [{"field": field, "code": code}]
    assert await count_rows(tenant) == 0


async def test_malformed_decimal_is_bad_input_not_internal(gql, tenant):
    result = await gql(
        CREATE, {"input": {"name": "Cy", "salary": "lots"}}, token=tenant.admin_token
    )
    assert result.codes == ["BAD_USER_INPUT"]
    assert await count_rows(tenant) == 0


async def test_unknown_employee_is_not_found(gql, tenant):
    ghost = eid(uuid4())
    for query, name in ((UPDATE, "updateEmployee"), (TERMINATE, "terminateEmployee")):
        errors = await _errors(gql, query, name, {"id": ghost, "version": 1}, tenant.admin_token)
        assert errors == [{"field": "id", "code": "NOT_FOUND"}]


async def test_user_links_to_one_employee_only(gql, tenant):
    user = await tenant.user("warehouse")
    await add_employee(tenant, "Ada Linked", user_id=user)
    errors = await _errors(
        gql,
        CREATE,
        "createEmployee",
        {"name": "Bo", "userId": to_global_id("User", user)},
        tenant.admin_token,
    )
    assert errors == [{"field": "userId", "code": "DUPLICATE"}]
    assert await count_rows(tenant) == 1


async def test_terminate_once_and_not_before_hire(gql, tenant):
    emp = await add_employee(tenant, "Ada Leaving", hired_on=date(2024, 5, 1))
    boss = await add_employee(tenant, "Bo Boss")
    token = await tenant.token_for("hr_manager")
    early = await _errors(
        gql,
        TERMINATE,
        "terminateEmployee",
        {"id": eid(emp), "version": 1, "terminatedOn": "2024-04-30"},
        token,
    )
    assert early == [{"field": "terminatedOn", "code": "BAD_USER_INPUT"}]
    assert (
        await _errors(gql, TERMINATE, "terminateEmployee", {"id": eid(emp), "version": 1}, token)
        == []
    )
    again = await _errors(
        gql, TERMINATE, "terminateEmployee", {"id": eid(emp), "version": 2}, token
    )
    assert again == [{"field": "id", "code": "ALREADY_TERMINATED"}]
    # someone who has left manages nobody new
    left = await _errors(
        gql, UPDATE, "updateEmployee", {"id": eid(boss), "version": 1, "managerId": eid(emp)}, token
    )
    assert left == [{"field": "managerId", "code": "BAD_USER_INPUT"}]
    active = await gql(
        "{ employees(filter: {active: false}) { edges { node { name } } } }", token=token
    )
    assert [e["node"]["name"] for e in active.ok()["employees"]["edges"]] == ["Ada Leaving"]


async def test_departments_nest_without_cycles_or_duplicates(gql, tenant, other_tenant):
    token = await tenant.token_for("hr_manager")
    boss = await add_employee(tenant, "Ada Boss")
    top = (
        await gql(CREATE_DEPT, {"input": {"name": "Company", "managerId": eid(boss)}}, token=token)
    ).ok()
    top = top["createDepartment"]["department"]
    assert top | {"id": None} == {
        "id": None,
        "name": "Company",
        "version": 1,
        "parent": None,
        "manager": {"name": "Ada Boss"},
    }
    child = (
        await gql(CREATE_DEPT, {"input": {"name": "Sales", "parentId": top["id"]}}, token=token)
    ).ok()
    child = child["createDepartment"]["department"]
    assert child["parent"] == {"name": "Company"}
    cycle = await _errors(
        gql,
        UPDATE_DEPT,
        "updateDepartment",
        {"id": top["id"], "version": 1, "parentId": child["id"]},
        token,
    )
    assert cycle == [{"field": "parentId", "code": "DEPARTMENT_CYCLE"}]
    duplicate = await _errors(gql, CREATE_DEPT, "createDepartment", {"name": "sales"}, token)
    assert duplicate == [{"field": "name", "code": "DUPLICATE"}]
    renamed = await _errors(
        gql,
        UPDATE_DEPT,
        "updateDepartment",
        {"id": child["id"], "version": 1, "name": "COMPANY"},
        token,
    )
    assert renamed == [{"field": "name", "code": "DUPLICATE"}]
    foreign = did(await add_department(other_tenant, "Theirs"))
    into_other = await _errors(
        gql, CREATE_DEPT, "createDepartment", {"name": "X", "parentId": foreign}, token
    )
    assert into_other == [{"field": "parentId", "code": "NOT_FOUND"}]
    stale = await _errors(
        gql, UPDATE_DEPT, "updateDepartment", {"id": top["id"], "version": 7, "name": "Y"}, token
    )
    assert stale == [{"field": "version", "code": "CONFLICT"}]
    async with tenant.session() as conn:
        rows = (await conn.execute(sa.select(departments.c.name, departments.c.version))).all()
    assert sorted(rows) == [("Company", 1), ("Sales", 1)]


async def test_currency_change_keeps_the_salary_valid(gql, tenant):
    emp = await add_employee(tenant, "Ada Paid", salary=Decimal("100.50"))
    token = tenant.admin_token
    update = {"id": eid(emp), "version": 1}
    yen = await _errors(gql, UPDATE, "updateEmployee", {**update, "salaryCurrency": "JPY"}, token)
    assert yen == [{"field": "salary", "code": "BAD_USER_INPUT"}]
    bare = await _errors(gql, UPDATE, "updateEmployee", {**update, "salaryCurrency": None}, token)
    assert bare == [{"field": "salaryCurrency", "code": "BAD_USER_INPUT"}]
    row = await employee_row(tenant, emp)
    assert (row.salary, row.salary_currency, row.version) == (Decimal("100.50"), "EUR", 1)
    cleared = await gql(UPDATE, {"input": {**update, "salary": None}}, token=token)
    assert cleared.ok()["updateEmployee"]["employee"]["salaryCurrency"] is None
