"""A role's permissions, compiled for fast checks, and validated against the catalog.

Stored form (roles.permissions, jsonb):
    {"Employee": {"actions": ["read", "update"], "scope": "all",
                  "read": ["name", "title"], "write": ["title"]}}
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from enum import Flag, auto
from typing import Any

from tenants.access.catalog import SCOPES, Catalog, catalog


class Read(Flag):
    """On which rows a role reads a field. SELF and REFERENCE combine (User.id is both)."""

    DENY = 0
    SELF = auto()  # on the viewer's own row only
    REFERENCE = auto()  # on a row reached through a relation (EntitySpec.referable)
    ALLOW = auto()  # on every row the caller reaches


@dataclass(frozen=True)
class EntityGrant:
    actions: frozenset[str]
    scope: str
    read: frozenset[str]
    write: frozenset[str]

    def as_json(self) -> dict[str, Any]:
        return {
            "actions": sorted(self.actions),
            "scope": self.scope,
            "read": sorted(self.read),
            "write": sorted(self.write),
        }


class PolicyError(ValueError):
    def __init__(self, problems: list[tuple[str, str]]) -> None:
        super().__init__("; ".join(message for _, message in problems))
        self.problems = problems  # (path, message)


class Policy:
    def __init__(self, grants: Mapping[str, EntityGrant], cat: Catalog | None = None) -> None:
        self.grants = dict(grants)
        self._catalog = cat or catalog()

    # -- checks -------------------------------------------------------------
    def can(self, entity: str, action: str) -> bool:
        grant = self.grants.get(entity)
        return grant is not None and action in grant.actions

    def scope(self, entity: str) -> str | None:
        grant = self.grants.get(entity)
        return grant.scope if grant else None

    def read(self, entity: str, field: str) -> Read:
        spec = self._catalog.entities.get(entity)
        granted = self.can_read(entity, field)
        if granted and not (spec is not None and spec.referable and self.scope(entity) == "own"):
            return Read.ALLOW
        if spec is None:
            return Read.DENY
        decision = Read.DENY
        if field in spec.self_readable or (field == "id" and spec.self_readable):
            decision |= Read.SELF
        if field in spec.referable or (field == "id" and spec.referable):
            decision |= Read.REFERENCE
        # A referable entity's rows are also met outside the record scope (as the owner
        # of a deal), so under scope `own` the granted fields show on the own row only.
        return (decision | Read.SELF) if granted else decision

    def can_read(self, entity: str, field: str) -> bool:
        """Granted on the rows in the record scope (what filters and sort keys may use)."""
        grant = self.grants.get(entity)
        return (
            grant is not None and "read" in grant.actions and (field == "id" or field in grant.read)
        )

    def can_write(self, entity: str, field: str) -> bool:
        grant = self.grants.get(entity)
        return grant is not None and field in grant.write

    def covers(self, other: Policy) -> list[str]:
        """What `other` grants beyond this policy (empty when it grants nothing more)."""
        excess: list[str] = []
        order = {s: i for i, s in enumerate(SCOPES)}
        for entity, theirs in other.grants.items():
            mine = self.grants.get(entity)
            if mine is None:
                if theirs.actions or theirs.read or theirs.write:
                    excess.append(entity)
                continue
            excess += [f"{entity}.{a}" for a in sorted(theirs.actions - mine.actions)]
            if theirs.actions and order[theirs.scope] > order[mine.scope]:
                excess.append(f"{entity} scope {theirs.scope}")
            excess += [f"{entity}.{f} (read)" for f in sorted(theirs.read - mine.read)]
            excess += [f"{entity}.{f} (write)" for f in sorted(theirs.write - mine.write)]
        return excess

    # -- storage ------------------------------------------------------------
    def as_json(self) -> dict[str, Any]:
        return {name: grant.as_json() for name, grant in sorted(self.grants.items())}

    @classmethod
    def from_json(
        cls, data: Mapping[str, Any], cat: Catalog | None = None, *, strict: bool = True
    ) -> Policy:
        """Parse and validate; raises PolicyError listing every problem found.

        With strict=False (a stored role read after the catalog changed) whatever the
        catalog does not know is dropped instead, and an unknown scope becomes `own`:
        the role fails closed, and its users are not locked out."""
        cat = cat or catalog()
        problems: list[tuple[str, str]] = []
        grants: dict[str, EntityGrant] = {}
        if not isinstance(data, Mapping):
            raise PolicyError([("permissions", "must be an object keyed by entity")])
        for entity, raw in data.items():
            spec = cat.entities.get(entity)
            if spec is None:
                problems.append((entity, f"unknown entity {entity!r}"))
                continue
            if not isinstance(raw, Mapping):
                problems.append((entity, "must be an object"))
                continue
            actions = frozenset(raw.get("actions", ()))
            for a in sorted(actions - set(spec.actions)):
                problems.append((f"{entity}.actions", f"{entity} has no action {a!r}"))
            scope = raw.get("scope", "all")
            if scope not in SCOPES:
                problems.append((f"{entity}.scope", f"unknown scope {scope!r} (own, team, all)"))
                scope = "own"
            read = frozenset(raw.get("read", ()))
            write = frozenset(raw.get("write", ()))
            for kind, names in (("read", read), ("write", write)):
                for f in sorted(names - set(spec.fields)):
                    problems.append((f"{entity}.{kind}", f"{entity} has no field {f!r}"))
            for f in sorted(write & set(spec.readonly)):
                problems.append((f"{entity}.write", f"{entity}.{f} is read-only"))
            fields = set(spec.fields)
            grants[entity] = EntityGrant(
                actions & set(spec.actions),
                scope,
                read & fields,
                write & (fields - set(spec.readonly)),
            )
        if problems and strict:
            raise PolicyError(problems)
        return cls(grants, cat)
