"""Reading the audit log under the reader's policy.

The generic trigger records changes by column name; the policy speaks GraphQL field
names. A column maps to the catalog field of the same name in camelCase, or, for a
reference column `x_id`, to the field `x` (users.role_id -> User.role). A column that
maps to no catalog field (an internal one, e.g. an invoice's sequence number) is shown
only to a reader of every field of the entity: a new column cannot leak through here.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from typing import Any

from tenants.access.catalog import catalog
from tenants.access.policy import Policy


@dataclass(frozen=True)
class Change:
    field: str
    old: Any
    new: Any
    redacted: bool


def camel(column: str) -> str:
    head, *rest = column.split("_")
    return head + "".join(part[:1].upper() + part[1:] for part in rest)


@cache
def field_for_column(entity: str, column: str) -> str | None:
    spec = catalog().entities.get(entity)
    if spec is None:
        return None
    candidates = [camel(column)]
    if column.endswith("_id"):
        candidates.append(camel(column[: -len("_id")]))
    return next((name for name in candidates if name in spec.fields), None)


def auditable_entities(policy: Policy) -> list[str]:
    """Entities whose audit trail the reader may see: those it reads in every row. (A
    role limited to its own rows would otherwise see other rows' history.)"""
    return [
        name
        for name in catalog().entities
        if policy.can(name, "read") and policy.scope(name) != "own"
    ]


def visible_changes(entity: str, changes: Mapping[str, Any], policy: Policy) -> list[Change]:
    """One change per column, by field name; values the reader may not read redacted."""
    out = []
    spec = catalog().entities.get(entity)
    reads_all = spec is not None and all(policy.can_read(entity, f) for f in spec.fields)
    for column in sorted(changes):
        field = field_for_column(entity, column)
        name = field or camel(column)
        values = changes[column] if isinstance(changes[column], Mapping) else {}
        if reads_all or (field is not None and policy.can_read(entity, field)):
            out.append(Change(name, values.get("old"), values.get("new"), False))
        else:
            out.append(Change(name, None, None, True))
    return out
