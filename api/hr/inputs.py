"""HR inputs. Optional input fields default to UNSET, so only the keys a client
sends reach the write check and the service (null clears a value)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from enum import Enum
from typing import Any

import strawberry
from strawberry import UNSET

from api.core.access import searched
from api.core.inputs import sent_items
from api.core.relay import from_global_id, local_id
from api.ordering import OrderDirection
from domain.hr.models import SALARY_OPERATORS, Changes, EmployeeQuery
from domain.hr.repository import EMPLOYEE_SEARCH

# input attribute holding a global id -> (type of the id, input field for errors)
EMPLOYEE_REFS = {
    "department_id": ("Department", "departmentId"),
    "manager_id": ("Employee", "managerId"),
    "user_id": ("User", "userId"),
}
DEPARTMENT_REFS = {
    "parent_id": ("Department", "parentId"),
    "manager_id": ("Employee", "managerId"),
}


def changes(input: Any, refs: dict[str, tuple[str, str]]) -> Changes:
    """The fields the client sent, global ids decoded (a bad one is a NOT_FOUND userError).
    Call it inside the service call, so that error becomes a userError."""
    values: dict[str, Any] = {}
    for name, value in sent_items(input, ("id", "version")):
        if name in refs and value is not None:
            type_name, field = refs[name]
            value = local_id(value, type_name, field)
        values[name] = value
    id = getattr(input, "id", None)
    return Changes(
        values=values,
        id=local_id(id, type(input).__entity__, "id") if id is not None else None,
        version=getattr(input, "version", None),
    )


@strawberry.input(description="Salary comparisons; several combine with AND.")
class SalaryRange:
    eq: Decimal | None = None
    gt: Decimal | None = None
    gte: Decimal | None = None
    lt: Decimal | None = None
    lte: Decimal | None = None


@strawberry.input
class EmployeeFilter:
    __entity__ = "Employee"
    __searches__ = {"name": tuple(EMPLOYEE_SEARCH)}

    name: str | None = strawberry.field(
        default=None, description="Case-insensitive part of the name."
    )
    department: strawberry.ID | None = None
    manager: strawberry.ID | None = None
    active: bool | None = None
    salary: SalaryRange | None = strawberry.field(
        default=None, description="Only for roles that may read salaries."
    )


@strawberry.enum
class EmployeeOrderField(Enum):
    NAME = "name"
    HIRED_ON = "hiredOn"
    SALARY = "salary"


@strawberry.input
class EmployeeOrder:
    __entity__ = "Employee"

    field: EmployeeOrderField
    direction: OrderDirection = OrderDirection.ASC


def employee_query(filter: EmployeeFilter | None, order: EmployeeOrder | None) -> EmployeeQuery:
    f = filter or EmployeeFilter()
    salary = {op: getattr(f.salary, op) for op in SALARY_OPERATORS} if f.salary else {}
    return EmployeeQuery(
        name=searched(f.name),
        department_id=from_global_id(f.department, "Department")[1] if f.department else None,
        manager_id=from_global_id(f.manager, "Employee")[1] if f.manager else None,
        active=f.active,
        salary={op: v for op, v in salary.items() if v is not None},
        order=order.field.value if order else "name",
        descending=bool(order and order.direction is OrderDirection.DESC),
    )


@strawberry.input(description="Fields shared by creating and updating an employee.")
class EmployeeFields:
    __entity__ = "Employee"
    __writes__ = {"departmentId": ("department",), "managerId": ("manager",)}

    title: str | None = UNSET
    department_id: strawberry.ID | None = UNSET
    manager_id: strawberry.ID | None = UNSET
    user_id: strawberry.ID | None = strawberry.field(
        default=UNSET, description="The user account this employee signs in with."
    )
    work_email: str | None = UNSET
    hired_on: date | None = UNSET
    salary: Decimal | None = UNSET
    salary_currency: str | None = UNSET
    bank_account: str | None = UNSET
    national_id: str | None = UNSET
    birth_date: date | None = UNSET
    home_address: str | None = UNSET


@strawberry.input
class CreateEmployeeInput(EmployeeFields):
    name: str


@strawberry.input(description="Only the fields sent change; null clears a field.")
class UpdateEmployeeInput(EmployeeFields):
    id: strawberry.ID
    version: int
    name: str | None = UNSET


@strawberry.input
class TerminateEmployeeInput:
    __entity__ = "Employee"
    # set by the terminate action itself, which the mutation's access rule checks
    __writes__ = {"terminatedOn": ()}

    id: strawberry.ID
    version: int
    terminated_on: date | None = strawberry.field(
        default=UNSET, description="Last day of employment; today when omitted."
    )


@strawberry.input
class CreateDepartmentInput:
    __entity__ = "Department"
    __writes__ = {"parentId": ("parent",), "managerId": ("manager",)}

    name: str
    parent_id: strawberry.ID | None = UNSET
    manager_id: strawberry.ID | None = UNSET


@strawberry.input(description="Only the fields sent change; null clears a field.")
class UpdateDepartmentInput:
    __entity__ = "Department"
    __writes__ = CreateDepartmentInput.__writes__

    id: strawberry.ID
    version: int
    name: str | None = UNSET
    parent_id: strawberry.ID | None = UNSET
    manager_id: strawberry.ID | None = UNSET
