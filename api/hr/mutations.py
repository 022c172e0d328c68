"""HR mutations: each parses its input and calls one service inside a savepoint."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

import strawberry

from api.core.context import Info
from api.core.payloads import ActorCall, Answer, as_actor, respond
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
from api.hr.types import Department, DepartmentPayload, Employee, EmployeePayload
from domain.hr import services

Service = Callable[..., Awaitable[Any]]


def _changing(service: Service, input: Any, refs: dict[str, tuple[str, str]]) -> ActorCall:
    """The service called with the input's changes."""
    return lambda conn, actor: service(conn, actor, changes(input, refs))


# What each mutation answers: its payload, the field of the record, the row's conversion.
DEPARTMENT = Answer.record(DepartmentPayload, "department", Department.from_row)
EMPLOYEE = Answer.record(EmployeePayload, "employee", Employee.from_row)


@strawberry.type
class Mutation:
    @strawberry.mutation(metadata={"access": ("Employee", "create")})
    async def create_employee(self, info: Info, input: CreateEmployeeInput) -> EmployeePayload:
        return await respond(
            info,
            EMPLOYEE,
            as_actor(info, _changing(services.create_employee, input, EMPLOYEE_REFS)),
        )

    @strawberry.mutation(
        metadata={"access": ("Employee", "update")},
        description="Change the fields sent; a stale `version` is a CONFLICT.",
    )
    async def update_employee(self, info: Info, input: UpdateEmployeeInput) -> EmployeePayload:
        return await respond(
            info,
            EMPLOYEE,
            as_actor(info, _changing(services.update_employee, input, EMPLOYEE_REFS)),
        )

    @strawberry.mutation(
        metadata={"access": ("Employee", "terminate")},
        description="Record that the employee has left; they stay in the directory, inactive.",
    )
    async def terminate_employee(
        self, info: Info, input: TerminateEmployeeInput
    ) -> EmployeePayload:
        return await respond(
            info,
            EMPLOYEE,
            as_actor(info, _changing(services.terminate_employee, input, EMPLOYEE_REFS)),
        )

    @strawberry.mutation(metadata={"access": ("Department", "create")})
    async def create_department(
        self, info: Info, input: CreateDepartmentInput
    ) -> DepartmentPayload:
        return await respond(
            info,
            DEPARTMENT,
            as_actor(info, _changing(services.create_department, input, DEPARTMENT_REFS)),
        )

    @strawberry.mutation(
        metadata={"access": ("Department", "update")},
        description="Change the fields sent; a stale `version` is a CONFLICT.",
    )
    async def update_department(
        self, info: Info, input: UpdateDepartmentInput
    ) -> DepartmentPayload:
        return await respond(
            info,
            DEPARTMENT,
            as_actor(info, _changing(services.update_department, input, DEPARTMENT_REFS)),
        )
