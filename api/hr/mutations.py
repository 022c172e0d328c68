"""HR mutations: each parses its input and calls one service inside a savepoint."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

import strawberry

from api.core.payloads import UserError, run_service
from api.hr.inputs import (
    DEPARTMENT_REFS,
    EMPLOYEE_REFS,
    CreateDepartmentInput,
    CreateEmployeeInput,
    TerminateEmployeeInput,
    UpdateDepartmentInput,
    UpdateEmployeeInput,
    changes,
)
from api.hr.types import Department, DepartmentPayload, Employee, EmployeePayload, maybe
from domain.hr import services

Service = Callable[..., Awaitable[Any]]


async def _run(
    info: strawberry.Info, service: Service, input: Any, refs: dict[str, tuple[str, str]]
) -> tuple[Any, list[UserError]]:
    context = info.context
    actor = context.require_actor()
    return await run_service(info, lambda: service(context.db, actor, changes(input, refs)))


async def _employee(info: strawberry.Info, service: Service, input: Any) -> EmployeePayload:
    row, errors = await _run(info, service, input, EMPLOYEE_REFS)
    return EmployeePayload(employee=maybe(Employee, row), user_errors=errors)


async def _department(info: strawberry.Info, service: Service, input: Any) -> DepartmentPayload:
    row, errors = await _run(info, service, input, DEPARTMENT_REFS)
    return DepartmentPayload(department=maybe(Department, row), user_errors=errors)


@strawberry.type
class Mutation:
    @strawberry.mutation(metadata={"access": ("Employee", "create")})
    async def create_employee(
        self, info: strawberry.Info, input: CreateEmployeeInput
    ) -> EmployeePayload:
        return await _employee(info, services.create_employee, input)

    @strawberry.mutation(
        metadata={"access": ("Employee", "update")},
        description="Change the fields sent; a stale `version` is a CONFLICT.",
    )
    async def update_employee(
        self, info: strawberry.Info, input: UpdateEmployeeInput
    ) -> EmployeePayload:
        return await _employee(info, services.update_employee, input)

    @strawberry.mutation(
        metadata={"access": ("Employee", "terminate")},
        description="Record that the employee has left; they stay in the directory, inactive.",
    )
    async def terminate_employee(
        self, info: strawberry.Info, input: TerminateEmployeeInput
    ) -> EmployeePayload:
        return await _employee(info, services.terminate_employee, input)

    @strawberry.mutation(metadata={"access": ("Department", "create")})
    async def create_department(
        self, info: strawberry.Info, input: CreateDepartmentInput
    ) -> DepartmentPayload:
        return await _department(info, services.create_department, input)

    @strawberry.mutation(
        metadata={"access": ("Department", "update")},
        description="Change the fields sent; a stale `version` is a CONFLICT.",
    )
    async def update_department(
        self, info: strawberry.Info, input: UpdateDepartmentInput
    ) -> DepartmentPayload:
        return await _department(info, services.update_department, input)
