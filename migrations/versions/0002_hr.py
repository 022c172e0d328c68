"""HR and tenant administration (issue 3): departments and employees.

Revision ID: 0002
Revises: 0001

Departments and employees point at each other (a department's manager is an
employee, an employee works in a department), so the department -> manager key is
added once both tables exist. Every key includes tenant_id: a row can never point
into another tenant. Manager cycles are refused by the service (a CHECK cannot see
other rows); a row naming itself is refused here too.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import UUID

from migrations.rls import create_tenant_table, tenant_fk, tenant_index

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    create_tenant_table(
        "departments",
        sa.Column("name", sa.Text, nullable=False),
        sa.Column("parent_id", UUID(as_uuid=True)),
        sa.Column("manager_id", UUID(as_uuid=True)),
        tenant_fk(["parent_id"], "departments", name="fk_departments_parent"),
        sa.CheckConstraint("btrim(name) <> ''", name="ck_departments_name"),
        sa.CheckConstraint("parent_id IS DISTINCT FROM id", name="ck_departments_parent_not_self"),
        entity="Department",
    )
    tenant_index("departments", "lower(name)", unique=True, name="ux_departments_name")
    tenant_index("departments", "parent_id")

    create_tenant_table(
        "employees",
        sa.Column("user_id", UUID(as_uuid=True)),
        sa.Column("name", sa.Text, nullable=False),
        sa.Column("title", sa.Text),
        sa.Column("department_id", UUID(as_uuid=True)),
        sa.Column("manager_id", UUID(as_uuid=True)),
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
        tenant_fk(["user_id"], "users", name="fk_employees_user"),
        tenant_fk(["department_id"], "departments", name="fk_employees_department"),
        tenant_fk(["manager_id"], "employees", name="fk_employees_manager"),
        sa.CheckConstraint("btrim(name) <> ''", name="ck_employees_name"),
        sa.CheckConstraint("manager_id IS DISTINCT FROM id", name="ck_employees_manager_not_self"),
        sa.CheckConstraint("active = (terminated_on IS NULL)", name="ck_employees_terminated"),
        sa.CheckConstraint(
            "terminated_on IS NULL OR hired_on IS NULL OR terminated_on >= hired_on",
            name="ck_employees_terminated_after_hired",
        ),
        sa.CheckConstraint(
            "salary IS NULL OR (salary >= 0 AND salary_currency IS NOT NULL)",
            name="ck_employees_salary",
        ),
        sa.CheckConstraint(
            "salary_currency IS NULL OR salary_currency ~ '^[A-Z]{3}$'",
            name="ck_employees_salary_currency",
        ),
        entity="Employee",
    )
    tenant_index(
        "employees", "user_id", unique=True, name="ux_employees_user", where="user_id IS NOT NULL"
    )
    tenant_index("employees", "lower(name)", "id", name="ix_employees_name")
    tenant_index("employees", "department_id")
    tenant_index("employees", "manager_id")

    op.create_foreign_key(
        "fk_departments_manager",
        "departments",
        "employees",
        ["tenant_id", "manager_id"],
        ["tenant_id", "id"],
    )


def downgrade() -> None:
    op.drop_constraint("fk_departments_manager", "departments", type_="foreignkey")
    op.drop_table("employees")
    op.drop_table("departments")
