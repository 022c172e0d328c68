"""The bench data set, generated deterministically in memory (no database here).

20 tenants of weight 1 plus one tenant of weight 10 (`big`). Every count is
`per_unit * scale * weight`, and every id and value comes from a random generator
seeded by (section, scale, tenant), so the same scale always gives the same rows.
Each area adds a `Section`; the loader (bench.seed) loads a section only when all
its tables exist in the database, so the harness runs before every area has landed.
"""

from __future__ import annotations

import operator
import random
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any
from uuid import UUID

from tenants.access.builtin import BUILTIN_ROLES

SMALL_TENANTS = 20
BIG_WEIGHT = 10
BASE_TIME = datetime(2026, 1, 1, tzinfo=UTC)


def new_id(rng: random.Random) -> UUID:
    return UUID(int=rng.getrandbits(128), version=4)


@dataclass
class Table:
    name: str
    columns: tuple[str, ...]
    rows: list[tuple[Any, ...]] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.pick = operator.itemgetter(*self.columns)  # a row dict -> its tuple, in order


@dataclass
class Tenant:
    index: int
    slug: str
    name: str
    weight: int
    id: UUID
    # role key -> user ids of that role (tenant_admin first is the admin)
    users: dict[str, list[UUID]] = field(default_factory=dict)
    # free-form per-area indexes for workloads (e.g. "deals_by_owner")
    refs: dict[str, Any] = field(default_factory=dict)

    def user(self, role: str) -> UUID:
        return self.users[role][0]


class Dataset:
    def __init__(self, scale: float) -> None:
        self.scale = scale
        self.tenants: list[Tenant] = []
        self.tables: dict[str, Table] = {}
        self.section_tables: dict[str, tuple[str, ...]] = {}

    def add(self, table: str, **row: Any) -> None:
        t = self.tables.get(table)
        if t is None:
            t = self.tables[table] = Table(table, tuple(row))
        t.rows.append(t.pick(row))

    def count(self, per_unit: float, tenant: Tenant, minimum: int = 1) -> int:
        return max(minimum, round(per_unit * self.scale * tenant.weight))

    def counts(self) -> dict[str, int]:
        return {name: len(t.rows) for name, t in self.tables.items()}

    @property
    def big(self) -> Tenant:
        return next(t for t in self.tenants if t.slug == "big")

    def rows_by_tenant(self, table: str) -> Iterator[tuple[UUID, list[tuple[Any, ...]]]]:
        t = self.tables[table]
        position = t.columns.index("tenant_id")
        groups: dict[UUID, list[tuple[Any, ...]]] = {}
        for row in t.rows:
            groups.setdefault(row[position], []).append(row)
        yield from groups.items()


@dataclass(frozen=True)
class Section:
    """One area's data: `generate(dataset, tenant, rng)` adds rows to `tables`."""

    name: str
    tables: tuple[str, ...]
    generate: Callable[[Dataset, Tenant, random.Random], None]
    needs: tuple[str, ...] = ()  # sections whose rows these rows point at


def moment(rng: random.Random, days_back: int = 365) -> datetime:
    return BASE_TIME - timedelta(seconds=rng.randrange(days_back * 86400))


def stamped(at: datetime) -> dict[str, Any]:
    return {"created_at": at, "updated_at": at}


def _tenancy(ds: Dataset, tenant: Tenant, rng: random.Random) -> None:
    ds.add("tenants", id=tenant.id, slug=tenant.slug, name=tenant.name, created_at=BASE_TIME)
    role_ids = {}
    for role in BUILTIN_ROLES:  # as tenants.provisioning.create_tenant writes them
        role_ids[role.key] = new_id(rng)
        ds.add(
            "roles",
            tenant_id=tenant.id,
            id=role_ids[role.key],
            key=role.key,
            name=role.name,
            description=role.description,
            builtin=True,
            permissions="{}",
            **stamped(BASE_TIME),
        )
    # sales reps carry the pipeline; everyone else is one or two people
    per_role = {"sales_rep": 3 + tenant.weight, "sales_manager": 1 + tenant.weight // 5}
    for key in role_ids:
        tenant.users[key] = []
        for n in range(per_role.get(key, 1)):
            user_id = new_id(rng)
            tenant.users[key].append(user_id)
            local = key if n == 0 else f"{key}{n + 1}"
            ds.add(
                "users",
                tenant_id=tenant.id,
                id=user_id,
                email=f"{local}@{tenant.slug}.bench",
                name=f"{local.replace('_', ' ').title()} of {tenant.name}",
                role_id=role_ids[key],
                active=True,
                **stamped(BASE_TIME),
            )
    # M1 (create and confirm orders) acts as a sales rep of its own, so the orders it
    # writes can be told apart from the seeded ones and removed before the next run
    m1_user = new_id(rng)
    tenant.refs["m1_user"] = m1_user
    ds.add(
        "users",
        tenant_id=tenant.id,
        id=m1_user,
        email=f"m1@{tenant.slug}.bench",
        name=f"M1 Rep of {tenant.name}",
        role_id=role_ids["sales_rep"],
        active=True,
        **stamped(BASE_TIME),
    )


TENANCY = Section("tenancy", ("tenants", "roles", "users"), _tenancy)


def sections() -> tuple[Section, ...]:
    from bench.sections import AREA_SECTIONS

    return (TENANCY, *AREA_SECTIONS)


def generate(scale: float) -> Dataset:
    ds = Dataset(scale)
    master = random.Random(f"tenants:{scale}")
    specs = [(f"t{n:02d}", f"Tenant {n:02d}", 1) for n in range(1, SMALL_TENANTS + 1)]
    specs.append(("big", "Big Tenant", BIG_WEIGHT))
    for index, (slug, name, weight) in enumerate(specs):
        ds.tenants.append(Tenant(index, slug, name, weight, new_id(master)))
    for section in sections():
        ds.section_tables[section.name] = section.tables
        for tenant in ds.tenants:
            section.generate(ds, tenant, random.Random(f"{section.name}:{scale}:{tenant.index}"))
    return ds
