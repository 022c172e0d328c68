"""How a Python or column name (snake_case) reads in the API and the catalog (camelCase)."""

from __future__ import annotations


def snake_to_camel(name: str) -> str:
    """`created_at` -> `createdAt`, `assigned_to` -> `assignedTo`."""
    head, *rest = name.split("_")
    return head + "".join(part[:1].upper() + part[1:] for part in rest)
