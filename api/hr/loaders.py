"""HR relations fetched for a whole page at once (one statement per relation)."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from api.core.context import Info
from api.core.loaders import Relation
from domain.hr import repository


async def fetch_employees(context: Any, ids: list[UUID]) -> dict[UUID, Any]:
    return await repository.employees_by_ids(context.db, context.require_actor(), ids)


async def fetch_departments(context: Any, ids: list[UUID]) -> dict[UUID, Any]:
    return await repository.departments_by_ids(context.db, context.require_actor(), ids)


EMPLOYEES = Relation("hr.employee", fetch_employees, entity="Employee")
DEPARTMENTS = Relation("hr.department", fetch_departments, entity="Department")


async def own_employee_row(info: Info) -> Any:
    context = info.context
    return await repository.own_employee(context.db, context.require_actor())
