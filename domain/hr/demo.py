"""Demo org chart: six departments and twenty employees per demo tenant, every demo
user linked to the employee they are (the admin is the CEO, and so on)."""

from __future__ import annotations

import unicodedata
import uuid
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from domain.demo_seed import DemoSeed, demo_email
from domain.hr.models import departments, employees

# department -> parent
DEPARTMENTS = {
    "Management": None,
    "Sales": "Management",
    "Finance": "Management",
    "Operations": "Management",
    "People": "Management",
    "Engineering": "Management",
}
# (key, name, title, department, manager key, demo role linked, monthly salary)
STAFF: tuple[tuple[str, str, str, str, str | None, str | None, int], ...] = (
    ("ceo", "Grace Okafor", "Chief Executive Officer", "Management", None, "tenant_admin", 15000),
    ("cso", "Marco Rossi", "Head of Sales", "Sales", "ceo", "sales_manager", 9500),
    ("cfo", "Ingrid Larsen", "Chief Financial Officer", "Finance", "ceo", None, 12000),
    ("coo", "Tomás Ortega", "Head of Operations", "Operations", "ceo", None, 10000),
    ("hrd", "Amina Diallo", "HR Director", "People", "ceo", "hr_manager", 9000),
    ("cto", "Wei Chen", "Chief Technology Officer", "Engineering", "ceo", None, 12500),
    ("rep1", "Sofia Novak", "Account Executive", "Sales", "cso", "sales_rep", 5200),
    ("rep2", "Liam Byrne", "Account Executive", "Sales", "cso", None, 5000),
    ("rep3", "Priya Nair", "Sales Development Rep", "Sales", "cso", None, 4100),
    ("acc1", "Jonas Weber", "Accountant", "Finance", "cfo", "accountant", 5400),
    ("acc2", "Chloé Martin", "Accounts Receivable Clerk", "Finance", "cfo", None, 3900),
    ("wh1", "Kwame Mensah", "Warehouse Lead", "Operations", "coo", "warehouse", 4300),
    ("wh2", "Elena Popescu", "Warehouse Operative", "Operations", "wh1", None, 3100),
    ("wh3", "Diego Alvarez", "Warehouse Operative", "Operations", "wh1", None, 3100),
    ("hr1", "Hana Sato", "HR Partner", "People", "hrd", None, 4600),
    ("eng1", "Noah Fischer", "Staff Engineer", "Engineering", "cto", None, 8200),
    ("eng2", "Zara Ahmed", "Software Engineer", "Engineering", "eng1", None, 6300),
    ("eng3", "Oskar Nilsson", "Software Engineer", "Engineering", "eng1", None, 6100),
    ("eng4", "Lucía Gómez", "QA Engineer", "Engineering", "cto", None, 5200),
    ("eng5", "Ravi Patel", "Site Reliability Engineer", "Engineering", "cto", None, 6900),
)
# department -> the employee who heads it
HEADS = {
    "Management": "ceo",
    "Sales": "cso",
    "Finance": "cfo",
    "Operations": "coo",
    "People": "hrd",
    "Engineering": "cto",
}


def _employee(demo: DemoSeed, index: int, member: tuple[Any, ...], ids: dict[str, Any]) -> Any:
    key, name, title, department, manager, role, salary = member
    user_id = demo.users.get(role) if role else None
    first = unicodedata.normalize("NFKD", name.split()[0]).encode("ascii", "ignore")
    local = first.decode().lower()
    return {
        "id": ids[key],
        "tenant_id": demo.tenant_id,
        "user_id": user_id,
        "name": name,
        "title": title,
        "department_id": ids[department],
        "manager_id": ids[manager] if manager else None,
        "work_email": demo_email(role, demo.slug) if user_id else f"{local}@{demo.slug}.example",
        "hired_on": date(2016, 3, 1) + timedelta(days=97 * index),
        "salary": Decimal(salary),
        "salary_currency": demo.currencies[0],
        "bank_account": f"DE89 3704 0044 0532 {index:04d} 00",
        "national_id": f"{demo.slug[:2].upper()}-{7310 + index * 37:06d}",
        "birth_date": date(1970, 1, 15) + timedelta(days=613 * index),
        "home_address": f"{index + 1} Demo Street, Springfield",
    }


async def seed(demo: DemoSeed) -> None:
    ids: dict[str, Any] = {name: uuid.uuid4() for name in DEPARTMENTS}
    ids.update({member[0]: uuid.uuid4() for member in STAFF})
    conn = demo.conn
    for name, parent in DEPARTMENTS.items():  # parents first
        await conn.execute(
            departments.insert().values(
                id=ids[name],
                tenant_id=demo.tenant_id,
                name=name,
                parent_id=ids[parent] if parent else None,
            )
        )
    # managers come before their reports in STAFF
    rows = [_employee(demo, i, member, ids) for i, member in enumerate(STAFF)]
    await conn.execute(employees.insert(), rows)
    for department, key in HEADS.items():
        await conn.execute(
            departments.update()
            .where(departments.c.id == ids[department])
            .values(manager_id=ids[key])
        )
