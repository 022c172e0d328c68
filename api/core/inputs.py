"""Reading what a client sent. Optional keys of inputs default to UNSET, not null: a
schema default would make every request "send" the key, and api.core.access checks
every sent key for write access. These say, once each, what UNSET and null mean."""

from __future__ import annotations

from collections.abc import Collection, Iterator, Mapping
from typing import Any, TypeVar

from strawberry import UNSET

T = TypeVar("T")
# an update input's attributes that locate its row rather than change it
LOCATORS = ("id", "version", "client_mutation_id")


def has_value(value: object) -> bool:
    """Whether the client sent the key with a value (neither left out nor null)."""
    return value is not None and value is not UNSET


def sent_or_none(value: T | None) -> T | None:
    """The value sent, or None when the key was left out (UNSET) or null."""
    return value if has_value(value) else None


def sent_items(input_obj: object, skip: Collection[str] = ()) -> Iterator[tuple[str, Any]]:
    """The (attribute, value) pairs the client sent (null included, UNSET left out),
    without the attributes in `skip` (those that only locate the row: id, version)."""
    for name, value in vars(input_obj).items():
        if value is not UNSET and name not in skip:
            yield name, value


def sent_fields(input_obj: object, names: Mapping[str, str]) -> dict[str, Any]:
    """The input's attributes the client sent (null included, UNSET left out), keyed by
    `names[attribute]` (a column name)."""
    out: dict[str, Any] = {}
    for attribute, key in names.items():
        value = getattr(input_obj, attribute, UNSET)
        if value is not UNSET:
            out[key] = value
    return out
