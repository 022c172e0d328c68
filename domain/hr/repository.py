"""HR reads: whole pages and batches, in a fixed number of statements, under record scope.

Record scope (domain/scope.py, rules in domain/hr/models.py) on Employee: `all` every
row; `own` the actor's own record; `team` their own record and everyone who reports to
them, directly or down the manager chain. On Department: `all` every row, `own`/`team`
the department the actor works in. A row out of scope is simply not found.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from datetime import date
from decimal import Decimal
from typing import Any
from uuid import UUID

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncConnection

from domain.entity import stored
from domain.hr.models import ENTITIES, EmployeeQuery, departments, employees
from domain.pagination import Listing, Page, PageRequest, run_listing
from domain.scope import in_scope
from domain.search import search_condition
from tenants.principal import Actor

_SALARY_OPS: dict[str, Callable[[Any, Any], sa.ColumnElement[bool]]] = {
    "eq": lambda c, v: c == v,
    "gt": lambda c, v: c > v,
    "gte": lambda c, v: c >= v,
    "lt": lambda c, v: c < v,
    "lte": lambda c, v: c <= v,
}
# not date.max: asyncpg sends that as 'infinity', which no cursor value can reach
LAST_DATE = date(9999, 1, 1)
# what a missing value sorts as (keyset pagination needs no NULLs): after every other
LAST: dict[type, tuple[sa.ColumnElement[Any], sa.types.TypeEngine[Any]]] = {
    date: (sa.literal(LAST_DATE, sa.Date), sa.Date()),
    Decimal: (sa.cast(10**15, sa.Numeric()), sa.Numeric()),
}


def _sort_key(column: sa.Column[Any]) -> sa.ColumnElement[Any]:
    if column.type.python_type is str:  # names sort without regard to case
        return sa.func.lower(column, type_=sa.Text)
    if not column.nullable:
        return column
    last, type_ = LAST[column.type.python_type]
    return sa.func.coalesce(column, last, type_=type_)


# the sort keys of the employee list (catalog fields; their columns: the description)
_SORT_KEYS: dict[str, sa.ColumnElement[Any]] = {
    name: _sort_key(column)
    for name, column in stored(ENTITIES, "Employee")
    .sort_columns("name", "hiredOn", "salary")
    .items()
}
# what the `name` filter searches (API field names)
EMPLOYEE_SEARCH = {"name": employees.c.name}


def _employee_conditions(q: EmployeeQuery) -> list[sa.ColumnElement[bool]]:
    where: list[sa.ColumnElement[bool]] = []
    named = search_condition(q.name, EMPLOYEE_SEARCH)
    if named is not None:
        where.append(named)
    if q.department_id is not None:
        where.append(employees.c.department_id == q.department_id)
    if q.manager_id is not None:
        where.append(employees.c.manager_id == q.manager_id)
    if q.active is not None:
        where.append(employees.c.active.is_(q.active))
    for op, value in q.salary.items():
        where.append(_SALARY_OPS[op](employees.c.salary, value))
    return where


def employee_listing(actor: Actor, q: EmployeeQuery) -> Listing:
    """Employees in the actor's record scope under the query's filters, in keyset order."""
    sort = _SORT_KEYS[q.order].label("sort_key")
    query = sa.select(employees, sort).where(in_scope(actor, "Employee"), *_employee_conditions(q))
    return Listing(query, sort, employees.c.id, q.descending)


async def list_employees(
    conn: AsyncConnection, actor: Actor, q: EmployeeQuery, page: PageRequest
) -> Page:
    return await run_listing(conn, employee_listing(actor, q), page)


async def employees_by_ids(
    conn: AsyncConnection, actor: Actor, ids: Iterable[UUID]
) -> dict[UUID, Any]:
    rows = await conn.execute(
        sa.select(employees).where(employees.c.id.in_(list(ids)), in_scope(actor, "Employee"))
    )
    return {r.id: r for r in rows}


async def own_employee(conn: AsyncConnection, actor: Actor) -> Any:
    """The actor's own employee record, if they have one: always theirs to read, whatever
    their role's record scope (ACCESS.md)."""
    query = sa.select(employees).where(employees.c.user_id == actor.user_id)
    return (await conn.execute(query)).first()


def department_listing(actor: Actor) -> Listing:
    """Departments in the actor's record scope, by name."""
    sort = sa.func.lower(departments.c.name, type_=sa.Text).label("sort_key")
    query = sa.select(departments, sort).where(in_scope(actor, "Department"))
    return Listing(query, sort, departments.c.id)


async def list_departments(conn: AsyncConnection, actor: Actor, page: PageRequest) -> Page:
    return await run_listing(conn, department_listing(actor), page)


async def departments_by_ids(
    conn: AsyncConnection, actor: Actor, ids: Iterable[UUID]
) -> dict[UUID, Any]:
    rows = await conn.execute(
        sa.select(departments).where(departments.c.id.in_(list(ids)), in_scope(actor, "Department"))
    )
    return {r.id: r for r in rows}


async def ancestors(
    conn: AsyncConnection, table: sa.Table, parent_column: str, start: UUID
) -> Sequence[UUID]:
    """`start` and every row above it following `parent_column` (UNION stops on a cycle)."""
    parent = table.c[parent_column]
    chain = (
        sa.select(table.c.id, parent.label("up"))
        .where(table.c.id == start)
        .cte("chain", recursive=True)
    )
    step = sa.select(table.c.id, parent.label("up")).join(chain, table.c.id == chain.c.up)
    chain = chain.union(step)
    return list((await conn.scalars(sa.select(chain.c.id))).all())
