"""Arranging HR rows directly in a tenant (the API under test is not used to arrange)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any
from uuid import UUID

import sqlalchemy as sa

from api.core.relay import to_global_id
from domain.hr.models import departments, employees
from tenants.models import roles


async def add_department(tenant: Any, name: str, **values: Any) -> UUID:
    async with tenant.session() as conn:
        return await conn.scalar(
            departments.insert()
            .values(tenant_id=tenant.id, name=name, **values)
            .returning(departments.c.id)
        )


async def add_employee(tenant: Any, name: str, **values: Any) -> UUID:
    values.setdefault("title", "Engineer")
    values.setdefault("work_email", f"{name.split()[0].lower()}@{tenant.slug}.example")
    if "salary" in values:
        values.setdefault("salary_currency", "EUR")
    async with tenant.session() as conn:
        return await conn.scalar(
            employees.insert()
            .values(tenant_id=tenant.id, name=name, **values)
            .returning(employees.c.id)
        )


async def employee_row(tenant: Any, id: UUID) -> Any:
    async with tenant.session() as conn:
        return (await conn.execute(sa.select(employees).where(employees.c.id == id))).first()


async def count_rows(tenant: Any, table: sa.Table = employees) -> int:
    async with tenant.session() as conn:
        return int(await conn.scalar(sa.select(sa.func.count()).select_from(table)))


def eid(uuid: UUID) -> str:
    return to_global_id("Employee", uuid)


def did(uuid: UUID) -> str:
    return to_global_id("Department", uuid)


SALARY = Decimal("5200.0000")


async def add_role(tenant: Any, key: str, permissions: dict[str, Any]) -> None:
    """A custom role, stored as a tenant admin would store it."""
    async with tenant.session() as conn:
        await conn.execute(
            roles.insert().values(tenant_id=tenant.id, key=key, name=key, permissions=permissions)
        )
