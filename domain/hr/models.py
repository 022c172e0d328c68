"""HR tables and the commands its services take."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any
from uuid import UUID

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import UUID as PGUUID

from domain.entity import CREATED, UPDATED, Stored
from domain.ownership import HeldBy, Person
from domain.search import Search
from tenants.tables import tenant_table

departments = tenant_table(
    "departments",
    sa.Column("name", sa.Text, nullable=False),
    sa.Column("parent_id", PGUUID(as_uuid=True)),
    sa.Column("manager_id", PGUUID(as_uuid=True)),
    # employees reference their department too: this one is added after both tables
    sa.ForeignKeyConstraint(
        ["tenant_id", "manager_id"], ["employees.tenant_id", "employees.id"], use_alter=True
    ),
    sa.ForeignKeyConstraint(
        ["tenant_id", "parent_id"], ["departments.tenant_id", "departments.id"]
    ),
    sa.Index("ix_departments_parent_id", "tenant_id", "parent_id"),
    sa.Index("ux_departments_name", "tenant_id", sa.text("lower(name)"), unique=True),
)

employees = tenant_table(
    "employees",
    sa.Column("user_id", PGUUID(as_uuid=True)),
    sa.Column("name", sa.Text, nullable=False),
    sa.Column("title", sa.Text),
    sa.Column("department_id", PGUUID(as_uuid=True)),
    sa.Column("manager_id", PGUUID(as_uuid=True)),
    sa.Column("work_email", sa.Text),
    sa.Column("active", sa.Boolean, nullable=False, server_default=sa.true()),
    sa.Column("hired_on", sa.Date),
    sa.Column("terminated_on", sa.Date),
    sa.Column("salary", sa.Numeric(18, 4)),
    sa.Column("salary_currency", sa.Text),
    sa.Column("bank_account", sa.Text),
    sa.Column("national_id", sa.Text),
    sa.Column("birth_date", sa.Date),
    sa.Column("home_address", sa.Text),
    sa.ForeignKeyConstraint(
        ["tenant_id", "department_id"], ["departments.tenant_id", "departments.id"]
    ),
    sa.ForeignKeyConstraint(["tenant_id", "manager_id"], ["employees.tenant_id", "employees.id"]),
    sa.ForeignKeyConstraint(["tenant_id", "user_id"], ["users.tenant_id", "users.id"]),
    sa.Index("ix_employees_department_id", "tenant_id", "department_id"),
    sa.Index("ix_employees_manager_id", "tenant_id", "manager_id"),
    sa.Index("ix_employees_name", "tenant_id", sa.text("lower(name)"), "id"),
    sa.Index(
        "ux_employees_user",
        "tenant_id",
        "user_id",
        unique=True,
        postgresql_where=sa.text("(user_id IS NOT NULL)"),
    ),
)

# Columns a create or update command may set (terminate sets active/terminated_on).
EMPLOYEE_FIELDS = frozenset(
    {
        "user_id",
        "name",
        "title",
        "department_id",
        "manager_id",
        "work_email",
        "hired_on",
        "salary",
        "salary_currency",
        "bank_account",
        "national_id",
        "birth_date",
        "home_address",
    }
)
DEPARTMENT_FIELDS = frozenset({"name", "parent_id", "manager_id"})
SALARY_OPERATORS = ("eq", "gt", "gte", "lt", "lte")


@dataclass(frozen=True)
class EmployeeQuery:
    name: Search | None = None  # case-insensitive part of the name
    department_id: UUID | None = None
    manager_id: UUID | None = None
    active: bool | None = None
    # comparison operator (one of SALARY_OPERATORS) -> amount; several combine with AND
    salary: dict[str, Decimal] = field(default_factory=dict)
    order: str = "name"  # a sort key: name, hiredOn, salary (catalog fields)
    descending: bool = False


@dataclass(frozen=True)
class Changes:
    """A create or update: only the columns the caller sent (None clears a column)."""

    values: dict[str, Any]
    id: UUID | None = None
    version: int | None = None


# domain/entities.py. Record scope: an employee is a person of the org chart; a
# department belongs to the people working in it (team reaches no further: your own)
ENTITIES = (
    Stored(
        "Employee",
        employees,
        Person(employees.c.id, employees.c.user_id),
        internal={
            "created_at": CREATED + " (hiredOn is the date that counts)",
            "updated_at": UPDATED,
        },
    ),
    Stored(
        "Department",
        departments,
        HeldBy(departments.c.id, employees.c.department_id, employees.c.user_id, team_is_own=True),
        internal={"created_at": CREATED, "updated_at": UPDATED},
    ),
)
