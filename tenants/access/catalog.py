"""What can be protected: entities, their actions and their fields, as data.

Each business area declares its entities and the built-in roles' grants in
`tenants/access/areas/<area>.py`. Field names are the GraphQL field names, so a
policy reads the same in `viewer { permissions }`, in role definitions and in the
schema. Nothing here knows about GraphQL or SQL.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

CRUD = ("read", "create", "update", "delete")
SCOPES = ("own", "team", "all")


@dataclass(frozen=True)
class EntitySpec:
    name: str
    # field groups, e.g. {"directory": ("name", "title"), "personal": ("salary",)}
    groups: Mapping[str, tuple[str, ...]]
    actions: tuple[str, ...] = CRUD
    # fields every user reads on the row that is their own (row-dependent access)
    self_readable: tuple[str, ...] = ()
    # fields every user reads on a row they reached through a relation they may read
    # (a colleague's name as the owner of their deal), without the entity's read: the
    # entity's own lists and node(id:) still need it
    referable: tuple[str, ...] = ()
    # derived or system fields: readable when granted, never writable
    readonly: tuple[str, ...] = ()
    description: str = ""

    @property
    def fields(self) -> tuple[str, ...]:
        return tuple(f for group in self.groups.values() for f in group)

    def expand(self, names: Iterable[str]) -> frozenset[str]:
        """Group names, field names or "*" to a set of field names."""
        out: set[str] = set()
        for name in names:
            if name == "*":
                out.update(self.fields)
            elif name in self.groups:
                out.update(self.groups[name])
            elif name in self.fields:
                out.add(name)
            else:
                raise KeyError(f"{self.name} has no field or field group {name!r}")
        return frozenset(out)


@dataclass(frozen=True)
class Grant:
    """One built-in role's rights on one entity; fields by group name, field name or "*"."""

    entity: str
    actions: str  # space separated, e.g. "read create update"
    scope: str = "all"
    read: tuple[str, ...] = ("*",)
    write: tuple[str, ...] = ()


@dataclass(frozen=True)
class Area:
    entities: tuple[EntitySpec, ...]
    grants: Mapping[str, tuple[Grant, ...]] = field(default_factory=dict)


def _load_areas() -> tuple[Area, ...]:
    from tenants.access.areas import AREAS

    return AREAS


class Catalog:
    def __init__(self, areas: Iterable[Area]) -> None:
        self.areas = tuple(areas)
        self.entities: dict[str, EntitySpec] = {}
        for area in self.areas:
            for spec in area.entities:
                assert spec.name not in self.entities, f"entity {spec.name} declared twice"
                self.entities[spec.name] = spec

    def __getitem__(self, name: str) -> EntitySpec:
        return self.entities[name]

    def __contains__(self, name: object) -> bool:
        return name in self.entities

    def grants_for(self, role_key: str) -> list[Grant]:
        return [g for area in self.areas for g in area.grants.get(role_key, ())]


_catalog: Catalog | None = None


def catalog() -> Catalog:
    """The catalog of every area (built once; it is static data)."""
    global _catalog
    if _catalog is None:
        _catalog = Catalog(_load_areas())
    return _catalog
