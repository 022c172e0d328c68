"""HR rows (migration 0002): departments and employees, one employee per user plus
staff without a login. Department managers are left empty: the two tables point at
each other, and the bench reads employees, not the org chart."""

from __future__ import annotations

import random
from datetime import timedelta
from decimal import Decimal

from bench.data import BASE_TIME, Dataset, Section, Tenant, moment, new_id, stamped
from bench.gen_crm import person

DEPARTMENTS = ("Sales", "Operations", "Finance", "People", "Engineering")


def generate(ds: Dataset, tenant: Tenant, rng: random.Random) -> None:
    departments = []
    for name in DEPARTMENTS:
        did = new_id(rng)
        departments.append(did)
        ds.add(
            "departments",
            tenant_id=tenant.id,
            id=did,
            name=name,
            parent_id=None,
            manager_id=None,
            **stamped(BASE_TIME),
        )
    users = [u for ids in tenant.users.values() for u in ids]
    heads: list = []
    for n in range(max(len(users), ds.count(60, tenant))):
        eid = new_id(rng)
        hired = (BASE_TIME - timedelta(days=rng.randrange(30, 3000))).date()
        left = rng.random() < 0.05
        ds.add(
            "employees",
            tenant_id=tenant.id,
            id=eid,
            user_id=users[n] if n < len(users) else None,
            name=person(rng),
            title=rng.choice(("Associate", "Specialist", "Lead", "Manager")),
            department_id=rng.choice(departments),
            manager_id=rng.choice(heads) if heads else None,
            work_email=f"employee{n}@{tenant.slug}.bench",
            active=not left,
            hired_on=hired,
            terminated_on=hired + timedelta(days=rng.randrange(10, 400)) if left else None,
            salary=Decimal(rng.randrange(30, 140) * 1000),
            salary_currency="EUR",
            bank_account=f"DE{rng.randrange(10**19, 10**20)}",
            national_id=f"ID{rng.randrange(10**8, 10**9)}",
            birth_date=(BASE_TIME - timedelta(days=rng.randrange(20 * 365, 60 * 365))).date(),
            home_address=f"{rng.randrange(1, 200)} {rng.choice(('Main', 'High', 'Park'))} St",
            **stamped(moment(rng, 800)),
        )
        if n < 5:
            heads.append(eid)


HR = Section("hr", ("departments", "employees"), generate)
