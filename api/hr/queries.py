"""HR queries: the employee directory and the departments."""

from __future__ import annotations

import strawberry

from api.compiled.sources import listing
from api.core.context import Info
from api.core.relay import Connection, connection, page_request
from api.hr.inputs import EmployeeFilter, EmployeeOrder, employee_query
from api.hr.types import Department, Employee
from domain.hr import repository


@strawberry.type
class Query:
    @strawberry.field(
        description="Employees in your record scope, by name unless `orderBy`.",
        metadata=listing(
            "Employee", lambda actor, f, o: repository.employee_listing(actor, employee_query(f, o))
        ),
    )
    async def employees(
        self,
        info: Info,
        filter: EmployeeFilter | None = None,
        order_by: EmployeeOrder | None = None,
        first: int | None = None,
        after: str | None = None,
        last: int | None = None,
        before: str | None = None,
    ) -> Connection[Employee] | None:
        page = page_request(info, first, after, last, before)
        query = employee_query(filter, order_by)
        context = info.context
        found = await repository.list_employees(context.db, context.require_actor(), query, page)
        return await connection(info, found, Employee.from_row)

    @strawberry.field(
        description="Departments, by name.",
        metadata=listing("Department", lambda actor, f, o: repository.department_listing(actor)),
    )
    async def departments(
        self,
        info: Info,
        first: int | None = None,
        after: str | None = None,
        last: int | None = None,
        before: str | None = None,
    ) -> Connection[Department] | None:
        page = page_request(info, first, after, last, before)
        context = info.context
        found = await repository.list_departments(context.db, context.require_actor(), page)
        return await connection(info, found, Department.from_row)
