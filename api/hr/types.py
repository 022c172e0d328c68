"""Employees and departments as GraphQL types. Scalars are plain attributes; relations
go through the request's DataLoaders (one statement per relation per page)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any
from uuid import UUID

import strawberry

from api.core.context import Info
from api.core.payloads import UserError
from api.core.relay import Node, node_resolver, to_global_id
from api.core.rows import column_values, from_row_or_none
from api.hr import loaders

# row columns an Employee copies as they are
EMPLOYEE_COLUMNS = (
    "department_id",
    "manager_id",
    "name",
    "title",
    "work_email",
    "active",
    "hired_on",
    "terminated_on",
    "salary",
    "salary_currency",
    "bank_account",
    "national_id",
    "birth_date",
    "home_address",
    "version",
)


@strawberry.type(
    description="A person employed by the tenant. Personal fields (salary, bank account, "
    "national id, birth date, home address) are readable by HR, and by the employee on "
    "their own record."
)
class Employee(Node):
    __entity__ = "Employee"
    # relations a page of Employees loads at once when selected (api.core.loaders.prefetch)
    __prefetch__ = {
        "department": (loaders.DEPARTMENTS, "department_id"),
        "manager": (loaders.EMPLOYEES, "manager_id"),
    }

    uuid: strawberry.Private[UUID]
    user_uuid: strawberry.Private[UUID | None]
    department_id: strawberry.Private[UUID | None]
    manager_id: strawberry.Private[UUID | None]
    name: str | None
    title: str | None
    work_email: str | None
    active: bool | None
    user_id: strawberry.ID | None = strawberry.field(
        description="The user account this employee signs in with."
    )
    hired_on: date | None
    terminated_on: date | None
    salary: Decimal | None = strawberry.field(description="In `salaryCurrency`.")
    salary_currency: str | None
    bank_account: str | None
    national_id: str | None
    birth_date: date | None
    home_address: str | None
    version: int | None

    @classmethod
    def from_row(cls, row: Any) -> Employee:
        return cls(
            id=to_global_id("Employee", row.id),
            uuid=row.id,
            user_uuid=row.user_id,
            user_id=to_global_id("User", row.user_id) if row.user_id else None,
            **column_values(row, *EMPLOYEE_COLUMNS),
        )

    def belongs_to(self, user_id: UUID) -> bool:
        return self.user_uuid is not None and self.user_uuid == user_id

    @strawberry.field
    def department(self, info: Info) -> Department | None:
        return loaders.DEPARTMENTS.resolve(info, self.department_id, Department.from_row)

    @strawberry.field(description="Whom the employee reports to.")
    def manager(self, info: Info) -> Employee | None:
        return loaders.EMPLOYEES.resolve(info, self.manager_id, Employee.from_row)


@strawberry.type(description="A unit of the organisation; departments nest through `parent`.")
class Department(Node):
    __entity__ = "Department"
    # relations a page of Departments loads at once when selected (api.core.loaders.prefetch)
    __prefetch__ = {
        "parent": (loaders.DEPARTMENTS, "parent_id"),
        "manager": (loaders.EMPLOYEES, "manager_id"),
    }

    uuid: strawberry.Private[UUID]
    parent_id: strawberry.Private[UUID | None]
    manager_id: strawberry.Private[UUID | None]
    name: str | None
    version: int | None

    @classmethod
    def from_row(cls, row: Any) -> Department:
        return cls(
            id=to_global_id("Department", row.id),
            uuid=row.id,
            **column_values(row, "parent_id", "manager_id", "name", "version"),
        )

    @strawberry.field
    def parent(self, info: Info) -> Department | None:
        return loaders.DEPARTMENTS.resolve(info, self.parent_id, Department.from_row)

    @strawberry.field(description="Who heads the department.")
    def manager(self, info: Info) -> Employee | None:
        return loaders.EMPLOYEES.resolve(info, self.manager_id, Employee.from_row)


@strawberry.type
class EmployeePayload:
    employee: Employee | None = None
    user_errors: list[UserError] = strawberry.field(default_factory=list)


@strawberry.type
class DepartmentPayload:
    department: Department | None = None
    user_errors: list[UserError] = strawberry.field(default_factory=list)


@node_resolver("Employee", entity="Employee")
async def _employee_node(context: Any, uuid: UUID) -> Employee | None:
    return from_row_or_none(Employee, (await loaders.fetch_employees(context, [uuid])).get(uuid))


@node_resolver("Department", entity="Department")
async def _department_node(context: Any, uuid: UUID) -> Department | None:
    return from_row_or_none(
        Department, (await loaders.fetch_departments(context, [uuid])).get(uuid)
    )


NODE_TYPES = (Employee, Department)
