"""How a catalog entity is described on the domain side (`ENTITIES` in each
`domain/<area>/models.py`, collected by `domain/entities.py`, which says what the
description holds)."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

import sqlalchemy as sa

from domain.ownership import Ownership

# every table's: not a field of any entity
KEYS = {
    "tenant_id": "the row's tenant: RLS keeps it to its tenant, no field repeats it",
    "id": "the row's key: the global `id` of the entity's GraphQL type where it has one",
}

# columns several tables keep without a field
UPDATED = "when the row last changed: the audit log tells when and what"
CREATED = "when the row was made: the audit log tells it, the entity shows no date"


def snake_case(name: str) -> str:
    return re.sub(r"(?<!^)(?=[A-Z])", "_", name).lower()


@dataclass(frozen=True)
class Stored:
    name: str
    table: sa.Table
    ownership: Ownership
    # catalog field -> where it is computed (a path of the repository first)
    derived: Mapping[str, str] = field(default_factory=dict)
    # column -> why no catalog field shows it (besides KEYS)
    internal: Mapping[str, str] = field(default_factory=dict)
    # catalog field -> its column, where the naming rule does not find it
    columns: Mapping[str, str] = field(default_factory=dict)

    def column(self, name: str) -> sa.Column[Any] | None:
        """The column that stores catalog field `name` (None: none by the rules)."""
        if name in self.columns:
            return self.table.c[self.columns[name]]
        for candidate in (snake_case(name), f"{snake_case(name)}_id"):
            if candidate in self.table.c:
                return self.table.c[candidate]
        return None

    def sort_columns(self, *fields: str) -> dict[str, sa.Column[Any]]:
        """The columns a list of the entity sorts by, keyed by catalog field: a list
        declares only which fields it sorts by, the description says where they are."""
        found = {name: self.column(name) for name in fields}
        stored = {name: column for name, column in found.items() if column is not None}
        missing = sorted(set(found) - set(stored))
        if missing:
            raise ValueError(f"{self.name} keeps no column for sort keys {missing}")
        return stored

    @property
    def hidden(self) -> Mapping[str, str]:
        return {**KEYS, **self.internal}


def stored(descriptions: Iterable[Description], name: str) -> Stored:
    """The description of stored entity `name` among an area's `ENTITIES`."""
    found = next((d for d in descriptions if d.name == name), None)
    if not isinstance(found, Stored):
        raise KeyError(f"no stored entity {name!r}")
    return found


@dataclass(frozen=True)
class Computed:
    name: str
    ownership: Ownership
    source: str  # where its rows are added up (a path of the repository first)


Description = Stored | Computed
