"""Reading the audit log under the reader's policy.

The generic trigger records changes by column name; the policy speaks GraphQL field
names. A column maps to the catalog field of the same name in camelCase, or, for a
reference column `x_id`, to the field `x` (users.role_id -> User.role). A column that
maps to no catalog field (an internal one, e.g. an invoice's sequence number) is shown
only to a reader of every field of the entity: a new column cannot leak through here.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from functools import cache
from typing import Any

from domain.money import decimal_string
from domain.naming import snake_to_camel
from tenants.access.catalog import catalog
from tenants.access.policy import Policy

# An audit event records one change per column of its row, so at most this many: no
# audited table is wider (tests/unit/test_list_bounds.py checks every table). api/cost.py
# counts it for `AuditEvent.changes`.
CHANGES_PER_EVENT = 32


@dataclass(frozen=True)
class Change:
    field: str
    old: Any
    new: Any
    redacted: bool


@cache
def field_for_column(entity: str, column: str) -> str | None:
    spec = catalog().entities.get(entity)
    if spec is None:
        return None
    candidates = [snake_to_camel(column)]
    if column.endswith("_id"):
        candidates.append(snake_to_camel(column[: -len("_id")]))
    return next((name for name in candidates if name in spec.fields), None)


def auditable_entities(policy: Policy) -> list[str]:
    """Entities whose audit trail the reader may see: those it reads in every row. (A
    role limited to its own rows would otherwise see other rows' history.)"""
    return [
        name
        for name in catalog().entities
        if policy.can(name, "read") and policy.scope(name) != "own"
    ]


def recorded(changes: str | Mapping[str, Any]) -> Mapping[str, Any]:
    """The trigger's record (its JSON text) with every column's numeric value as a
    decimal string, printed as the API prints it ("120.0000"). Numbers inside a jsonb
    column's value (an address, say) stay JSON numbers, as they were written."""
    if not isinstance(changes, str):
        return changes
    parsed = json.loads(changes, parse_float=Decimal)
    return {
        column: {side: _column_value(v) for side, v in values.items()}
        if isinstance(values, dict)
        else values
        for column, values in parsed.items()
    }


def _column_value(value: Any) -> Any:
    return decimal_string(value) if isinstance(value, Decimal) else _as_written(value)


def _as_written(value: Any) -> Any:
    """Numbers nested in a jsonb value back to the JSON numbers they were."""
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, dict):
        return {key: _as_written(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_as_written(item) for item in value]
    return value


def visible_changes(entity: str, changes: str | Mapping[str, Any], policy: Policy) -> list[Change]:
    """One change per column, by field name; values the reader may not read redacted."""
    changes = recorded(changes)
    out = []
    spec = catalog().entities.get(entity)
    reads_all = spec is not None and all(policy.can_read(entity, f) for f in spec.fields)
    for column in sorted(changes):
        field = field_for_column(entity, column)
        name = field or snake_to_camel(column)
        values = changes[column] if isinstance(changes[column], Mapping) else {}
        if reads_all or (field is not None and policy.can_read(entity, field)):
            out.append(Change(name, values.get("old"), values.get("new"), False))
        else:
            out.append(Change(name, None, None, True))
    return out
