"""HR use cases: employees and departments.

Every write checks its references inside the tenant and the actor's record scope (RLS
hides other tenants' rows, so their ids are simply NOT_FOUND). Hierarchy edits take a
per-tenant advisory lock, so two concurrent edits cannot close a cycle between them.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import date
from decimal import Decimal
from typing import Any, TypeVar
from uuid import UUID

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncConnection

from domain.base import lock_tenant_table
from domain.errors import DomainError, ErrorCode, NotFound
from domain.hr.errors import HrError
from domain.hr.models import DEPARTMENT_FIELDS, EMPLOYEE_FIELDS, Changes, departments, employees
from domain.hr.repository import ancestors
from domain.kit.checks import email, optional_text, required_text
from domain.kit.rows import check_version, update_versioned
from domain.money import amount, currency, round_money
from domain.scope import in_scope
from tenants.models import users
from tenants.principal import Actor

T = TypeVar("T")
MAX_SALARY = Decimal(10) ** 12
# unique constraint -> (input field, message) for a clash with another row
_UNIQUE = {
    "ux_employees_user": ("userId", "That user is linked to another employee."),
    "ux_departments_name": ("name", "A department with that name exists."),
}
# column -> input field, for the messages of plain text columns
_TEXT_FIELDS = {
    "name": "name",
    "title": "title",
    "work_email": "workEmail",
    "bank_account": "bankAccount",
    "national_id": "nationalId",
    "home_address": "homeAddress",
}


def _clean_text(values: dict[str, Any], column: str, *, required: bool = False) -> None:
    if column in values:
        check = required_text if required else optional_text
        values[column] = check(values[column], _TEXT_FIELDS[column], max_length=500)


async def _exists(conn: AsyncConnection, table: sa.Table, id: UUID, *where: Any) -> bool:
    return bool(await conn.scalar(sa.select(sa.exists().where(table.c.id == id, *where))))


async def _unique(write: Callable[[], Awaitable[T]]) -> T:
    """Run a write; a clash on a per-tenant unique key becomes a DUPLICATE userError."""
    try:
        return await write()
    except sa.exc.IntegrityError as error:
        for constraint, (field, message) in _UNIQUE.items():
            if constraint in str(error.orig):
                raise DomainError(message, field=field, code=ErrorCode.DUPLICATE) from None
        raise


async def _insert(conn: AsyncConnection, table: sa.Table, actor: Actor, values: Any) -> Any:
    insert = table.insert().values(tenant_id=actor.tenant_id, **values).returning(*table.c)
    return await _unique(lambda: _one(conn, insert))


async def _one(conn: AsyncConnection, statement: Any) -> Any:
    return (await conn.execute(statement)).one()


async def _update(
    conn: AsyncConnection,
    table: sa.Table,
    scope: Any,
    command: Changes,
    values: dict[str, Any],
    noun: str,
) -> Any:
    """Versioned update within scope: a version changed since `_current` is a CONFLICT."""
    return await update_versioned(
        conn, table, _named(command, noun), command.version, values, where=scope, label=noun
    )


def _named(command: Changes, noun: str) -> UUID:
    """The record an update names. None named is the caller's NOT_FOUND, checked as code
    (an `assert` is gone under `python -O`)."""
    if command.id is None:
        raise NotFound(f"No such {noun}.", field="id")
    return command.id


async def _current(
    conn: AsyncConnection, table: sa.Table, scope: Any, command: Changes, noun: str
) -> Any:
    """The row to update, in scope and at the version the caller last read."""
    named = _named(command, noun)
    row = (await conn.execute(sa.select(table).where(table.c.id == named, scope))).first()
    if row is None:
        raise NotFound(f"No such {noun}.", field="id")
    check_version(row.version, command.version, noun)
    return row


# --------------------------------------------------------------------------- employees
def _check_salary(values: dict[str, Any], current: Any) -> None:
    """Salary and currency together: an amount always has a valid currency."""
    if "salary_currency" in values and values["salary_currency"] is not None:
        values["salary_currency"] = currency(values["salary_currency"], field="salaryCurrency")
    salary = values.get("salary", getattr(current, "salary", None))
    code = values.get("salary_currency", getattr(current, "salary_currency", None))
    if salary is None:
        return
    if code is None:
        raise DomainError("A salary needs its currency.", field="salaryCurrency")
    value = amount(salary, field="salary")
    if value >= MAX_SALARY or round_money(value, code) != value:
        raise DomainError(
            f"salary must be below {MAX_SALARY:,} with at most the minor units of {code}.",
            field="salary",
        )
    if "salary" in values:
        values["salary"] = value


async def _check_employee_values(
    conn: AsyncConnection, actor: Actor, values: dict[str, Any], current: Any
) -> None:
    for column in _TEXT_FIELDS:
        _clean_text(values, column, required=column == "name")
    email(values.get("work_email"), "workEmail")
    birth = values.get("birth_date")
    if birth is not None and birth >= date.today():
        raise DomainError("birthDate must be in the past.", field="birthDate")
    _check_salary(values, current)
    department_id = values.get("department_id")
    if department_id is not None and not await _exists(
        conn, departments, department_id, in_scope(actor, "Department")
    ):
        raise NotFound("No such department.", field="departmentId")
    user_id = values.get("user_id")
    if user_id is not None and not await _exists(conn, users, user_id):
        raise NotFound("No such user.", field="userId")
    if values.get("manager_id") is not None:
        await _check_manager(conn, actor, values["manager_id"], current)


async def _check_manager(
    conn: AsyncConnection, actor: Actor, manager_id: UUID, current: Any
) -> None:
    active = await conn.scalar(
        sa.select(employees.c.active).where(
            employees.c.id == manager_id, in_scope(actor, "Employee")
        )
    )
    if active is None:
        raise NotFound("No such manager.", field="managerId")
    if not active:
        raise DomainError("The manager has left the company.", field="managerId")
    if current is None:
        return  # a new employee has no reports yet: no cycle possible
    await lock_tenant_table(conn, employees)
    if current.id in await ancestors(conn, employees, "manager_id", manager_id):
        raise DomainError(
            "An employee cannot report to themselves or to someone who reports to them.",
            field="managerId",
            code=HrError.MANAGER_CYCLE,
        )


async def create_employee(conn: AsyncConnection, actor: Actor, command: Changes) -> Any:
    values = {k: v for k, v in command.values.items() if k in EMPLOYEE_FIELDS}
    await _check_employee_values(conn, actor, values, None)
    return await _insert(conn, employees, actor, values)


async def update_employee(conn: AsyncConnection, actor: Actor, command: Changes) -> Any:
    scope = in_scope(actor, "Employee")
    current = await _current(conn, employees, scope, command, "employee")
    values = {k: v for k, v in command.values.items() if k in EMPLOYEE_FIELDS}
    if "salary" in values and values["salary"] is None:
        values.setdefault("salary_currency", None)
    await _check_employee_values(conn, actor, values, current)
    hired, left = values.get("hired_on"), current.terminated_on
    if hired is not None and left is not None and hired > left:
        raise DomainError("hiredOn cannot follow terminatedOn.", field="hiredOn")
    return await _unique(lambda: _update(conn, employees, scope, command, values, "employee"))


async def terminate_employee(
    conn: AsyncConnection, actor: Actor, command: Changes, today: date | None = None
) -> Any:
    scope = in_scope(actor, "Employee")
    current = await _current(conn, employees, scope, command, "employee")
    if not current.active:
        raise DomainError(
            "The employee has already left.", field="id", code=HrError.ALREADY_TERMINATED
        )
    on = command.values.get("terminated_on") or today or date.today()
    if current.hired_on is not None and on < current.hired_on:
        raise DomainError("terminatedOn cannot precede hiredOn.", field="terminatedOn")
    values = {"active": False, "terminated_on": on}
    return await _update(conn, employees, scope, command, values, "employee")


# --------------------------------------------------------------------------- departments
async def _check_department_values(
    conn: AsyncConnection, actor: Actor, values: dict[str, Any], current: Any
) -> None:
    _clean_text(values, "name", required=True)
    manager_id = values.get("manager_id")
    if manager_id is not None and not await _exists(
        conn, employees, manager_id, in_scope(actor, "Employee")
    ):
        raise NotFound("No such manager.", field="managerId")
    parent_id = values.get("parent_id")
    if parent_id is None:
        return
    if not await _exists(conn, departments, parent_id, in_scope(actor, "Department")):
        raise NotFound("No such parent department.", field="parentId")
    if current is not None:
        await lock_tenant_table(conn, departments)
        if current.id in await ancestors(conn, departments, "parent_id", parent_id):
            raise DomainError(
                "A department cannot sit inside itself or inside one of its sub-departments.",
                field="parentId",
                code=HrError.DEPARTMENT_CYCLE,
            )


async def create_department(conn: AsyncConnection, actor: Actor, command: Changes) -> Any:
    values = {k: v for k, v in command.values.items() if k in DEPARTMENT_FIELDS}
    await _check_department_values(conn, actor, values, None)
    return await _insert(conn, departments, actor, values)


async def update_department(conn: AsyncConnection, actor: Actor, command: Changes) -> Any:
    scope = in_scope(actor, "Department")
    current = await _current(conn, departments, scope, command, "department")
    values = {k: v for k, v in command.values.items() if k in DEPARTMENT_FIELDS}
    await _check_department_values(conn, actor, values, current)
    return await _unique(lambda: _update(conn, departments, scope, command, values, "department"))
